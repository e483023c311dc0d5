"""Waiting for what the bot does after it has answered (handlers run after the ack)."""
from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any


async def eventually(check: Callable[[], Any], timeout: float = 5.0, *, interval: float = 0.02) -> Any:
    """Poll ``check()`` until it is truthy and return that value.

    ``check`` may be sync or async, or a sync callable that returns an awaitable (e.g.
    ``lambda: store.posts_for_message(...)``); awaitables are awaited. When ``timeout``
    seconds pass without a truthy value it raises AssertionError with the last value.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value: {result!r})")
        await asyncio.sleep(interval)
