"""Whether `paperbot run` can do its work now: the database answers, every started chat platform is
connected, the embedding model is loaded. Each part is named with its state in words (``/readyz``)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.errors import StoreUnavailableError

PING_TIMEOUT = 5.0  # seconds: a database slower than this to answer SELECT 1 is not ready


class Pingable(Protocol):
    """The store's cheap round trip (``storage.store.SqlStore.ping``)."""

    async def ping(self) -> None: ...


class Connection(Protocol):
    """A started chat platform's runner (``paperbot.slack_runner``, ``paperbot.discord_runner``)."""

    async def connected(self) -> bool: ...


@dataclass(frozen=True)
class ReadinessReport:
    ready: bool
    parts: dict[str, str]  # part → its state in words ("reachable", "connected", "not connected", …)

    def as_json(self) -> dict[str, object]:
        return {"ready": self.ready, "parts": self.parts}


class Readiness:
    def __init__(self, store: Pingable, platforms: Callable[[], Mapping[str, Connection]], model_ready: Callable[[], bool],
                 *, embeddings: bool = True) -> None:
        """``platforms``: the started platforms' runners, asked at each check (``paperbot.platforms.connections``);
        ``model_ready``: whether the embedding model is loaded (True when embeddings are disabled);
        ``embeddings=False`` names the model part "disabled"."""
        self._store = store
        self._platforms = platforms
        self._model_ready = model_ready
        self._embeddings = embeddings

    async def check(self) -> ReadinessReport:
        parts: dict[str, str] = {}
        ok = True
        try:
            await asyncio.wait_for(self._store.ping(), PING_TIMEOUT)
            parts["database"] = "reachable"
        except StoreUnavailableError as exc:
            ok, parts["database"] = False, f"unreachable: {exc.detail}"
        except TimeoutError:
            ok, parts["database"] = False, f"not answering within {PING_TIMEOUT:g} s"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; said in one line
            ok, parts["database"] = False, f"unreachable: {type(exc).__name__}"
        for name, platform in self._platforms().items():
            try:
                connected = await platform.connected()
            except Exception:  # noqa: BLE001 - a runner that cannot tell is not connected
                connected = False
            parts[name] = "connected" if connected else "not connected"
            ok = ok and connected
        warm = self._model_ready()
        parts["embedding model"] = "disabled" if not self._embeddings else "warm" if warm else "loading"
        return ReadinessReport(ok and warm, parts)
