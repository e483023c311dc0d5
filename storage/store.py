""":class:`SqlStore`: ``bot.ports.Store`` on SQLite or PostgreSQL through SQLAlchemy's asyncio API.

Every public method is one transaction (``async with sessionmaker.begin()``) and returns
domain objects built by :mod:`storage.mapping`, never ORM rows.
"""
from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import delete, func, select, text, type_coerce
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.types import NullType

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Paper, Post, PostKind, Reaction, Subscription, dedupe_papers, merge_papers
from bot.errors import NotFoundError
from storage.chunked import chunks, tuples_by_key
from storage.columns import utc_from_driver
from storage.database import create_engine, create_sessionmaker
from storage.delivery_store import DeliveryStoreMixin
from storage.dialect import rows_affected, serialize, upsert_insert
from storage.discussion_store import DiscussionStoreMixin
from storage.feed_store import FeedStoreMixin
from storage.mapping import (
    paper_values,
    post_values,
    reaction_values,
    subscription_values,
    to_paper,
    to_post,
    to_reaction,
    to_subscription,
)
from storage.models import PaperRow, PostRow, ProcessedEventRow, ReactionRow, SubscriptionRow, table_of
from storage.personal_store import PersonalStoreMixin
from storage.saved_store import SavedStoreMixin
from storage.seen_store import SeenStoreMixin
from storage.sessions import is_unavailable, unavailable
from storage.taste_store import TasteStoreMixin

_log = logging.getLogger(__name__)

_DIGITS = re.compile(r"[0-9]+")

_PAPERS = table_of(PaperRow)
_SUBSCRIPTIONS = table_of(SubscriptionRow)
_POSTS = table_of(PostRow)
_REACTIONS = table_of(ReactionRow)
_EVENTS = table_of(ProcessedEventRow)


