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
