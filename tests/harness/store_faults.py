"""A store method that fails like a briefly unreachable database, then works (for click and event tests)."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.errors import StoreUnavailableError
from storage.store import SqlStore
from tests.harness.tally import FAULTS


def fail_first(monkeypatch: pytest.MonkeyPatch, method: str, times: int = 1, *, delay: float = 0.0) -> list[int]:
    """``SqlStore.<method>`` raises StoreUnavailableError for its first ``times`` calls (inside a
    transaction too; each after ``delay`` s, like a lock waited on), then works; the list returned
    grows by one per call."""
    real: Callable[..., Awaitable[Any]] = getattr(SqlStore, method)
    calls: list[int] = []

    async def flaky(self: SqlStore, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= times:
            await asyncio.sleep(delay)
            raise StoreUnavailableError("The database cannot be reached right now (database is locked).")
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(SqlStore, method, flaky)
    FAULTS.injected(times)
    return calls


class Outage:
    """The database away for as long as a test says (across a stop and a start of the bot): one fault."""

    def __init__(self) -> None:
        self.calls = 0
        self.over = False

    def end(self) -> None:
        self.over = True


def outage(monkeypatch: pytest.MonkeyPatch, *methods: str, delay: float = 0.0) -> Outage:
    """``SqlStore.<method>`` of each of ``methods`` raises StoreUnavailableError until ``end()`` (each
    after ``delay`` s, like a lock waited on)."""
    down = Outage()
    for method in methods:
        real: Callable[..., Awaitable[Any]] = getattr(SqlStore, method)

        async def flaky(self: SqlStore, *args: Any, _real: Callable[..., Awaitable[Any]] = real, **kwargs: Any) -> Any:
            if not down.over:
                down.calls += 1
                await asyncio.sleep(delay)
                raise StoreUnavailableError("The database cannot be reached right now (connection refused).")
            return await _real(self, *args, **kwargs)

        monkeypatch.setattr(SqlStore, method, flaky)
    FAULTS.injected()
    return down
