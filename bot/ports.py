"""The contracts the core needs from the outside world, as Protocols.

storage implements :class:`Store`; ``bot.sources`` implement :class:`PaperSource`;
adapters call the use cases and never the store directly.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from bot.domain import ChannelRef, Digest, Paper, Post, Reaction, Subscription


class PaperSource(Protocol):
    """Anything that yields papers for a day (HF daily papers, arXiv listings, a local sample)."""

    name: str

    async def fetch_day(self, day: date) -> list[Paper]:
        """Papers announced on ``day``. An empty list is a normal answer (weekends)."""
        ...


class Store(Protocol):
    """Persistence for papers, subscriptions, posts and reactions.

    Every method is its own transaction. Implementations must return domain objects,
    never ORM rows, and must behave identically on SQLite and PostgreSQL.
    """

    # papers
    async def upsert_papers(self, papers: Iterable[Paper]) -> int:
        """Insert or merge (see ``bot.domain.merge_papers``); return how many were new."""
        ...

    async def get_paper(self, arxiv_id: str) -> Paper | None: ...

    async def get_papers(self, arxiv_ids: Iterable[str]) -> dict[str, Paper]:
        """The stored papers among ``arxiv_ids``, by id."""
        ...

    async def papers_announced_between(self, start: date, end: date) -> list[Paper]:
        """Papers with ``start <= announced_on <= end``."""
        ...

    async def latest_announced_day(self, on_or_before: date | None = None) -> date | None:
        """The newest day that has papers (optionally not after ``on_or_before``)."""
        ...

    async def count_papers(self) -> int: ...

    # subscriptions
    async def save_subscription(self, subscription: Subscription) -> None:
        """Create or replace the channel's subscription."""
        ...

    async def get_subscription(self, channel: ChannelRef) -> Subscription | None: ...

    async def delete_subscription(self, channel: ChannelRef) -> bool:
        """Return False when there was none."""
        ...

    async def list_subscriptions(self) -> list[Subscription]: ...

    # posts
    async def record_posts(self, posts: Sequence[Post]) -> None:
        """Remember which message carries which paper (idempotent)."""
        ...

    async def posts_for_message(self, channel: ChannelRef, message_id: str) -> list[Post]:
        """The papers carried by one message, by position."""
        ...

    async def workspace_of_message(self, platform: str, channel: str, message_id: str) -> str | None:
        """The workspace a message of ``channel`` was posted for (None: not a post)."""
        ...

    async def posted_paper_ids(self, channel: ChannelRef) -> set[str]:
        """Every paper ever posted to ``channel`` (any kind)."""
        ...

    async def recent_posts(self, channel: ChannelRef, limit: int = 20) -> list[Post]:
        """Newest first."""
        ...

    async def next_message_number(self, channel: ChannelRef) -> int:
        """1 + the highest numeric message id in ``channel`` (for the console's numbered posts)."""
        ...

    # reactions
    async def add_reaction(self, reaction: Reaction) -> bool:
        """Store it; return False when the same (channel, message, paper, user, emoji) exists."""
        ...

    async def remove_reaction(
        self, channel: ChannelRef, message_id: str, user_id: str, emoji: str
    ) -> int:
        """Remove that user's emoji from every paper of that message; return rows removed."""
        ...

    async def reactions_for_channel(self, channel: ChannelRef) -> list[Reaction]: ...

    async def reactions_for_channels(self, channels: Sequence[ChannelRef]) -> dict[str, list[Reaction]]:
        """``reactions_for_channel`` of many channels, by channel key (planning passes)."""
        ...

    async def reactions_for_message(self, channel: ChannelRef, message_id: str) -> list[Reaction]: ...

    async def seen_event(self, event_id: str, at: datetime) -> bool:
        """Remember a platform event id; return True when it had been seen before (retry)."""
        ...

    async def forget_events_before(self, cutoff: datetime) -> int:
        """Delete event ids remembered before ``cutoff``; return how many (housekeeping)."""
        ...


class PaperResolver(Protocol):
    """Looks up one paper by canonical arXiv id at a source (HF paper API, arXiv API)."""

    name: str

    async def resolve(self, arxiv_id: str) -> Paper | None: ...


class ChatPlatform(Protocol):
    """The send path of one chat platform, used for scheduled posts (outbox, DMs).

    Adapters implement it; failures are raised as ``bot.errors.DeliveryError`` subclasses
    (RateLimitedError, ChannelUnavailableError, TransientDeliveryError).

    Optional, for the scheduler's outbox (``bot.scheduling``; looked up with ``getattr``):

    - ``async send_digest_tagged(channel, digest, tag) -> list[str]`` and
      ``async send_text_tagged(channel, text, tag) -> str``: like the two methods below, but
      the posted message carries ``tag`` (``"paperbot-outbox-<id>"``) where the platform lets
      a bot read it back (Slack message ``metadata``, a Discord ``nonce``/footer …).
    - ``async find_tagged(channel, tag) -> list[str] | None``: the message ids of an earlier
      tagged send (aligned like ``send_digest``'s result), or None when no such message exists
      (look at the channel's recent history, e.g. the last 50 messages).

    With both, an outbox item whose send was interrupted by a crash is checked and never
    posted twice; without them it is marked failed ("may have been sent") instead of resent.

    Optional, for personal DM digests and weekly recaps (``bot.scheduling.delivery``/``recap``):

    - ``async open_dm(workspace, user_id) -> ChannelRef``: the direct-message channel with that
      member (Discord ``user.create_dm``, Slack ``conversations.open``), in the same workspace so
      reactions there count for the member. Called at every send of a DM digest (it must be
      idempotent); the digest is then sent and looked up (``find_tagged``) there. Without it a
      DM digest fails with the reason and the member's DM subscription is paused;
      ``ChannelUnavailableError`` (DMs closed) does the same.
    - ``async thread_url(channel, thread_id) -> str | None``: a link to a discussion thread of
      ``channel`` (Discord ``https://discord.com/channels/<guild>/<thread>``, Slack
      ``chat.getPermalink``), asked when a recap is sent; None or no method → the line links the paper.
    """

    platform: str

    async def send_digest(self, channel: ChannelRef, digest: Digest) -> list[str]:
        """Post ``digest``; return the platform message id carrying each item (aligned with items)."""
        ...

    async def send_text(self, channel: ChannelRef, text: str) -> str:
        """Post a short note; return its message id."""
        ...


class Embedder(Protocol):
    """Turns texts into unit vectors (rows), off the event loop. See ``bot.taste.embedder``."""

    model_name: str

    async def encode(self, texts: Sequence[str]) -> Any: ...