class SqlStore(TasteStoreMixin, DeliveryStoreMixin, DiscussionStoreMixin, PersonalStoreMixin, SavedStoreMixin,
               FeedStoreMixin, SeenStoreMixin):
    """Persistence for papers, subscriptions, posts and reactions (implements ``bot.ports.Store``)."""

    _bound: AsyncSession | None = None

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        engine: AsyncEngine | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """``engine``, when given, is disposed by :meth:`close` (the store owns it)."""
        self._sessions = sessions
        self._engine = engine
        self._clock = clock

    @classmethod
    def connect(cls, url: str, *, clock: Clock = utc_now, **engine_kwargs: Any) -> SqlStore:
        """A store on its own engine for ``url`` (any URL :func:`storage.database.normalise_url` accepts).

        The schema must already be current: run :func:`storage.migrate.upgrade` first.
        """
        engine = create_engine(url, **engine_kwargs)
        return cls(create_sessionmaker(engine), engine=engine, clock=clock)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlStore]:
        """A unit of work: the store it yields runs every method in ONE database transaction,
        committed when the block ends, rolled back (all of it) when the block raises.

        Nested use is part of the outer unit of work. Keep slow work (embedding, network) outside:
        on SQLite the transaction holds the write lock from its first statement.
        """
        if self._bound is not None:
            yield self
            return
        try:
            async with self._sessions.begin() as session:
                bound = SqlStore(self._sessions, clock=self._clock)
                bound._bound = session
                yield bound
        except Exception as exc:
            if is_unavailable(exc):
                raise unavailable(exc) from exc
            raise

    async def ping(self) -> None:
        """One cheap round trip (``SELECT 1``) in a transaction of its own, for readiness checks.
        Raises StoreUnavailableError when the database cannot be used (down, full, its file gone)."""
        async with self._begin() as session:
            await session.execute(text("SELECT 1"))

    @property
    def engine(self) -> AsyncEngine | None:
        return self._engine

    async def close(self) -> None:
        """Release the pooled connections (if this store created its engine)."""
        if self._engine is not None:
            await self._engine.dispose()

    async def __aenter__(self) -> SqlStore:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # papers

    async def upsert_papers(self, papers: Iterable[Paper]) -> int:
        """Merge each paper with its stored sighting (``merge_papers``); return how many were new.

        One SELECT per :data:`storage.chunked.READ_CHUNK` ids and one executemany for the whole batch, so
        thousands of papers cost a handful of round trips. Duplicates within the batch are
        merged first. ``first_seen_at`` is kept; ``last_seen_at`` becomes now.
        """
        batch = dedupe_papers(list(papers))
        if not batch:
            return 0
        now = self._clock()
        async with self._begin() as session:
            await serialize(session, "papers")
            existing = await _load_papers(session, [paper.arxiv_id for paper in batch])
            values = []
            for paper in batch:
                found = existing.get(paper.arxiv_id)
                if found is None:
                    values.append(paper_values(paper, first_seen_at=now, last_seen_at=now))
                else:
                    old, first_seen_at = found
                    values.append(paper_values(merge_papers(old, paper), first_seen_at=first_seen_at, last_seen_at=now))
            insert = upsert_insert(session, _PAPERS)
            keep = {"arxiv_id", "first_seen_at"}
            statement = insert.on_conflict_do_update(
                index_elements=[_PAPERS.c.arxiv_id],
                set_={name: insert.excluded[name] for name in values[0] if name not in keep},
            )
            await session.execute(statement, values)
        new = len(batch) - len(existing)
        _log.debug("upserted %d papers (%d new)", len(batch), new)
        return new

    async def get_paper(self, arxiv_id: str) -> Paper | None:
        async with self._begin() as session:
            row = await session.get(PaperRow, arxiv_id)
            return to_paper(row) if row is not None else None

    async def get_papers(self, arxiv_ids: Iterable[str]) -> dict[str, Paper]:
        """The stored papers among ``arxiv_ids``, by id (one query per chunk)."""
        async with self._begin() as session:
            return {i: paper for i, (paper, _) in (await _load_papers(session, sorted(set(arxiv_ids)))).items()}

    async def papers_announced_between(self, start: date, end: date) -> list[Paper]:
        """Papers with ``start <= announced_on <= end``, by day then id (a stable order)."""
        query = (
            select(PaperRow)
            .where(PaperRow.announced_on >= start, PaperRow.announced_on <= end)
            .order_by(PaperRow.announced_on, PaperRow.arxiv_id)
        )
        async with self._begin() as session:
            return [to_paper(row) for row in await session.scalars(query)]

    async def latest_announced_day(self, on_or_before: date | None = None) -> date | None:
        query = select(func.max(PaperRow.announced_on))
        if on_or_before is not None:
            query = query.where(PaperRow.announced_on <= on_or_before)
        async with self._begin() as session:
            return await session.scalar(query)

    async def count_papers(self) -> int:
        async with self._begin() as session:
            return await session.scalar(select(func.count()).select_from(PaperRow)) or 0

    # subscriptions

    async def save_subscription(self, subscription: Subscription) -> None:
        """Create or replace the channel's subscription (every column is replaced)."""
        values = subscription_values(subscription, created_at=self._clock())
        async with self._begin() as session:
            insert = upsert_insert(session, _SUBSCRIPTIONS).values(values)
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=[_SUBSCRIPTIONS.c.channel_key],
                    set_={name: insert.excluded[name] for name in values if name != "channel_key"},
                )
            )

    async def get_subscription(self, channel: ChannelRef) -> Subscription | None:
        async with self._begin() as session:
            row = await session.get(SubscriptionRow, channel.key)
            return to_subscription(row) if row is not None else None

    async def delete_subscription(self, channel: ChannelRef) -> bool:
        async with self._begin() as session:
            return await rows_affected(session, delete(_SUBSCRIPTIONS).where(_SUBSCRIPTIONS.c.channel_key == channel.key)) > 0

    async def list_subscriptions(self) -> list[Subscription]:
        async with self._begin() as session:
            rows = await session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.channel_key))
            return [to_subscription(row) for row in rows]

    # posts

    async def record_posts(self, posts: Sequence[Post]) -> None:
        """Remember which message carries which paper; a post already stored is left as it is.

        Raises :class:`NotFoundError` if a post names a paper that is not stored.
        """
        if not posts:
            return
        now = self._clock()
        async with self._begin() as session:
            await _require_papers(session, {post.arxiv_id for post in posts})
            insert = upsert_insert(session, _POSTS).on_conflict_do_nothing(
                index_elements=[_POSTS.c.channel_key, _POSTS.c.message_id, _POSTS.c.arxiv_id]
            )
            await session.execute(insert, [post_values(post, posted_at=now) for post in posts])

    async def posts_for_message(self, channel: ChannelRef, message_id: str) -> list[Post]:
        query = (
            select(PostRow)
            .where(PostRow.channel_key == channel.key, PostRow.message_id == message_id)
            .order_by(PostRow.position, PostRow.id)
        )
        async with self._begin() as session:
            return [to_post(row) for row in await session.scalars(query)]

    async def posts_under_root(self, channel: ChannelRef, root_message_id: str) -> list[Post]:
        """The posts of the publication whose thread hangs from ``root_message_id``, by position."""
        query = (
            select(PostRow)
            .where(PostRow.channel_key == channel.key, PostRow.root_message_id == root_message_id)
            .order_by(PostRow.position, PostRow.id)
        )
        async with self._begin() as session:
            return [to_post(row) for row in await session.scalars(query)]

    async def workspace_of_message(self, platform: str, channel: str, message_id: str) -> str | None:
        """The workspace a message was posted for, found without it (a Discord DM event names no guild)."""
        query = (
            select(PostRow.workspace)
            .where(PostRow.platform == platform, PostRow.channel == channel, PostRow.message_id == message_id)
            .limit(1)
        )
        async with self._begin() as session:
            return await session.scalar(query)

    async def posted_paper_ids(self, channel: ChannelRef) -> set[str]:
        query = select(PostRow.arxiv_id).where(PostRow.channel_key == channel.key).distinct()
        async with self._begin() as session:
            return set(await session.scalars(query))

    async def has_linked_posts(self, channel: ChannelRef) -> bool:
        query = select(PostRow.id).where(PostRow.channel_key == channel.key, PostRow.kind == PostKind.LINKED.value).limit(1)
        async with self._begin() as session:
            return (await session.scalar(query)) is not None

    async def recent_posts(self, channel: ChannelRef, limit: int = 20) -> list[Post]:
        """Newest first: by ``posted_at``, then by the order they were recorded (latest first)."""
        query = (
            select(PostRow)
            .where(PostRow.channel_key == channel.key)
            .order_by(PostRow.posted_at.desc(), PostRow.id.desc())
            .limit(limit)
        )
        async with self._begin() as session:
            return [to_post(row) for row in await session.scalars(query)]

    async def next_message_number(self, channel: ChannelRef) -> int:
        """1 + the highest all-digit message id in ``channel`` (others, like Slack's ``ts``, are ignored).

        Filtered in Python: "all digits" and big-number comparison differ between backends.
        """
        query = select(PostRow.message_id).where(PostRow.channel_key == channel.key).distinct()
        async with self._begin() as session:
            ids = await session.scalars(query)
            return max((int(m) for m in ids if _DIGITS.fullmatch(m)), default=0) + 1

    # reactions

    async def add_reaction(self, reaction: Reaction) -> bool:
        """Store it; False when that (channel, message, paper, user, emoji) is already stored.

        Raises :class:`NotFoundError` when the bot never posted that paper in that message.
        """
        values = reaction_values(reaction, created_at=self._clock())
        async with self._begin() as session:
            post = await session.scalar(
                select(PostRow.id)
                .where(
                    PostRow.channel_key == values["channel_key"],
                    PostRow.message_id == reaction.message_id,
                    PostRow.arxiv_id == reaction.arxiv_id,
                )
                .limit(1)
            )
            if post is None:
                raise NotFoundError(
                    f"no post of {reaction.arxiv_id} in message {reaction.message_id} of {reaction.channel}; "
                    "reactions are kept only on the bot's own posts"
                )
            insert = (
                upsert_insert(session, _REACTIONS)
                .values(values)
                .on_conflict_do_nothing(
                    index_elements=[_REACTIONS.c[name] for name in ("channel_key", "message_id", "arxiv_id", "user_id", "emoji")]
                )
                .returning(_REACTIONS.c.id)
            )
            return (await session.execute(insert)).first() is not None

    async def remove_reaction(self, channel: ChannelRef, message_id: str, user_id: str, emoji: str) -> int:
        """Remove that user's emoji from every paper of that message; return rows removed."""
        statement = delete(_REACTIONS).where(
            _REACTIONS.c.channel_key == channel.key,
            _REACTIONS.c.message_id == message_id,
            _REACTIONS.c.user_id == user_id,
            _REACTIONS.c.emoji == emoji,
        )
        async with self._begin() as session:
            return await rows_affected(session, statement)

    async def reactions_for_channel(self, channel: ChannelRef) -> list[Reaction]:
        """Oldest first."""
        return (await self.reactions_for_channels([channel]))[channel.key]

    async def reactions_for_channels(self, channels: Sequence[ChannelRef]) -> dict[str, list[Reaction]]:
        """Each channel's reactions, oldest first, by channel key (a planning pass loads thousands of
        profiles: one query per chunk of channels, not one per channel)."""
        by_key = {c.key: c for c in channels}
        r = _REACTIONS.c
        query = select(r.channel_key, r.message_id, r.arxiv_id, r.user_id, r.emoji, r.created_at).order_by(r.created_at, r.id)
        async with self._begin() as session:
            rows = await tuples_by_key(session, query, r.channel_key, by_key)
        return {key: [Reaction(by_key[key], row.message_id, row.arxiv_id, row.user_id, row.emoji, row.created_at) for row in found]
                for key, found in rows.items()}

    async def rated_for_channels(self, channels: Sequence[ChannelRef]) -> dict[str, list[tuple[str, str, datetime]]]:
        """The time is read as the driver gives it and converted once here (``utc_from_driver``):
        SQLAlchemy's type processing of ~50,000 rows was most of this read's CPU in a planning pass."""
        r = _REACTIONS.c
        out: dict[str, list[tuple[str, str, datetime]]] = {c.key: [] for c in channels}
        query = select(r.channel_key, r.arxiv_id, r.emoji, type_coerce(r.created_at, NullType())).order_by(r.created_at, r.id)
        async with self._begin() as session:
            for chunk in chunks(sorted(out)):
                for key, arxiv_id, emoji, at in (await session.execute(query.where(r.channel_key.in_(chunk)))).all():
                    out[key].append((arxiv_id, emoji, utc_from_driver(at)))
        return out

    async def reactions_for_message(self, channel: ChannelRef, message_id: str) -> list[Reaction]:
        """Oldest first."""
        query = (
            select(ReactionRow)
            .where(ReactionRow.channel_key == channel.key, ReactionRow.message_id == message_id)
            .order_by(ReactionRow.created_at, ReactionRow.id)
        )
        async with self._begin() as session:
            return [to_reaction(row, channel) for row in await session.scalars(query)]

    async def seen_event(self, event_id: str, at: datetime) -> bool:
        """Remember a platform event id; True when it had been seen before (a retried delivery)."""
        async with self._begin() as session:
            insert = (
                upsert_insert(session, _EVENTS)
                .values(event_id=event_id, seen_at=at)
                .on_conflict_do_nothing(index_elements=[_EVENTS.c.event_id])
                .returning(_EVENTS.c.event_id)
            )
            return (await session.execute(insert)).first() is None

    async def forget_events_before(self, cutoff: datetime) -> int:
        """Delete event ids first seen before ``cutoff`` (no retry comes that late); return how many."""
        async with self._begin() as session:
            return await rows_affected(session, delete(ProcessedEventRow).where(ProcessedEventRow.seen_at < cutoff))


async def _load_papers(session: AsyncSession, ids: list[str]) -> dict[str, tuple[Paper, datetime]]:
    """The stored papers among ``ids`` with their ``first_seen_at``, a chunk of ids per query."""
    found: dict[str, tuple[Paper, datetime]] = {}
    for chunk in chunks(ids):
        for row in await session.scalars(select(PaperRow).where(PaperRow.arxiv_id.in_(chunk))):
            found[row.arxiv_id] = (to_paper(row), row.first_seen_at)
    return found


async def _require_papers(session: AsyncSession, ids: set[str]) -> None:
    """Raise :class:`NotFoundError` naming the ids that are not stored papers."""
    stored: set[str] = set()
    for chunk in chunks(sorted(ids)):
        stored.update(await session.scalars(select(PaperRow.arxiv_id).where(PaperRow.arxiv_id.in_(chunk))))
    missing = sorted(ids - stored)
    if missing:
        raise NotFoundError(f"cannot record posts of unknown paper(s) {', '.join(missing)}; store the papers first")

