"""The contracts the core needs from the outside world, as typed Protocols.

``storage`` implements :class:`Store` (every part of it, on SQLite and PostgreSQL); ``bot.sources``
implement :class:`PaperSource` and :class:`PaperResolver`; each chat adapter implements
:class:`ChatTransport` (what an on-demand reply is sent through) and :class:`ChatPlatform` (the
transport the scheduler posts through). Nothing here is optional: a capability a platform lacks
is declared (``finds_sent = False``, ``thread_style(...) is ThreadStyle.NONE``) or raises
:class:`bot.errors.ChannelUnavailableError`, so the core never probes for methods.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol

import numpy as np

from bot.discussion.threads import DiscussionStore
from bot.domain import ChannelRef, Paper, Post, Reaction, Subscription
from bot.feeds import FeedScope
from bot.kept import KeptEvent
from bot.replies import Publication, TextReply
from bot.scheduling.personal_ports import PersonalStore
from bot.scheduling.ports import DeliveryStore
from bot.stats import ChannelStats
from bot.taste.model import StoredSignal

# ---------------------------------------------------------------------------------------- sources


class PaperSource(Protocol):
    """Anything that yields papers for a day (HF daily papers, arXiv listings, a local sample)."""

    name: str

    async def fetch_day(self, day: date) -> list[Paper]:
        """Papers announced on ``day``. An empty list is a normal answer (weekends)."""
        ...


class PaperResolver(Protocol):
    """Looks up one paper by canonical arXiv id at a source (HF paper API, arXiv API)."""

    name: str

    async def resolve(self, arxiv_id: str) -> Paper | None: ...


class Embedder(Protocol):
    """Turns texts into unit vectors (rows), off the event loop. See ``bot.taste.backends``.

    The model loads on the first ``encode`` or on ``warm()``, whichever comes first (seconds);
    ``ready`` says it has, so interactive commands can answer "warming up" instead of waiting."""

    model_name: str

    @property
    def ready(self) -> bool:
        """The model is loaded: ``encode`` does not wait for it."""
        ...

    async def warm(self) -> None:
        """Load the model now (off the event loop); returns once ``ready``. Safe to call again."""
        ...

    async def encode(self, texts: Sequence[str]) -> np.ndarray: ...


# ---------------------------------------------------------------------------------------- storage


class PaperStore(Protocol):
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


class SubscriptionStore(Protocol):
    async def save_subscription(self, subscription: Subscription) -> None:
        """Create or replace the channel's subscription."""
        ...

    async def get_subscription(self, channel: ChannelRef) -> Subscription | None: ...

    async def delete_subscription(self, channel: ChannelRef) -> bool:
        """Return False when there was none."""
        ...

    async def list_subscriptions(self) -> list[Subscription]: ...


class PostStore(Protocol):
    async def record_posts(self, posts: Sequence[Post]) -> None:
        """Remember which message carries which paper (idempotent)."""
        ...

    async def posts_for_message(self, channel: ChannelRef, message_id: str) -> list[Post]:
        """The papers carried by one message, by position."""
        ...

    async def posts_under_root(self, channel: ChannelRef, root_message_id: str) -> list[Post]:
        """The posts sent as one publication whose thread hangs from ``root_message_id`` (a Slack
        digest's per-paper replies, under the digest message), by position."""
        ...

    async def workspace_of_message(self, platform: str, channel: str, message_id: str) -> str | None:
        """The workspace a message of ``channel`` was posted for (None: not a post)."""
        ...

    async def posted_paper_ids(self, channel: ChannelRef) -> set[str]:
        """Every paper ever posted to ``channel`` (any kind)."""
        ...

    async def has_linked_posts(self, channel: ChannelRef) -> bool:
        """Whether any member's message in ``channel`` is recorded as a post (kind ``linked``)."""
        ...

    async def recent_posts(self, channel: ChannelRef, limit: int = 20) -> list[Post]:
        """Newest first."""
        ...

    async def next_message_number(self, channel: ChannelRef) -> int:
        """1 + the highest numeric message id in ``channel`` (for the console's numbered posts)."""
        ...


