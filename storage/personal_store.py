"""DM digest and weekly recap persistence for :class:`storage.store.SqlStore` (a mixin).

Implements ``bot.scheduling.personal_ports.PersonalStore``: the ``dm_subscriptions`` and
``channel_recaps`` tables, the papers already DM'd to a member (read from their outbox rows),
and a week of a channel's posts with reactions and thread replies for the recap. Also
``active_personal_keys``, which ``claim_outbox`` asks so a DM or recap switched off or paused
after planning is skipped, like an unsubscribed channel's digest.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import ChannelRef
from bot.scheduling.personal_ports import (
    DM,
    DmSubscription,
    Member,
    RecapEntry,
    RecapSubscription,
    dm_key,
)
from bot.scheduling.ports import PLANNED, SENDING, SENT
from bot.scheduling.schedule import decode_weekdays, encode_weekdays
from storage.dialect import rows_affected, upsert_insert
from storage.models import (
    ChannelRecapRow,
    DiscussionThreadRow,
    DmSubscriptionRow,
    OutboxRow,
    PostRow,
    ReactionRow,
    ThreadActivityRow,
    table_of,
)
from storage.sessions import SessionScope

_DMS = table_of(DmSubscriptionRow)
_RECAPS = table_of(ChannelRecapRow)


def _dm(row: DmSubscriptionRow) -> DmSubscription:
    return DmSubscription(Member(row.platform, row.workspace, row.user_id), row.post_time, row.timezone,
                          decode_weekdays(row.weekdays), row.count, row.created_at, row.paused_reason, row.paused_at)


def _recap(row: ChannelRecapRow) -> RecapSubscription:
    return RecapSubscription(ChannelRef(row.platform, row.workspace, row.channel), row.weekday, row.post_time,
                             row.timezone, row.created_by, row.created_at, row.paused_reason, row.paused_at)


class PersonalStoreMixin(SessionScope):

    async def _upsert(self, table: Table, key: str, values: dict[str, Any]) -> bool:
        async with self._begin() as session:
            existed = await session.scalar(select(func.count()).select_from(table).where(table.primary_key.columns[0] == key))
            insert = upsert_insert(session, table)
            keep = {table.primary_key.columns[0].name, "created_at"}
            await session.execute(insert.values(values).on_conflict_do_update(
                index_elements=list(table.primary_key.columns),
                set_={name: insert.excluded[name] for name in values if name not in keep},
            ))
            return not existed

    # DM digests

    async def save_dm(self, subscription: DmSubscription) -> bool:
        m = subscription.member
        return await self._upsert(_DMS, m.key, {
            "member_key": m.key, "platform": m.platform, "workspace": m.workspace, "user_id": m.user_id,
            "post_time": subscription.post_time, "timezone": subscription.timezone,
            "weekdays": encode_weekdays(subscription.weekdays), "count": subscription.count,
            "created_at": subscription.created_at, "paused_reason": None, "paused_at": None,
        })

    async def get_dm(self, member: Member) -> DmSubscription | None:
        async with self._begin() as session:
            row = await session.get(DmSubscriptionRow, member.key)
            return _dm(row) if row is not None else None

    async def delete_dm(self, member: Member) -> bool:
        async with self._begin() as session:
            return await rows_affected(session, delete(_DMS).where(_DMS.c.member_key == member.key)) > 0

    async def dm_subscriptions(self) -> list[DmSubscription]:
        async with self._begin() as session:
            return [_dm(r) for r in await session.scalars(select(DmSubscriptionRow).order_by(DmSubscriptionRow.member_key))]

    async def pause_dm(self, member: Member, reason: str, at: datetime) -> None:
        async with self._begin() as session:
            await session.execute(update(_DMS).where(_DMS.c.member_key == member.key).values(paused_reason=reason, paused_at=at))

    async def dm_sent_ids(self, members: Iterable[Member]) -> dict[str, set[str]]:
        keys = {dm_key(m): m.key for m in members}
        out: dict[str, set[str]] = {}
        if not keys:
            return out
        query = select(OutboxRow.channel_key, OutboxRow.items).where(
            OutboxRow.kind == DM, OutboxRow.channel_key.in_(list(keys)), OutboxRow.status.in_([PLANNED, SENDING, SENT]))
        async with self._begin() as session:
            for key, items in (await session.execute(query)).all():
                out.setdefault(keys[key], set()).update(i["id"] for i in items or ())
        return out

    # weekly recaps

    async def save_recap(self, subscription: RecapSubscription) -> bool:
        c = subscription.channel
        return await self._upsert(_RECAPS, c.key, {
            "channel_key": c.key, "platform": c.platform, "workspace": c.workspace, "channel": c.channel,
            "weekday": subscription.weekday, "post_time": subscription.post_time, "timezone": subscription.timezone,
            "created_by": subscription.created_by, "created_at": subscription.created_at,
            "paused_reason": None, "paused_at": None,
        })

    async def get_recap(self, channel: ChannelRef) -> RecapSubscription | None:
        async with self._begin() as session:
            row = await session.get(ChannelRecapRow, channel.key)
            return _recap(row) if row is not None else None

    async def delete_recap(self, channel: ChannelRef) -> bool:
        async with self._begin() as session:
            return await rows_affected(session, delete(_RECAPS).where(_RECAPS.c.channel_key == channel.key)) > 0

    async def recap_subscriptions(self) -> list[RecapSubscription]:
        async with self._begin() as session:
            return [_recap(r) for r in await session.scalars(select(ChannelRecapRow).order_by(ChannelRecapRow.channel_key))]

    async def pause_recap(self, channel: ChannelRef, reason: str, at: datetime) -> None:
        async with self._begin() as session:
            await session.execute(update(_RECAPS).where(_RECAPS.c.channel_key == channel.key).values(paused_reason=reason, paused_at=at))

    async def recap_entries(self, channel: ChannelRef, since: datetime, until: datetime) -> list[RecapEntry]:
        key = channel.key
        async with self._begin() as session:
            posted = dict((await session.execute(
                select(PostRow.arxiv_id, func.min(PostRow.posted_at))
                .where(PostRow.channel_key == key, PostRow.posted_at >= since, PostRow.posted_at < until)
                .group_by(PostRow.arxiv_id)
            )).all())
            if not posted:
                return []
            ids = sorted(posted)
            emoji: dict[str, dict[str, int]] = {}
            for arxiv_id, name, n in (await session.execute(
                select(ReactionRow.arxiv_id, ReactionRow.emoji, func.count())
                .where(ReactionRow.channel_key == key, ReactionRow.arxiv_id.in_(ids))
                .group_by(ReactionRow.arxiv_id, ReactionRow.emoji)
            )).all():
                emoji.setdefault(arxiv_id, {})[name] = n
            replies: dict[str, int] = {}
            threads: dict[str, str] = {}
            for arxiv_id, thread_id, n in (await session.execute(
                select(ThreadActivityRow.arxiv_id, ThreadActivityRow.thread_id, func.count())
                .where(ThreadActivityRow.channel_key == key, ThreadActivityRow.arxiv_id.in_(ids))
                .group_by(ThreadActivityRow.arxiv_id, ThreadActivityRow.thread_id)
            )).all():
                replies[arxiv_id] = replies.get(arxiv_id, 0) + n
                if thread_id:  # "" is a `/papers ask` outside any thread: discussion, but nothing to link
                    threads.setdefault(arxiv_id, thread_id)
            opened: dict[str, str] = {}  # the thread opened for the paper wins over one it was merely mentioned in
            for arxiv_id, thread_id in (await session.execute(
                select(DiscussionThreadRow.arxiv_id, DiscussionThreadRow.thread_id)
                .where(DiscussionThreadRow.channel_key == key, DiscussionThreadRow.arxiv_id.in_(ids))
                .order_by(DiscussionThreadRow.opened_at, DiscussionThreadRow.id)
            )).all():
                opened.setdefault(arxiv_id, thread_id)
            threads.update(opened)
        return [RecapEntry(i, posted[i], emoji.get(i, {}), replies.get(i, 0), threads.get(i)) for i in ids]

    # claims (called by DeliveryStoreMixin.claim_outbox inside its transaction)

    async def active_personal_keys(self, session: AsyncSession, keys: set[str]) -> set[str]:
        """Those of ``keys`` that are a DM or recap subscription that still exists and is not paused."""
        dms = {k[len("dm:"):]: k for k in keys if k.startswith("dm:")}
        recaps = {k[len("recap:"):]: k for k in keys if k.startswith("recap:")}
        out: set[str] = set()
        if dms:
            found = await session.scalars(select(_DMS.c.member_key).where(_DMS.c.member_key.in_(list(dms)), _DMS.c.paused_at.is_(None)))
            out |= {dms[k] for k in found}
        if recaps:
            found = await session.scalars(select(_RECAPS.c.channel_key).where(_RECAPS.c.channel_key.in_(list(recaps)), _RECAPS.c.paused_at.is_(None)))
            out |= {recaps[k] for k in found}
        return out

