"""Engines and sessions from a database URL: which URLs are accepted, and SQLite's pragmas."""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import ConfigError
from storage.data_folder import data_folder
from storage.startup_errors import CONNECT_TIMEOUT_SECONDS
from storage.url_source import KEY

_log = logging.getLogger(__name__)

ACCEPTED = "sqlite:///path/to/file.sqlite3, sqlite+aiosqlite:///…, postgresql://…, postgres://… or postgresql+asyncpg://…"
BUSY_TIMEOUT_MS = 5000

# scheme as written → the async driver we run it with
_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def default_database_url() -> str:
    """A SQLite file in the user's data folder, so a fresh install needs no database server (a
    ConfigError naming the folder and the fix if it cannot be used: :mod:`storage.data_folder`)."""
    return f"sqlite+aiosqlite:///{data_folder() / 'paperbot.sqlite3'}"


def normalise_url(url: str | URL, *, source: str = KEY) -> URL:
    """The async-driver form of ``url``; raise :class:`ConfigError` naming what is accepted (and
    ``source``, where a malformed URL came from).

    Why: configs and hosting platforms hand out ``postgres://`` and ``sqlite:///`` URLs,
    while the store only runs on asyncpg and aiosqlite.
    """
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else str(url).strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    driver = _DRIVERS.get(scheme)
    if driver is None:
        what = f"scheme '{scheme}' is not supported" if scheme else "has no scheme"
        raise ConfigError(f"database URL {what}; accepted: {ACCEPTED}")
    try:
        parsed = make_url(driver + text[len(scheme):])
    except (ArgumentError, ValueError):  # the URL is not repeated: it may hold a password
        raise ConfigError(f"{source} is malformed; accepted: {ACCEPTED}") from None
    if parsed.get_backend_name() == "postgresql" and "sslmode" in parsed.query:
        # libpq spelling (Heroku, Render, …) → asyncpg's
        parsed = parsed.difference_update_query(["sslmode"]).update_query_dict({"ssl": parsed.query["sslmode"]})
    return parsed


def create_engine(url: str | URL, *, sqlite_foreign_keys: bool = True, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (see :func:`normalise_url`), with SQLite set up for a bot.

    ``sqlite_foreign_keys=False`` is for migrations: SQLite batch migrations copy and drop
    tables, which with enforcement on would cascade deletes (checked afterwards instead).
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
        # a server that accepts TCP but never answers must not hang start-up (or a request) for a minute
        kwargs.setdefault("connect_args", {"timeout": CONNECT_TIMEOUT_SECONDS})
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys, path=parsed.database)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose loaded values stay readable after commit (we map them to domain objects)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once (it is persistent). The switch needs the file to itself and,
    unlike other statements, fails at once with "database is locked" instead of waiting for
    busy_timeout when another connection is in a transaction: retry it within that timeout."""
    cursor.execute("PRAGMA journal_mode")
    if str(cursor.fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except Exception as exc:  # the driver's OperationalError, as adapted by SQLAlchemy
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


async def _open_aiosqlite(*args: Any, **kwargs: Any) -> Any:
    """``aiosqlite.connect``, and on a failed open, wait for its worker thread to end.

    aiosqlite (0.22) answers a failed open by queueing its worker's stop without waiting for it; a
    command that then prints the error and returns closes the event loop first, and the worker, reporting
    to a closed loop, dies with an "Exception in thread … Event loop is closed" traceback after the message.
    """
    import aiosqlite

    connection = aiosqlite.connect(*args, **kwargs)
    worker = connection if isinstance(connection, threading.Thread) else connection._thread  # < 0.22: the thread itself
    worker.daemon = True  # as SQLAlchemy does: a worker never holds the process's exit
    try:
        return await connection
    except BaseException:
        if worker.is_alive():
            worker.join(timeout=1.0)  # its last step posts to this loop, which need not run for that
        raise


class DatabaseFileGone(OSError):
    """The SQLite file was deleted or replaced under a running paperbot: writes would go to a file
    nobody can open again, so they are refused (StoreUnavailableError) instead of silently lost."""


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool, path: str | None = None) -> None:
    """WAL (readers don't block the writer), enforced foreign keys, waiting instead of "database is locked".

    SQLAlchemy also takes over BEGIN from the sqlite3 driver, which otherwise would not
    start a transaction before SELECT or DDL; ``BEGIN IMMEDIATE`` takes the write lock up
    front, so a read-then-write transaction waits for another writer (busy_timeout)
    rather than failing half-way with SQLITE_BUSY. Each transaction first checks that the file is
    still the one the connections opened (one ``stat``): deleting it under a running bot is said,
    not silently swallowed.
    """
    watched = path if path and path != ":memory:" and not path.startswith("file:") else None
    opened: dict[str, tuple[int, int] | None] = {}

    @event.listens_for(engine.sync_engine, "do_connect")
    def _open_through_ours(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        cparams.setdefault("async_creator_fn", _open_aiosqlite)  # SQLAlchemy's aiosqlite dialect calls it

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if watched is not None and "identity" not in opened:
            opened["identity"] = _identity(watched)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _use_wal(cursor)
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster commits
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if watched is not None and opened.get("identity") is not None and _identity(watched) != opened["identity"]:
            _log.critical("the database file %s was deleted or replaced while paperbot runs; restart paperbot", watched)
            raise DatabaseFileGone(f"the database file {watched} was deleted or replaced while paperbot runs: "
                                   "restart paperbot (a new file is created) or restore the file from a backup")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
