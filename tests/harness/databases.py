"""The databases the store contract runs on: a SQLite file and a PostgreSQL database.

PostgreSQL: one uniquely named database per test session (so parallel runs don't
collide), dropped at the end; each test gets a fresh ``public`` schema. The schema
is always built by the real Alembic migrations. When no server answers, the
PostgreSQL runs are skipped with the reason — or fail under ``--require-postgres``.
The fixtures (``postgres_database``, ``db_url``, ``store``) are in ``tests.harness.plugin``.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("PAPERBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
_T = TypeVar("_T")


@dataclass(frozen=True)
class PostgresDatabase:
    """This session's database, or why there is none."""

    url: str | None
    error: str | None = None


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _in_own_loop(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run admin work on a private event loop in a thread, apart from pytest-asyncio's loops."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def admin(sql: str, url: str = POSTGRES_URL, database: str | None = None) -> None:
    """Run one statement as the server's admin (asyncpg, no SQLAlchemy)."""
    import asyncpg

    connection = await asyncpg.connect(asyncpg_dsn(url, database), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def session_database() -> Iterator[PostgresDatabase]:
    """A new database on the PostgreSQL server for this session, dropped on exit; or why there is none."""
    name = f"paperbot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        _in_own_loop(admin(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    except Exception as exc:  # any failure to reach or use the server means "no PostgreSQL here"
        shown = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        yield PostgresDatabase(None, f"PostgreSQL not reachable at {shown}: {type(exc).__name__}: {exc}")
        return
    try:
        yield PostgresDatabase(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        _in_own_loop(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def fresh_schema(url: str) -> None:
    """An empty ``public`` schema in the database at ``url``."""
    await admin("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public", url)