class ReactionStore(Protocol):
    async def add_reaction(self, reaction: Reaction) -> bool:
        """Store it; return False when the same (channel, message, paper, user, emoji) exists."""
        ...

    async def remove_reaction(self, channel: ChannelRef, message_id: str, user_id: str, emoji: str) -> int:
        """Remove that user's emoji from every paper of that message; return rows removed."""
        ...

    async def reactions_for_channel(self, channel: ChannelRef) -> list[Reaction]: ...

    async def reactions_for_channels(self, channels: Sequence[ChannelRef]) -> dict[str, list[Reaction]]:
        """``reactions_for_channel`` of many channels, by channel key (planning passes)."""
        ...

    async def rated_for_channels(self, channels: Sequence[ChannelRef]) -> dict[str, list[tuple[str, str, datetime]]]:
        """``(arxiv_id, emoji, created_at)`` of each channel's reactions, oldest first, by channel key:
        what a profile takes from them, without a ``Reaction`` each (a planning pass reads tens of thousands)."""
        ...

    async def reactions_for_message(self, channel: ChannelRef, message_id: str) -> list[Reaction]: ...

    async def reactions_by_member(self, platform: str, workspace: str, user_id: str) -> list[Reaction]:
        """A member's reactions in every channel of one workspace, oldest first."""
        ...


class SavedStore(Protocol):
    """A member's saved papers: their 🔖 reactions with the papers (``storage.saved_store``)."""

    async def papers_reacted_by(self, platform: str, workspace: str, user_id: str, emoji: str, *,
                                limit: int | None = None, offset: int = 0) -> list[tuple[Paper, datetime]]:
        """The papers a member put ``emoji`` on in any channel of one workspace, each once (dated by
        the newest such reaction), newest first; ``offset``/``limit`` page through them."""
        ...

    async def count_papers_reacted_by(self, platform: str, workspace: str, user_id: str, emoji: str) -> int: ...


class EventStore(Protocol):
    async def seen_event(self, event_id: str, at: datetime) -> bool:
        """Remember a platform event id; return True when it had been seen before (retry)."""
        ...

    async def forget_events_before(self, cutoff: datetime) -> int:
        """Delete event ids remembered before ``cutoff``; return how many (housekeeping)."""
        ...


class TasteStore(Protocol):
    """Embeddings, explicit signals, ranking settings and erasure (``storage.taste_store``)."""

    async def save_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> int: ...

    async def embeddings(self, model: str, arxiv_ids: Iterable[str] | None = None) -> dict[str, np.ndarray]: ...

    async def papers_without_embedding(self, model: str) -> list[Paper]: ...

    async def count_embeddings(self, model: str | None = None) -> int: ...

    async def delete_embeddings_except(self, model: str) -> int: ...

    async def add_signal(self, signal: StoredSignal) -> bool:
        """Store it; False when that (scope, kind, value) exists."""
        ...

    async def signals(self, scope: str) -> list[StoredSignal]: ...

    async def signals_for(self, scopes: Iterable[str]) -> dict[str, list[StoredSignal]]: ...

    async def get_channel_settings(self, channel: ChannelRef) -> dict[str, Any]: ...

    async def channel_settings_for(self, channels: Iterable[ChannelRef]) -> dict[str, dict[str, Any]]: ...

    async def save_channel_settings(self, channel: ChannelRef, settings: Mapping[str, Any]) -> None: ...

    async def forget_member(self, platform: str, workspace: str, user_id: str) -> int:
        """Erase a member's reactions, signals and thread activity in one workspace; how many rows."""
        ...

    async def forget_channel(self, channel: ChannelRef) -> int:
        """Erase what a channel taught (reactions, signals, activity, settings); how many rows."""
        ...


class FeedStore(Protocol):
    """Open feeds' tokens, kept only as their sha256 hex digest (``storage.feed_store``)."""

    async def save_feed_token(self, scope: FeedScope, token_hash: str, at: datetime) -> None:
        """Create or replace the scope's token (replacing it is the rotation: the old one stops at once)."""
        ...

    async def has_feed_token(self, scope: FeedScope) -> bool: ...

    async def feed_scope_by_hash(self, token_hash: str) -> tuple[FeedScope, str] | None:
        """The scope whose token hashes to ``token_hash``, with the stored hash (compared in constant time)."""
        ...


class ActivityStore(Protocol):
    async def posts_since(self, channel: ChannelRef, since: datetime) -> list[Post]:
        """The channel's posts at or after ``since``, oldest first (the stats)."""
        ...

    async def reactions_since(self, channel: ChannelRef, since: datetime) -> list[Reaction]:
        """The channel's reactions at or after ``since``, oldest first (the stats)."""
        ...


class Store(PaperStore, SubscriptionStore, PostStore, ReactionStore, SavedStore, EventStore, TasteStore,
            DiscussionStore, DeliveryStore, PersonalStore, FeedStore, ActivityStore, Protocol):
    """All the persistence the core uses. Every method is its own transaction, unless called on the
    store a :meth:`transaction` yields: then all of them share that one (a unit of work).

    Implementations return domain objects, never ORM rows, and behave identically on SQLite and
    PostgreSQL.
    """

    def transaction(self) -> AbstractAsyncContextManager[Store]:
        """A unit of work: commit when the block ends, roll back all of it when it raises."""
        ...


