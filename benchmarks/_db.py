"""A throwaway database for a benchmark: a temporary SQLite file, or a new PostgreSQL database
created on the server named by ``--postgres`` and dropped afterwards (never an existing one)."""
from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url


@asynccontextmanager
async def scratch_database(postgres: str | None, *, sqlite_file: Path | None = None) -> AsyncIterator[str]:
    """``sqlite_file``: a SQLite file kept between runs (a dataset built once) instead of a temporary one."""
    if not postgres and sqlite_file is not None:
        yield f"sqlite+aiosqlite:///{sqlite_file}"
        return
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return
    import asyncpg

    name = f"paperbot_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_url(postgres).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()
