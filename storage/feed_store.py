"""Open feeds' tokens and a channel's activity over time, for :class:`storage.store.SqlStore` (a mixin).

Implements ``bot.ports.FeedStore`` (the ``feed_tokens`` table: one sha256 digest per feed; saving
a new one replaces the old, so a rotated token is refused at once) and ``bot.ports.ActivityStore``
(a channel's posts and reactions since a time, for `/papers stats`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.domain import ChannelRef, Post, Reaction
from bot.feeds import FeedScope
from storage.dialect import upsert_insert
from storage.mapping import to_post, to_reaction
from storage.models import FeedTokenRow, PostRow, ReactionRow, table_of
from storage.sessions import SessionScope

_TOKENS = table_of(FeedTokenRow)


class FeedStoreMixin(SessionScope):

    async def save_feed_token(self, scope: FeedScope, token_hash: str, at: datetime) -> None:
        ch = scope.channel
        values = {"scope_key": scope.key, "platform": ch.platform, "workspace": ch.workspace, "channel": ch.channel,
                  "user_id": scope.user_id, "token_hash": token_hash, "created_at": at}
        async with self._begin() as session:
            insert = upsert_insert(session, _TOKENS).values(values)
            await session.execute(insert.on_conflict_do_update(
                index_elements=[_TOKENS.c.scope_key],
                set_={"token_hash": insert.excluded.token_hash, "created_at": insert.excluded.created_at}))

    async def has_feed_token(self, scope: FeedScope) -> bool:
        async with self._begin() as session:
            found = await session.scalar(select(func.count()).select_from(_TOKENS).where(_TOKENS.c.scope_key == scope.key))
        return bool(found)

    async def feed_scope_by_hash(self, token_hash: str) -> tuple[FeedScope, str] | None:
        async with self._begin() as session:
            row = await session.scalar(select(FeedTokenRow).where(FeedTokenRow.token_hash == token_hash))
        if row is None:
            return None
        return FeedScope(ChannelRef(row.platform, row.workspace, row.channel), row.user_id), row.token_hash

    async def posts_since(self, channel: ChannelRef, since: datetime) -> list[Post]:
        query = (select(PostRow).where(PostRow.channel_key == channel.key, PostRow.posted_at >= since)
                 .order_by(PostRow.posted_at, PostRow.id))
        async with self._begin() as session:
            return [to_post(row) for row in await session.scalars(query)]

    async def reactions_since(self, channel: ChannelRef, since: datetime) -> list[Reaction]:
        query = (select(ReactionRow).where(ReactionRow.channel_key == channel.key, ReactionRow.created_at >= since)
                 .order_by(ReactionRow.created_at, ReactionRow.id))
        async with self._begin() as session:
            return [to_reaction(row, channel) for row in await session.scalars(query)]
