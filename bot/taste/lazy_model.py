"""A model loaded once, on first use or ahead of it (warm-up), whichever comes first.

Loading all-MiniLM-L6-v2 takes seconds; ``paperbot run`` starts it in the background
(``warm``) so the first command that needs it does not wait, and the core can tell, through
``ready``, whether a call would have to wait. Concurrent callers share one load (a lock).
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LazyModel(Generic[T]):
    """``get()`` loads with ``load`` the first time (blocking, in the caller's thread) and returns the model."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._value: T | None = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        """Loaded: ``get`` returns at once."""
        return self._value is not None

    def get(self) -> T:
        value = self._value
        if value is not None:
            return value
        with self._lock:
            if self._value is None:
                self._value = self._load()
            return self._value

    async def warm(self) -> None:
        """Load off the event loop (a worker thread); returns when the model is ready."""
        if not self.ready:
            await asyncio.to_thread(self.get)
