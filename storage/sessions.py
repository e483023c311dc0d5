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
for retry (or leaves it unacknowledged) instead of losing it.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.errors import StoreUnavailableError

_log = logging.getLogger(__name__)

_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, OSError, asyncio.TimeoutError)


def unavailable(exc: BaseException) -> StoreUnavailableError:
    """The error a database failure becomes: words for people, and the cause in one line (no URL, no
    password) as its ``detail``, logged here once."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = " ".join(str(cause).split())[:200] or type(cause).__name__
    detail = f"the database is unavailable ({type(cause).__name__}: {text})"
    _log.warning("%s", detail)
    return StoreUnavailableError(detail)


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
    if isinstance(exc, DBAPIError):
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
