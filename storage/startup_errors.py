"""What a database that cannot be used at start-up looks like to a person: one line naming
where its URL came from (password hidden), the cause, and what to do — never a 50-frame traceback.

Covers what an install meets: a SQLite path whose folder is missing, a file that is locked,
read-only, not a database or on a full disk; a PostgreSQL server that refuses, an unknown host,
a bad port, an unknown role or database, a wrong password, and a server that accepts TCP but
never answers (bounded by the connect timeout set in :mod:`storage.database`); and a schema the
migrations cannot move: at a revision a newer paperbot made (:class:`Ahead`, the doctor's words), or
holding what a migration would create (a migration stopped half-way).
"""
from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from bot.errors import ConfigError
from storage.sqlite_file import FileProblem, not_writable
from storage.url_source import KEY, place, repoint

CONNECT_TIMEOUT_SECONDS = 10
_ALREADY_EXISTS = re.compile(r'(index|table|relation) "?(\w+)"? already exists', re.IGNORECASE)


def _cause(exc: BaseException) -> BaseException:
    """The driver's own exception under SQLAlchemy's wrapper (and under chained ones)."""
    seen = exc
    for _ in range(5):
        if isinstance(seen, DBAPIError) and seen.orig is not None:
            seen = seen.orig
        elif seen.__cause__ is not None and not isinstance(seen, (OSError, TimeoutError)):
            seen = seen.__cause__
        else:
            break
    return seen


def _shown(url: str) -> tuple[URL | None, str]:
    """The URL as given, parsed, and as a message may show it (no password)."""
    try:
        parsed = make_url(url)
        return parsed, parsed.render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL that does not parse is shown by its scheme only
        return None, url.split("://", 1)[0] + "://…"


def file_problem_error(url: str, problem: FileProblem, source: str = KEY) -> ConfigError:
    """A SQLite file the file system already rules out (:mod:`storage.sqlite_file`), in one line
    naming where the URL came from (``source``)."""
    return ConfigError(problem.sentence(_shown(url)[1], source))


@dataclass(frozen=True)
class Ahead:
    """A database at a revision this paperbot does not ship (a newer paperbot upgraded it): the doctor's
    line, cause and fix, which every start and `paperbot db upgrade` say too (:func:`ahead_error`)."""

    current: str
    head: str
    source: str = KEY

    @property
    def summary(self) -> str:
        return f"ahead: the database is at revision {self.current}, which this paperbot does not know (its newest is {self.head})"

    @property
    def cause(self) -> str:
        return "this database was upgraded by a newer paperbot"

    @property
    def fix(self) -> str:
        return f"run that newer paperbot (upgrade this install), or {repoint(self.source, 'another database')}"


def ahead_error(url: str, ahead: Ahead) -> ConfigError:
    """:class:`Ahead` in one line, naming where the URL came from; nothing was changed."""
    return ConfigError(f"{ahead.source} ({_shown(url)[1]}) cannot be used: {ahead.summary}; {ahead.cause}. "
                       f"Fix: {ahead.fix}.")


def startup_error(url: str, exc: BaseException, source: str = KEY) -> ConfigError:
    """A ConfigError saying, in one line, why the database at ``url`` (from ``source``) cannot be
    used and what to do."""
    parsed, shown = _shown(url)
    cause = _cause(exc)
    name, text = type(cause).__name__, " ".join(str(cause).split())[:160]
    where = f"{source} ({shown})"
    if (exists := _ALREADY_EXISTS.search(text)) is not None:  # SQLite and PostgreSQL: a migration half-applied
        kind = "the table or index" if exists.group(1).lower() == "relation" else exists.group(1).lower()  # PostgreSQL's word
        return ConfigError(f"{where} cannot be upgraded: {kind} {exists.group(2)} already exists, but the database's revision says "
                           "the migration that makes it has not run (a migration stopped half-way, or the schema was "
                           "changed by hand). Run `paperbot doctor` to see what differs; restore the database from a "
                           "backup, or drop what the failed migration made and run `paperbot db upgrade` again.")
    if parsed is not None and parsed.get_backend_name() == "sqlite":
        path = parsed.database or "(memory)"
        lowered = text.lower()
        if "locked" in lowered:
            hint = f"another program holds the SQLite file {path} locked (another paperbot? a backup?); stop it or use another file"
        elif "readonly" in lowered or "read-only" in lowered:  # opens, but SQLite refuses to write: the doctor's words
            return ConfigError(not_writable(path, f"this user may not write to {path} (SQLite: {text})").sentence(shown, source))
        elif "full" in lowered or "disk i/o" in lowered:
            hint = f"the disk holding {path} is full or failing: free space there"
        elif "not a database" in lowered:
            hint = f"{path} is not a SQLite database: {repoint(source, 'a new file or a paperbot database')}"
        elif "unable to open" in lowered or isinstance(cause, (FileNotFoundError, NotADirectoryError, PermissionError)):
            hint = f"SQLite cannot open {path}: check that its folder exists and this user may write there"
        else:
            hint = f"SQLite cannot use {path} ({name}: {text})"
        return ConfigError(f"{where} cannot be used: {_sentence(hint)}")
    host = f"{parsed.host or 'localhost'}:{parsed.port or 5432}" if parsed is not None else "the server"
    if isinstance(cause, ConnectionRefusedError):
        hint = f"nothing answers at {host}: is PostgreSQL running there?"
    elif isinstance(cause, socket.gaierror):
        hint = f"the host in {host} is unknown: check its name"
    elif isinstance(cause, TimeoutError) or name in ("TimeoutError", "CancelledError"):
        hint = f"{host} accepts connections but did not answer as PostgreSQL within {CONNECT_TIMEOUT_SECONDS} s: check the host and port"
    elif name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        user = parsed.username if parsed is not None else "?"
        hint = (f"PostgreSQL refused the role '{user}' (unknown role or wrong password): check the user in {place(source)} "
                "and [database] password / PAPERBOT_DATABASE_PASSWORD")
    elif name == "InvalidCatalogNameError":
        database = parsed.database if parsed is not None else "?"
        hint = f"the database '{database}' does not exist on {host}: create it (createdb {database}) or fix the name"
    elif isinstance(cause, (ValueError, OverflowError)) and "port" in text.lower():
        hint = "the port is not a number from 1 to 65535"
    elif isinstance(cause, OSError):
        hint = f"{host} could not be reached ({name}: {text})"
    else:
        hint = f"{name}: {text}"
    return ConfigError(f"{where} cannot be used: {_sentence(hint)}")


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."
