"""One place that decides which database transaction a store method runs in, and what a broken
database looks like to the core.

A store method opens its own transaction (``async with self._begin() as session``), unless the
store is bound to a unit of work (:meth:`storage.store.SqlStore.transaction`): then every method
runs in that one transaction, which commits when the unit of work ends and rolls back, all of
it, when it raises. So a use case that reads and writes several times (a reaction: dedupe,
lookup, insert) is atomic without the store knowing which use case calls it.

A database that cannot be used right now — unreachable, restarting, locked past the busy timeout,
read-only, full, its file deleted — raises :class:`bot.errors.StoreUnavailableError` with the
cause in one line, never a driver exception: nothing was stored, and the caller keeps the event
for retry (or leaves it unacknowledged) instead of losing it. A table or column that is missing
(SQLite's "no such table", PostgreSQL's undefined table or column) raises its subclass
:class:`bot.errors.StoreSchemaError` instead: no wait fixes that, and people are told so.
"""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.errors import StoreSchemaError, StoreUnavailableError

_log = logging.getLogger(__name__)

_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, OSError, asyncio.TimeoutError)


def unavailable(exc: BaseException) -> StoreUnavailableError:
    """The error a database failure becomes: words for people, and the cause in one line (no URL, no
    password) as its ``detail``, logged here once."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = " ".join(str(cause).split())[:200] or type(cause).__name__
    missing = _missing(exc, text)
    if missing is not None:
        detail = f"the database is missing {missing} ({type(cause).__name__}: {text}); run `paperbot doctor`"
        _log.error("%s", detail)
        return StoreSchemaError(missing, detail)
    detail = f"the database is unavailable ({type(cause).__name__}: {text})"
    _log.warning("%s", detail)
    return StoreUnavailableError(detail)


# SQLite's words, and PostgreSQL's for SQLSTATE 42P01 (undefined table) and 42703 (undefined column)
_MISSING_WORDS = (
    (re.compile(r"no such table: (?:\w+\.)?(\w+)"), "table {}"),
    (re.compile(r"no such column: ([\w.]+)"), "column {}"),
    (re.compile(r"table (\w+) has no column named (\w+)"), "column {}.{}"),
    (re.compile(r'column "(\w+)" of relation "(\w+)" does not exist'), "column {1}.{0}"),
    (re.compile(r'column "?([\w.]+?)"? does not exist'), "column {}"),
    (re.compile(r'relation "(?:\w+\.)?(\w+)" does not exist'), "table {}"),
)
_MISSING_SQLSTATES = ("42P01", "42703")


def _missing(exc: BaseException, text: str) -> str | None:
    """What the schema lacks ("table feed_tokens"), when that is why ``exc`` failed; else None."""
    if not isinstance(exc, DBAPIError):
        return None
    if not isinstance(exc, OperationalError) and _sqlstate(exc) not in _MISSING_SQLSTATES:
        return None
    for pattern, words in _MISSING_WORDS:
        if (found := pattern.search(text)) is not None:
            return words.format(*found.groups())
    return None


# PostgreSQL SQLSTATE classes of a server that cannot serve now: connection exceptions, operator
# intervention (shutting down, starting up), insufficient resources (disk full, too many clients),
# system errors (I/O).
_UNAVAILABLE_SQLSTATES = ("08", "57P", "53", "58")


def _sqlstate(exc: DBAPIError) -> str:
    for candidate in (exc.orig, getattr(exc.orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return ""


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` is the database failing (not our query): it becomes :func:`unavailable`'s error."""
    if isinstance(exc, DBAPIError):
        if _sqlstate(exc) in _MISSING_SQLSTATES:  # PostgreSQL's missing table or column (a ProgrammingError)
            return True
        if exc.connection_invalidated or _sqlstate(exc).startswith(_UNAVAILABLE_SQLSTATES):
            return True
    return isinstance(exc, _UNAVAILABLE)


class SessionScope:
    """Base of the store and its mixins: the sessionmaker, the clock and the bound session, if any."""

    _sessions: async_sessionmaker[AsyncSession]
    _clock: Clock
    _bound: AsyncSession | None = None

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncSession]:
        """The unit of work's session (no commit here), or a new transaction of its own."""
        if self._bound is not None:
            yield self._bound
            return
        try:
            async with self._sessions.begin() as session:
                yield session
        except Exception as exc:
            if is_unavailable(exc):
                raise unavailable(exc) from exc
            raise
