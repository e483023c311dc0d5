"""Schema migrations, run in code: the app calls :func:`upgrade` on every start.

The Alembic configuration is built here (no ``alembic.ini``), with ``script_location``
pointing at the ``storage/migrations`` package folder, so it works from an installed
wheel. To write a new migration against a database at the current head::

    from alembic import command
    command.revision(alembic_config(url), "add embeddings", autogenerate=True, rev_id="0002")

then check the generated file by hand (SQLite runs it in batch mode).
"""
from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from bot.errors import ConfigError
from storage.database import create_engine, normalise_url
from storage.dialect import LOCK_KEYS
from storage.models import Base
from storage.sqlite_file import sqlite_file_problem
from storage.startup_errors import Ahead, ahead_error, file_problem_error, startup_error
from storage.url_source import KEY

_log = logging.getLogger(__name__)

# A plain path, not "storage:migrations": importlib.resources trips over namespace-package
# spellings (e.g. a stale editable install); the folder sits beside this file in a wheel too.
SCRIPT_LOCATION = str(Path(__file__).resolve().parent / "migrations")


def alembic_config(url: str | None = None, *, connection: Connection | None = None) -> Config:
    """An Alembic config for our migrations; ``env.py`` uses ``connection`` if given, else ``url``.

    Both travel in ``config.attributes``, not the ini options, so a ``%`` in a password is safe.
    """
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if url is not None:
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migrations this paperbot ships, read once: every start asks which revisions exist, and
    reading them imports every file of storage/migrations/versions."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration shipped with this version of paperbot."""
    head = _scripts().get_current_head()
    assert head is not None, "storage/migrations has no revisions"
    return head


def known_revisions() -> list[str]:
    """Every revision this paperbot ships, newest first."""
    return [script.revision for script in _scripts().walk_revisions()]


async def upgrade(url: str, revision: str = "head", *, source: str = KEY) -> tuple[str | None, str | None]:
    """Bring the database at ``url`` to ``revision`` (default: the newest); a no-op when it is there.
    Returns the revisions before (None: empty) and after. A ConfigError names ``source``, where the
    URL came from (``[database] url``, ``PAPERBOT_DATABASE_URL`` or ``--db``).

    Runs in one transaction on a throwaway engine: on PostgreSQL under an advisory lock; on
    SQLite with foreign-key enforcement off (batch migrations rebuild tables) and a
    ``foreign_key_check`` before commit instead.
    """
    parsed = normalise_url(url, source=source)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and (problem := sqlite_file_problem(parsed.database)) is not None:
        raise file_problem_error(url, problem, source)  # the doctor's words, before SQLite's "unable to open"
    try:
        if parsed.get_backend_name() == "sqlite":
            # Upgrades racing in one process (one event loop) would wait on each other's SQLite
            # locks with the loop blocked; take turns instead. Other processes wait on the file lock.
            async with _SQLITE_UPGRADES.setdefault(shown, asyncio.Lock()):
                return await _upgrade(url, revision, shown)
        return await _upgrade(url, revision, shown)
    except _UnknownRevision as ahead:  # a newer paperbot's database: the doctor's words, nothing changed
        raise ahead_error(url, Ahead(ahead.current, head_revision(), source)) from None
    except (ConfigError, asyncio.CancelledError):
        raise
    except Exception as exc:  # one line naming the URL's source and what to do, not the driver's traceback
        raise startup_error(url, exc, source) from exc


_SQLITE_UPGRADES: dict[str, asyncio.Lock] = {}


class _UnknownRevision(Exception):
    """The database is at a revision this paperbot does not ship (read before Alembic resolves it)."""

    def __init__(self, current: str) -> None:
        super().__init__(current)
        self.current = current


async def _upgrade(url: str, revision: str, shown: str) -> tuple[str | None, str | None]:
    engine = create_engine(url, sqlite_foreign_keys=False, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # two processes starting at once must not both migrate
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEYS["migrations"]})
            before = await connection.run_sync(_current_revision)
            if before is not None and before not in known_revisions():
                raise _UnknownRevision(before)
            await connection.run_sync(_run_upgrade, revision)
            if connection.dialect.name == "sqlite":
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left rows violating foreign keys: {broken[:5]}")
            after = await connection.run_sync(_current_revision)
            if connection.dialect.name == "sqlite":
                await connection.run_sync(_probe_writes)
    finally:
        await engine.dispose()
    if before != after:
        _log.info("database %s migrated from %s to %s", shown, before or "empty", after)
    else:
        _log.debug("database %s already at %s", shown, after)
    return before, after


def _probe_writes(connection: Connection) -> None:
    """Write the header's user_version as it is, and roll that back: a file SQLite refuses to write (a
    read-only mount, an immutable file) fails here, at start, in words, rather than at the first
    write as "the database is unavailable, try again" — which no wait would fix."""
    version = int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    connection.exec_driver_sql("SAVEPOINT paperbot_write_probe")
    try:
        connection.exec_driver_sql(f"PRAGMA user_version = {version}")
    finally:
        connection.exec_driver_sql("ROLLBACK TO paperbot_write_probe")
        connection.exec_driver_sql("RELEASE paperbot_write_probe")


def upgrade_sync(url: str, revision: str = "head") -> None:
    """:func:`upgrade` for callers without an event loop (scripts, a sync CLI)."""
    asyncio.run(upgrade(url, revision))


async def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at (None before the first migration)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current_revision)
    finally:
        await engine.dispose()


async def sqlite_refuses_writes(url: str) -> str | None:
    """SQLite's words if it refuses to write the file at ``url`` (a write rolled back: nothing changes);
    None if it writes. For `paperbot doctor`, which must say what start-up would."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_probe_writes)  # the transaction is rolled back on leaving
    except OperationalError as exc:
        text = " ".join(str(exc.orig if exc.orig is not None else exc).split())
        return text if "readonly" in text.lower() or "read-only" in text.lower() else None
    finally:
        await engine.dispose()
    return None


async def schema_diff(url: str, metadata: MetaData | None = None) -> list[Any]:
    """What autogenerate would change to make the database at ``url`` match ``metadata`` (models.py).

    Why: the migrations are written by hand; an empty list proves they create exactly what
    the models declare (the same comparison ``alembic check`` makes).
    """
    engine = create_engine(url, poolclass=NullPool)
    target = metadata if metadata is not None else Base.metadata
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: compare_metadata(_context_for_compare(sync), target))
    finally:
        await engine.dispose()


def _run_upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection=connection), revision)


def _context_for_compare(connection: Connection) -> MigrationContext:
    return MigrationContext.configure(connection, opts={"compare_type": True, "target_metadata": Base.metadata})


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
