"""Domain values of taste that the store keeps: explicit signals and a member's scope key."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import ChannelRef

LIKE = "like"
TOPIC = "topic"
AUTHOR = "author"


def member_scope(platform: str, workspace: str, user_id: str) -> str:
    """The key of a member's own profile: one per person per workspace/guild."""
    return f"member:{platform}:{workspace}:{user_id}"


def channel_scope(channel: ChannelRef) -> str:
    return channel.key


@dataclass(frozen=True)
class StoredSignal:
    """A seed paper (``like``: value = arXiv id), a topic phrase, or a followed author."""

    scope: str
    kind: str
    value: str
    weight: float = 1.0
    created_by: str | None = None
    created_at: datetime | None = None
