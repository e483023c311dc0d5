"""Events a platform never delivers again are kept and tried again, not lost.

Slack redelivers an event it got no acknowledgement for, so a Slack adapter only has to leave a
failed event unacknowledged. Discord's gateway never redelivers: a reaction whose write failed
because the database was briefly unavailable would be gone. :class:`EventRetry` keeps such an event
in memory and runs it again after growing delays (1 s … 10 min, about 20 minutes in all), in
order per key, until it is applied; only then is it dropped, or — after the last try, or when more
than ``limit`` events wait — it is logged as lost and counted. A mistake in the event itself
(a PaperbotError other than StoreUnavailableError) is not retried: it would fail the same way.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.errors import PaperbotError, StoreUnavailableError

_log = logging.getLogger(__name__)

DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
LIMIT = 10_000


@dataclass
class RetryCounts:
    applied_later: int = 0  # events that failed at first and were applied by a retry
    lost: int = 0  # events given up on (logged as errors)

    @property
    def total(self) -> int:
        return self.applied_later + self.lost


def retryable(exc: BaseException) -> bool:
    """A passing failure (the database, the network), not a mistake in the event."""
    return isinstance(exc, StoreUnavailableError) or not isinstance(exc, PaperbotError)


class EventRetry:
    def __init__(self, *, delays: Sequence[float] = DELAYS, limit: int = LIMIT,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._delays = tuple(delays)
        self._limit = limit
        self._sleep = sleep
        self._tasks: set[asyncio.Task[None]] = set()
        self.counts = RetryCounts()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def run(self, what: str, work: Callable[[], Awaitable[object]]) -> bool:
        """Run ``work`` now; if it fails for a passing reason, keep retrying it in the background.
        True when it was applied now."""
        try:
            await work()
            return True
        except Exception as exc:  # noqa: BLE001 - classified below; nothing is raised to the gateway loop
            if not retryable(exc):
                _log.warning("%s was not applied: %s", what, exc)
                return False
            if len(self._tasks) >= self._limit:
                self.counts.lost += 1
                _log.error("%s is lost: %d events already wait for the database (%s)", what, len(self._tasks), exc)
                return False
            _log.warning("%s failed (%s); keeping it and trying again", what, exc)
        task = asyncio.create_task(self._retry(what, work), name=f"retry {what}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return False

    async def _retry(self, what: str, work: Callable[[], Awaitable[object]]) -> None:
        for delay in self._delays:
            await self._sleep(delay)
            try:
                await work()
            except Exception as exc:  # noqa: BLE001
                if not retryable(exc):
                    _log.warning("%s was not applied: %s", what, exc)
                    return
                continue
            self.counts.applied_later += 1
            _log.info("%s applied after a retry", what)
            return
        self.counts.lost += 1
        _log.error("%s is lost: still failing after %d tries over %.0f s", what, len(self._delays), sum(self._delays))

    async def close(self) -> None:
        """Stop retrying (shutdown): what is still waiting is logged as lost."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            _log.warning("%d events were still waiting for a retry at shutdown", len(self._tasks))
            self.counts.lost += len(self._tasks)
        await asyncio.gather(*self._tasks, return_exceptions=True)
