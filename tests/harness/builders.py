"""Small domain values for the store tests."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from bot.domain import ChannelRef, Digest, Paper, Post, PostKind, Reaction, digest_posts
from storage.store import SqlStore

CHANNEL = ChannelRef("slack", "T1", "C1")
OTHER_CHANNEL = ChannelRef("discord", "G1", "42")
DAY = date(2025, 11, 7)
NOON = datetime(2025, 11, 7, 12, 0, tzinfo=UTC)


def paper(arxiv_id: str, *, day: date | None = DAY, title: str | None = None, **fields: object) -> Paper:
    return Paper(arxiv_id, title or f"Paper {arxiv_id}", announced_on=day, sources=frozenset({"sample"}), **fields)


def post(arxiv_id: str, message_id: str = "m1", *, position: int = 0, channel: ChannelRef = CHANNEL,
         posted_at: datetime | None = NOON, kind: PostKind = PostKind.ON_DEMAND) -> Post:
    return Post(channel, message_id, arxiv_id, kind=kind, digest_day=DAY, position=position, posted_at=posted_at)


def reaction(arxiv_id: str, message_id: str = "m1", *, user: str = "U1", emoji: str = "👍",
             channel: ChannelRef = CHANNEL, at: datetime | None = NOON) -> Reaction:
    return Reaction(channel, message_id, arxiv_id, user, emoji, created_at=at)


def papers(day: date, n: int = 6, prefix: str = "2511") -> list[Paper]:
    """``n`` papers announced on ``day``, in trending order (upvotes 100, 99, …)."""
    return [Paper(f"{prefix}.{day.day:02d}{i:03d}", f"P{i}", announced_on=day, upvotes=100 - i, sources=frozenset({"sample"}))
            for i in range(n)]


async def record_digest(store: SqlStore, channel: ChannelRef, digest: Digest, message_ids: Sequence[str], *,
                        kind: PostKind = PostKind.ON_DEMAND) -> list[Post]:
    """Record a digest as posted in the given messages (state for a test; the bot's own publish
    path is ``bot.usecases.publishing``). ``message_ids`` is aligned with the digest's items."""
    posts = digest_posts(channel, digest, message_ids, kind)
    await store.record_posts(posts)
    return posts
