"""The database: reachable with the configured URL, and at which schema revision — read only, never
upgraded (``paperbot db upgrade`` and every start do that).

A SQLite file that does not exist yet is not created (its folder is checked instead: the first
start creates the file there). A failure names where the URL came from (password hidden), the cause in
words — connection refused on host:port, unknown host, authentication failed, the database does
not exist, the SQLite folder missing or not writable — and the fix.
"""
from __future__ import annotations

import asyncio
import errno
import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from bot.config import Config
from bot.errors import ConfigError
from paperbot.compose import database_url, redact
from paperbot.doctor.report import Check
from storage.database import normalise_url
from storage.migrate import current_revision, sqlite_refuses_writes
from storage.sqlite_file import not_writable, sqlite_file_problem
from storage.startup_errors import CONNECT_TIMEOUT_SECONDS, startup_error
from storage.startup_errors import _cause as driver_error  # the driver's exception under SQLAlchemy's
from storage.url_source import KEY, place, repoint

NAME = "database"


@dataclass(frozen=True)
class Reached:
    """A database the doctor could read: its URL, its revision (None: empty), and whether it is a
    SQLite file the first start will create."""

    url: str
    revision: str | None
    not_created: bool = False
    source: str = KEY  # where the URL came from: a fix names it


async def check_database(config: Config) -> tuple[Check, Reached | None]:
    source = config.source_of("database", "url")  # the file's key, or PAPERBOT_DATABASE_URL when that set it
    try:
        url = database_url(config)
        parsed = normalise_url(url, source=source)
    except ConfigError as exc:
        if not config.database.url:  # the default file's folder cannot be used: the data folder's line says why
            return Check.skip(NAME, "not checked: the default SQLite file would be in the data folder, which cannot be used"), None
        return Check.fail(NAME, f"{source} cannot be used", cause=str(exc),
                          fix=repoint(source, "an accepted URL, e.g. sqlite:///path/paperbot.sqlite3 "
                                              "or postgresql://user@host:5432/paperbot")), None
    shown = redact(url)
    if parsed.get_backend_name() == "sqlite":
        problem = sqlite_file_problem(parsed.database)  # start-up's words too (storage.sqlite_file)
        if problem is not None:
            return Check.fail(NAME, f"{source} ({shown}) {problem.summary}", cause=problem.cause, fix=problem.fix(source)), None
        path = parsed.database or ""
        if path and path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
            return (Check.ok(NAME, f"{shown}: the file does not exist yet; the first start creates it (its folder is writable)"),
                    Reached(url, None, not_created=True, source=source))
    try:
        revision = await asyncio.wait_for(current_revision(url), CONNECT_TIMEOUT_SECONDS + 5)
    except ImportError as exc:
        return Check.fail(NAME, f"{source} ({shown}) needs a driver that is not installed (no module '{exc.name}')",
                          fix="install the PostgreSQL extra: pip install -e '.[postgres]' in the paperbot checkout"), None
    except Exception as exc:  # noqa: BLE001 - every failure is told in words below
        summary, cause, fix = _connect_failure(url, parsed, exc, source)
        return Check.fail(NAME, f"{source} ({shown}) {summary}", cause=cause, fix=fix), None
    if parsed.get_backend_name() == "sqlite" and (refused := await sqlite_refuses_writes(url)) is not None:
        path = parsed.database or ""
        refusal = not_writable(path, f"this user may not write to {path} (SQLite: {refused})")
        return Check.fail(NAME, f"{source} ({shown}) {refusal.summary}", cause=refusal.cause, fix=refusal.fix(source)), None
    return Check.ok(NAME, f"{shown} answered"), Reached(url, revision, source=source)


def _connect_failure(url: str, parsed: URL, exc: BaseException, source: str) -> tuple[str, str, str]:
    """(summary, cause, fix) for a database that did not answer, the fix naming ``source``, where the
    URL came from; ``startup_error``'s words otherwise."""
    cause = driver_error(exc)
    name, text = type(cause).__name__, " ".join(str(cause).split()).lower()
    host = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if "not a database" in text:
            return ("cannot be used: the file is not a SQLite database", f"{path} is not a SQLite database",
                    repoint(source, "a new file or a paperbot database"))
        if "locked" in text:
            return ("cannot be used: the file is locked", f"another program holds {path} locked (another paperbot? a backup?)",
                    "stop that program, or use another file")
    elif isinstance(cause, ConnectionRefusedError) or "connect call failed" in text or f"errno {errno.ECONNREFUSED}" in text:
        return ("cannot be reached: connection refused", f"connection refused on {host}: nothing listens there",
                f"start PostgreSQL on {host}, or correct the host and port in {place(source)}")
    elif isinstance(cause, socket.gaierror):
        return ("cannot be reached: unknown host", f"the host '{parsed.host}' is unknown (its name does not resolve)",
                f"correct the host name in {place(source)}")
    elif isinstance(cause, TimeoutError) or name in ("TimeoutError", "CancelledError"):
        return ("cannot be reached: no answer", f"{host} did not answer as PostgreSQL within {CONNECT_TIMEOUT_SECONDS} s",
                f"check the host and port in {place(source)} (is it PostgreSQL's port?) and any firewall in between")
    elif name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        return ("cannot be used: authentication failed",
                f"PostgreSQL on {host} refused the role '{parsed.username}' (unknown role or wrong password)",
                f"check the user in {place(source)} and the password in [database] password or PAPERBOT_DATABASE_PASSWORD")
    elif name == "InvalidCatalogNameError":
        return ("cannot be used: the database does not exist", f"there is no database '{parsed.database}' on {host}",
                f"create it (createdb -h {parsed.host or 'localhost'} -p {parsed.port or 5432} "
                f"-U {parsed.username or 'postgres'} {parsed.database}) or correct its name in {place(source)}")
    words = str(startup_error(url, exc, source)).split(" cannot be used: ", 1)[-1]
    return "cannot be used", words, f"check {place(source)}"
