"""Discussion persistence for :class:`storage.store.SqlStore` (a mixin): threads, thread activity, thread mode.

Implements ``bot.discussion.threads.DiscussionStore``. Thread activity is a taste signal, so
``forget_member``/``forget_channel`` (storage.taste_store) erase it too.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import exists, select

from bot.discussion.threads import ActivityKind, LinkMode, ThreadActivity, ThreadMode, ThreadRecord
from bot.domain import ChannelRef, Post
from bot.errors import NotFoundError
from storage.chunked import chunks, rows_by_key
from storage.dialect import upsert_insert
from storage.mapping import to_post
from storage.models import ChannelThreadModeRow, DiscussionThreadRow, PaperRow, PostRow, ThreadActivityRow, table_of
from storage.sessions import SessionScope

_THREADS = table_of(DiscussionThreadRow)
_ACTIVITY = table_of(ThreadActivityRow)
_MODES = table_of(ChannelThreadModeRow)


class DiscussionStoreMixin(SessionScope):

    # threads

    async def record_threads(self, threads: Sequence[ThreadRecord]) -> None:
        """Remember which thread discusses which paper; a thread already stored is left as it is.

        Raises :class:`NotFoundError` when a paper is not stored.
        """
        if not threads:
            return
        now = self._clock()
        values = [
            {"channel_key": t.channel.key, "root_message_id": t.root_message_id, "thread_id": t.thread_id,
             "arxiv_id": t.arxiv_id, "opened_at": t.opened_at or now}
            for t in threads
        ]
        async with self._begin() as session:
            ids = {t.arxiv_id for t in threads}
            stored = set(await session.scalars(select(PaperRow.arxiv_id).where(PaperRow.arxiv_id.in_(ids))))
            if ids - stored:
                raise NotFoundError(f"cannot record threads of unknown paper(s) {', '.join(sorted(ids - stored))}")
            insert = upsert_insert(session, _THREADS).on_conflict_do_nothing(
                index_elements=[_THREADS.c.channel_key, _THREADS.c.thread_id, _THREADS.c.arxiv_id]
            )
            await session.execute(insert, values)

    async def threads_for(self, channel: ChannelRef, thread_id: str) -> list[ThreadRecord]:
        """The papers of the thread ``thread_id`` — or, failing that, of the thread hung from that root message."""
        async with self._begin() as session:
            for column in (DiscussionThreadRow.thread_id, DiscussionThreadRow.root_message_id):
                query = (
                    select(DiscussionThreadRow)
                    .where(DiscussionThreadRow.channel_key == channel.key, column == thread_id)
                    .order_by(DiscussionThreadRow.id)
                )
                rows = list(await session.scalars(query))
                if rows:
                    return [_record(row, channel) for row in rows]
        return []

    async def threads_of_paper(self, channel: ChannelRef, arxiv_id: str) -> list[ThreadRecord]:
        query = (
            select(DiscussionThreadRow)
            .where(DiscussionThreadRow.channel_key == channel.key, DiscussionThreadRow.arxiv_id == arxiv_id)
            .order_by(DiscussionThreadRow.id)
        )
        async with self._begin() as session:
            return [_record(row, channel) for row in await session.scalars(query)]

    async def threads_of_papers(self, channel: ChannelRef, arxiv_ids: Iterable[str]) -> dict[str, ThreadRecord]:
        """Each of ``arxiv_ids`` that has a discussion thread in ``channel``: its first thread."""
        found: dict[str, ThreadRecord] = {}
        async with self._begin() as session:
            for chunk in chunks(sorted(set(arxiv_ids))):
                query = (
                    select(DiscussionThreadRow)
                    .where(DiscussionThreadRow.channel_key == channel.key, DiscussionThreadRow.arxiv_id.in_(chunk))
                    .order_by(DiscussionThreadRow.id)
                )
                for row in await session.scalars(query):
                    found.setdefault(row.arxiv_id, _record(row, channel))
        return found

    async def posts_without_threads(self, since: datetime, until: datetime, platforms: Iterable[str],
                                    limit: int = 500) -> list[Post]:
        """Posts of ``platforms`` posted in [since, until) whose paper has no thread in their channel."""
        threaded = exists().where(DiscussionThreadRow.channel_key == PostRow.channel_key,
                                  DiscussionThreadRow.arxiv_id == PostRow.arxiv_id)
        query = (
            select(PostRow)
            .where(PostRow.posted_at >= since, PostRow.posted_at < until, PostRow.platform.in_(list(platforms)), ~threaded)
            .order_by(PostRow.posted_at, PostRow.id)
            .limit(limit)
        )
        async with self._begin() as session:
            return [to_post(row) for row in await session.scalars(query)]

    # activity

    async def add_thread_activity(self, activities: Sequence[ThreadActivity]) -> bool:
        """Store them; False when nothing was new (every row's (event_id, paper) was stored before)."""
        stored = False
        async with self._begin() as session:
            for a in activities:
                insert = (
                    upsert_insert(session, _ACTIVITY)
                    .values(channel_key=a.channel.key, thread_id=a.thread_id, arxiv_id=a.arxiv_id, user_id=a.user_id,
                            kind=a.kind.value, event_id=a.event_id, at=a.at)
                    .on_conflict_do_nothing(index_elements=[_ACTIVITY.c.event_id, _ACTIVITY.c.arxiv_id])
                    .returning(_ACTIVITY.c.id)
                )
                stored = (await session.execute(insert)).first() is not None or stored
        return stored

    async def thread_activity_for_channel(self, channel: ChannelRef) -> list[ThreadActivity]:
        return (await self.thread_activity_for_channels([channel]))[channel.key]

    async def thread_activity_for_channels(self, channels: Sequence[ChannelRef]) -> dict[str, list[ThreadActivity]]:
        """Each channel's thread activity, oldest first, by channel key (one query per chunk of channels)."""
        query = select(ThreadActivityRow).order_by(ThreadActivityRow.at, ThreadActivityRow.id)
        async with self._begin() as session:
            rows = await rows_by_key(session, query, ThreadActivityRow.channel_key, {c.key for c in channels})
        return {key: [_activity(row) for row in found] for key, found in rows.items()}

    async def thread_activity_by_member(self, platform: str, workspace: str, user_id: str) -> list[ThreadActivity]:
        prefix = f"{platform}:{workspace}:"
        query = (
            select(ThreadActivityRow)
            .where(ThreadActivityRow.user_id == user_id, ThreadActivityRow.channel_key.startswith(prefix, autoescape=True))
            .order_by(ThreadActivityRow.at, ThreadActivityRow.id)
        )
        async with self._begin() as session:
            return [_activity(row) for row in await session.scalars(query)]

    # thread mode

    async def get_thread_mode(self, channel: ChannelRef) -> ThreadMode | None:
        async with self._begin() as session:
            row = await session.get(ChannelThreadModeRow, channel.key)
            return ThreadMode(row.mode) if row is not None and row.mode else None

    async def save_thread_mode(self, channel: ChannelRef, mode: ThreadMode) -> None:
        values = {"channel_key": channel.key, "mode": ThreadMode(mode).value, "updated_at": self._clock()}
        async with self._begin() as session:
            insert = upsert_insert(session, _MODES).values(values)
            await session.execute(insert.on_conflict_do_update(
                index_elements=[_MODES.c.channel_key], set_={"mode": insert.excluded.mode, "updated_at": insert.excluded.updated_at}
            ))

    # what pasted links do (a column of the same row: one row per channel that chose anything)

    async def get_link_mode(self, channel: ChannelRef) -> LinkMode | None:
        async with self._begin() as session:
            row = await session.get(ChannelThreadModeRow, channel.key)
            return LinkMode(row.links) if row is not None and row.links else None

    async def save_link_mode(self, channel: ChannelRef, mode: LinkMode) -> None:
        values = {"channel_key": channel.key, "links": LinkMode(mode).value, "updated_at": self._clock()}
        async with self._begin() as session:
            insert = upsert_insert(session, _MODES).values(values)
            await session.execute(insert.on_conflict_do_update(
                index_elements=[_MODES.c.channel_key], set_={"links": insert.excluded.links, "updated_at": insert.excluded.updated_at}
            ))


def _record(row: DiscussionThreadRow, channel: ChannelRef) -> ThreadRecord:
    return ThreadRecord(channel, row.root_message_id, row.thread_id, row.arxiv_id, row.opened_at)


def _activity(row: ThreadActivityRow) -> ThreadActivity:
    return ThreadActivity(ChannelRef.parse(row.channel_key), row.thread_id, row.arxiv_id, row.user_id,
                          ActivityKind(row.kind), row.at, row.event_id)


__all__ = ["DiscussionStoreMixin"]
