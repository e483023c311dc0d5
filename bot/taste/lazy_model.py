"""A model loaded once, on first use or ahead of it (warm-up), whichever comes first.

Loading all-MiniLM-L6-v2 takes seconds; ``paperbot run`` starts it in the background
(``warm``) so the first command that needs it does not wait, and the core can tell, through
``ready``, whether a call would have to wait. Concurrent callers share one load (a lock).
"""
from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import numpy as np

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


class LazyEmbedder(ABC, Generic[T]):
    """What every embedding backend does alike around its ``LazyModel``: ``ready`` and ``warm`` delegate
    to it, ``encode`` runs ``encode_sync`` in a worker thread (the event loop keeps serving commands).
    A backend sets ``_model`` and says how it encodes and how long its vectors are."""

    model_name: str
    _model: LazyModel[T]

    @property
    def ready(self) -> bool:
        return self._model.ready

    async def warm(self) -> None:
        await self._model.warm()

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @abstractmethod
    def encode_sync(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` off the event loop; rows are unit vectors."""
        return await asyncio.to_thread(self.encode_sync, list(texts))
