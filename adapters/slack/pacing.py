"""Per-channel spacing of ``chat.postMessage``.

Slack allows about one message per second per channel; short bursts are tolerated "with no
guarantee". A digest is one message, a thread reply per paper and, with discussion threads, an
opening per paper: up to a dozen messages in one channel at once. The scheduler's limiter spaces
*digests*; this spaces the *messages*, one at a time per channel, each leaving a full interval
after Slack *answered* the previous one. Counting from the answer (not from when the previous
request left) keeps the gap Slack sees at least one interval however long requests wait in the
event loop or on the network: a first version that counted from the departure drew 429s from a
strict fake Slack in ``benchmarks/bench_fanout_slack.py``. Channels never wait for each other.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

DEFAULT_MESSAGES_PER_SECOND = 1.0  # Slack's ~1/s per channel, counted from the previous answer
_PRUNE_ABOVE = 10_000  # channels remembered before the idle ones are forgotten


class ChannelPacer:
    """One message at a time per channel, each ``interval`` seconds after the previous one ended."""

    def __init__(self, per_second: float = DEFAULT_MESSAGES_PER_SECOND, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        if per_second <= 0:
            raise ValueError(f"messages per second must be positive, got {per_second}")
        self.interval = 1.0 / per_second
        self._now = monotonic
        self._sleep = sleep
        self._next: dict[str, float] = {}  # channel → when its next message may leave
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def turn(self, channel: str) -> AsyncIterator[None]:
        """Hold ``channel``'s turn for one message: wait for it, send inside, and the next turn
        starts ``interval`` after the block ends (the answer, or the error, has arrived)."""
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._next.get(channel, 0.0) - self._now()
            if wait > 0:
                await self._sleep(wait)
            try:
                yield
            finally:
                self._next[channel] = self._now() + self.interval
        if len(self._next) > _PRUNE_ABOVE:
            self._forget_idle()

    def _forget_idle(self) -> None:
        now = self._now()
        for channel in [c for c, at in self._next.items() if at <= now and not self._locks[c].locked()]:
            del self._next[channel], self._locks[channel]
