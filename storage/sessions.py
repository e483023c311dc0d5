"""One place that decides which database transaction a store method runs in.

A store method opens its own transaction (``async with self._begin() as session``), unless the
store is bound to a unit of work (:meth:`storage.store.SqlStore.transaction`): then every method
runs in that one transaction, which commits when the unit of work ends and rolls back, all of
it, when it raises. So a use case that reads and writes several times (a reaction: dedupe,
lookup, insert) is atomic without the store knowing which use case calls it.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock


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
        async with self._sessions.begin() as session:
            yield session