# ---------------------------------------------------------------------------------------- chat


class ThreadStyle(str, Enum):
    """How discussion threads hang from what a transport posts (declared per channel)."""

    PER_MESSAGE = "per_message"  # each paper's message gets its own thread (Discord, the console)
    PER_DIGEST = "per_digest"  # the publication's root message holds all its papers' discussion (Slack)
    POST_IS_THREAD = "post_is_thread"  # each paper is posted as its own thread, its discussion (Discord forums)
    NONE = "none"  # no threads here (direct messages)


@dataclass(frozen=True)
class Sent:
    """What a transport posted for one publication.

    ``message_ids`` is aligned with the publication's items (the message carrying each paper;
    one message may carry several; ``""`` = that item was not posted). ``root_id`` is the message
    a per-digest thread hangs from (Slack: the digest message; elsewhere the first message).
    With ``ThreadStyle.POST_IS_THREAD`` each id is also the id of the paper's thread.
    """

    root_id: str
    message_ids: tuple[str, ...]


class ChatTransport(Protocol):
    """How the core reaches one chat surface: posts, threads and their links. Transport only —
    what to post, record and thread is decided in ``bot.usecases.publishing`` and
    ``bot.usecases.discussion``.

    Failures are raised as ``bot.errors.DeliveryError`` subclasses (RateLimitedError,
    ChannelUnavailableError, TransientDeliveryError); a publication cut short after some messages
    went out raises ``PartiallySentError`` carrying what was sent.
    """

    platform: str

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        """How threads work in ``channel`` (NONE for direct messages)."""
        ...

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        """Post a digest or a paper. ``tag`` (an outbox id) is attached where people do not see it,
        so that :meth:`ChatPlatform.find_sent` can find the send again after a crash."""
        ...

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        """Post text in ``channel`` (or in its thread ``thread_id``), as an answer to ``reply_to`` where the
        platform shows that; split as the platform needs. Returns the message ids in order."""
        ...

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        """Start the discussion thread on one of our messages (or find the one a member started); its id."""
        ...

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        """A link people can follow to a thread of ``channel``; None when the platform gives none."""
        ...

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        """Post a file (an image: ``/papers stats``' chart) with ``text`` beside it; the message ids.
        A surface that cannot show files keeps it where people can open it and says where."""
        ...


class ChartRenderer(Protocol):
    """Draws a channel's reading stats as a PNG (``paperbot.charts``: matplotlib, imported there only).

    Raises :class:`bot.stats.ChartUnavailableError` when the drawing library is not installed."""

    def render(self, stats: ChannelStats) -> bytes: ...


class EventSpool(Protocol):
    """Where events kept for a retry outlive the process: a local file, since the database is what
    failed them (``storage.event_spool``). One process owns it at a time."""

    def load(self) -> list[KeptEvent]:
        """What is kept, oldest first: a previous run's events not applied yet (unreadable lines skipped)."""
        ...

    def append(self, event: KeptEvent) -> bool:
        """Write ``event`` durably (on disk when this returns; OSError when it cannot be); False when
        the spool is full and the event is not kept."""
        ...

    def done(self, event_ids: Iterable[str]) -> None:
        """These events are applied (or given up on): not replayed again."""
        ...

    def close(self) -> None:
        """Release the spool for the next process (what is kept stays kept)."""
        ...


class ChatPlatform(ChatTransport, Protocol):
    """A transport the scheduler posts through: it can also find an earlier tagged send and open DMs.

    ``finds_sent`` says whether :meth:`find_sent` can tell; without it an outbox item whose send was
    interrupted is marked failed ("may have been sent") instead of resent.
    """

    finds_sent: bool

    async def find_sent(self, channel: ChannelRef, tag: str, *, expected: Publication | TextReply | None = None,
                        since: datetime | None = None) -> Sent | None:
        """The earlier send tagged ``tag`` in ``channel``, or None when there is none. ``expected`` is what
        that send was and ``since`` the earliest it can have happened: a platform that keeps no hidden tag
        on a message (Discord) knows its send by what it shows, from then on. An item whose id is ``""``
        was not found: the publisher sends those items (a send a crash cut short is completed)."""
        ...

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        """The direct-message channel with a member, in ``workspace`` (idempotent); raises
        ChannelUnavailableError when the platform or the member allows none."""
        ...
