"""An event kept for a later try, as data: it must outlive the process that could not apply it.

Discord never delivers an event again, and Slack not after its last redelivery; when the database
fails such an event, keeping its work as a closure in memory loses it at the next stop or crash.
A :class:`KeptEvent` is instead the core-level event itself (the ``ReactionEvent``, ``ThreadMessage``,
``PastedLinks`` or ``Click`` the adapter built), serialised to JSON under a ``kind`` that names the
core handler applying it (``bot.usecases.kept_kinds``), so the spool (:class:`bot.ports.EventSpool`)
can write it to a file and a later start can apply it.
"""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_LINE = 2**20  # bytes of one event's JSON line: more than any platform event (Slack's 40,000 characters escaped)
MAX_WHAT = 300  # characters of its description in logs


@dataclass(frozen=True)
class KeptEvent:
    """``latest``: events that share it decide one state, so only the newest counts (a reaction's add
    then its removal: the removal wins, the kept add is dropped)."""

    kind: str
    platform: str  # whose transport it is answered through; replayed once that platform is up again
    payload: Mapping[str, Any]  # JSON-able
    what: str  # how logs name it
    latest: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    kept_at: float = field(default_factory=time.time)  # when it was first kept (seconds since the epoch)

    def to_line(self) -> str:
        """One JSON line, ASCII only (newlines and any lone surrogate a hostile payload carries are escaped)."""
        return json.dumps({"id": self.id, "kind": self.kind, "platform": self.platform, "what": self.what[:MAX_WHAT],
                           "latest": self.latest, "kept_at": self.kept_at, "payload": dict(self.payload)},
                          separators=(",", ":"))

    @classmethod
    def from_line(cls, line: str) -> KeptEvent:
        """The event a line holds; ValueError when it is not one (a torn last line, an edited file)."""
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        strings = {key: data.get(key) for key in ("id", "kind", "platform", "what")}
        if not all(isinstance(value, str) and value for value in strings.values()):
            raise ValueError("id, kind, platform and what must be non-empty strings")
        latest, kept_at, payload = data.get("latest"), data.get("kept_at"), data.get("payload")
        if latest is not None and not isinstance(latest, str):
            raise ValueError("latest must be a string or null")
        if isinstance(kept_at, bool) or not isinstance(kept_at, (int, float)):
            raise ValueError("kept_at must be a number")
        if not isinstance(payload, dict):
            raise ValueError("payload must be an object")
        return cls(kind=data["kind"], platform=data["platform"], payload=payload, what=data["what"], latest=latest,
                   id=data["id"], kept_at=float(kept_at))
