"""One lock per thread, so a member's message waits while the bot is still opening that thread.

Without it, a reply arriving between "thread created" and "openings posted" would look like the
first reply of a thread nobody opened, and be answered with a second opening. In-process only:
two processes on one database rely on the stored thread records instead.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager


class ThreadLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}  # holders and waiters: a lock nobody uses is forgotten

    @asynccontextmanager
    async def hold(self, keys: Iterable[str]) -> AsyncIterator[None]:
        """Hold the locks of ``keys`` (taken in sorted order, so two holders never deadlock)."""
        wanted = sorted(set(keys))
        for key in wanted:
            self._users[key] = self._users.get(key, 0) + 1
            self._locks.setdefault(key, asyncio.Lock())
        try:
            async with AsyncExitStack() as stack:
                for key in wanted:
                    await stack.enter_async_context(self._locks[key])
                yield
        finally:
            for key in wanted:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key], self._locks[key]
