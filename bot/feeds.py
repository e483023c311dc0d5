"""An open feed's values: whose feed a token opens, and what the feed holds (rendered outside the core).

A channel's feed is what was posted there, in ranked order; a member's feed (opt-in) is the same
posts ranked for that member. Formats (JSON Feed 1.1, Atom 1.0) are written by ``paperbot.monitoring.feeds``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import ChannelRef


@dataclass(frozen=True)
class FeedScope:
    """Whose feed: a channel's (``user_id`` None) or one member's in that channel."""

    channel: ChannelRef
    user_id: str | None = None

    @property
    def key(self) -> str:
        return f"{self.channel.key}|{self.user_id or ''}"


@dataclass(frozen=True)
class FeedItem:
    arxiv_id: str
    title: str
    url: str
    authors: tuple[str, ...]
    summary: str
    published: datetime


@dataclass(frozen=True)
class Feed:
    """What a feed URL serves, already in order (newest publication first, ranked within it)."""

    id: str  # a stable, non-secret identity (a tag: URI), never the token
    title: str
    updated: datetime
    items: tuple[FeedItem, ...]


@dataclass(frozen=True)
class FeedLinks:
    """The URLs of one feed (shown once: only the token's hash is kept)."""

    json_url: str
    atom_url: str
