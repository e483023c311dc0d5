"""Stand-ins for time: a clock the test sets, a sleep that records instead of waiting, and one that does nothing."""
from __future__ import annotations

import asyncio

from bot.clock import ManualClock as Clock  # noqa: F401 - the tests' settable clock (``clock.now = ...``)


class RecordingSleep:
    """Stands in for asyncio.sleep: remembers each requested wait and yields without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


async def no_sleep(_: float) -> None:
    """Stands in for asyncio.sleep where the waits themselves are not checked."""
    return None
