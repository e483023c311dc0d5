"""Taste persistence for :class:`storage.store.SqlStore` (a mixin): embeddings, signals, settings, forget.

Vectors are stored as float32 bytes with their model's name and dimension; every read names
the model, so vectors of two models are never mixed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select

from bot.domain import ChannelRef, Paper, Reaction
from bot.taste.model import StoredSignal, member_scope
from storage.chunked import chunks, rows_by_key
from storage.dialect import rows_affected, upsert_insert
from storage.mapping import to_paper, to_reaction
from storage.models import (
    ChannelSettingsRow,
    PaperEmbeddingRow,
    PaperRow,
    ReactionRow,
    TasteSignalRow,
    ThreadActivityRow,
    table_of,
)
from storage.sessions import SessionScope

_EMB = table_of(PaperEmbeddingRow)
_SIG = table_of(TasteSignalRow)
_SET = table_of(ChannelSettingsRow)
_ACT = table_of(ThreadActivityRow)


class TasteStoreMixin(SessionScope):

    # embeddings

    async def save_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> int:
        if not vectors:
            return 0
        now = self._clock()
        rows = []
        for arxiv_id, vector in vectors.items():
            v = np.asarray(vector, dtype=np.float32)
            rows.append({"arxiv_id": arxiv_id, "model": model, "dimension": int(v.shape[0]), "vector": v.tobytes(), "created_at": now})
        async with self._begin() as session:
            insert = upsert_insert(session, _EMB)
            statement = insert.on_conflict_do_update(
                index_elements=[_EMB.c.arxiv_id, _EMB.c.model],
                set_={"dimension": insert.excluded.dimension, "vector": insert.excluded.vector, "created_at": insert.excluded.created_at},
            )
            await session.execute(statement, rows)
        return len(rows)

    async def embeddings(self, model: str, arxiv_ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Stored vectors of ``model`` (all of them when ``arxiv_ids`` is None)."""
        out: dict[str, np.ndarray] = {}
        async with self._begin() as session:
            for chunk in [None] if arxiv_ids is None else chunks(sorted(set(arxiv_ids))):
                query = select(_EMB.c.arxiv_id, _EMB.c.vector).where(_EMB.c.model == model)
                if chunk is not None:
                    query = query.where(_EMB.c.arxiv_id.in_(chunk))
                for arxiv_id, blob in await session.execute(query):
                    out[arxiv_id] = np.frombuffer(blob, dtype=np.float32).copy()
        return out

    async def papers_without_embedding(self, model: str) -> list[Paper]:
        has = select(_EMB.c.arxiv_id).where(_EMB.c.model == model)
        query = select(PaperRow).where(PaperRow.arxiv_id.not_in(has)).order_by(PaperRow.arxiv_id)
        async with self._begin() as session:
            return [to_paper(row) for row in await session.scalars(query)]

    async def count_embeddings(self, model: str | None = None) -> int:
        query = select(func.count()).select_from(_EMB)
        if model is not None:
            query = query.where(_EMB.c.model == model)
        async with self._begin() as session:
            return await session.scalar(query) or 0

    async def delete_embeddings_except(self, model: str) -> int:
        """Drop the vectors of every other model (after a model change)."""
        async with self._begin() as session:
            return await rows_affected(session, delete(_EMB).where(_EMB.c.model != model))

    # explicit signals

    async def add_signal(self, signal: StoredSignal) -> bool:
        values = {"scope": signal.scope, "kind": signal.kind, "value": signal.value, "weight": signal.weight,
                  "created_by": signal.created_by, "created_at": signal.created_at or self._clock()}
        async with self._begin() as session:
            insert = (
                upsert_insert(session, _SIG).values(values)
                .on_conflict_do_nothing(index_elements=[_SIG.c.scope, _SIG.c.kind, _SIG.c.value])
                .returning(_SIG.c.id)
            )
            return (await session.execute(insert)).first() is not None

    async def signals(self, scope: str) -> list[StoredSignal]:
        return (await self.signals_for([scope]))[scope]

    async def signals_for(self, scopes: Iterable[str]) -> dict[str, list[StoredSignal]]:
        """The signals of each scope, oldest first, by scope (one query per chunk of scopes)."""
        query = select(TasteSignalRow).order_by(TasteSignalRow.id)
        async with self._begin() as session:
            rows = await rows_by_key(session, query, TasteSignalRow.scope, scopes)
        return {scope: [StoredSignal(r.scope, r.kind, r.value, r.weight, r.created_by, r.created_at) for r in found]
                for scope, found in rows.items()}

    # settings

    async def get_channel_settings(self, channel: ChannelRef) -> dict[str, Any]:
        async with self._begin() as session:
            row = await session.get(ChannelSettingsRow, channel.key)
            return dict(row.settings) if row is not None else {}

    async def channel_settings_for(self, channels: Iterable[ChannelRef]) -> dict[str, dict[str, Any]]:
        """``get_channel_settings`` of many channels at once, by channel key ({} where none are stored)."""
        async with self._begin() as session:
            rows = await rows_by_key(session, select(ChannelSettingsRow), ChannelSettingsRow.channel_key, {c.key for c in channels})
        return {key: dict(found[0].settings) if found else {} for key, found in rows.items()}

    async def save_channel_settings(self, channel: ChannelRef, settings: Mapping[str, Any]) -> None:
        values = {"channel_key": channel.key, "settings": dict(settings), "updated_at": self._clock()}
        async with self._begin() as session:
            insert = upsert_insert(session, _SET).values(values)
            await session.execute(insert.on_conflict_do_update(
                index_elements=[_SET.c.channel_key], set_={"settings": insert.excluded.settings, "updated_at": insert.excluded.updated_at}
            ))

    # member reactions and forgetting

    async def reactions_by_member(self, platform: str, workspace: str, user_id: str) -> list[Reaction]:
        """A member's reactions in every channel of one workspace/guild, oldest first."""
        prefix = f"{platform}:{workspace}:"
        query = (
            select(ReactionRow)
            .where(ReactionRow.user_id == user_id, ReactionRow.channel_key.startswith(prefix, autoescape=True))
            .order_by(ReactionRow.created_at, ReactionRow.id)
        )
        async with self._begin() as session:
            rows = list(await session.scalars(query))
        return [to_reaction(row, _channel_of(row.channel_key)) for row in rows]

    async def forget_member(self, platform: str, workspace: str, user_id: str) -> int:
        prefix = f"{platform}:{workspace}:"
        async with self._begin() as session:
            n = await rows_affected(session, delete(table_of(ReactionRow)).where(
                ReactionRow.user_id == user_id, ReactionRow.channel_key.startswith(prefix, autoescape=True)))
            n += await rows_affected(session, delete(_SIG).where(
                (_SIG.c.scope == member_scope(platform, workspace, user_id)) | (_SIG.c.created_by == user_id)
                & _SIG.c.scope.startswith(prefix, autoescape=True)))
            n += await rows_affected(session, delete(_ACT).where(  # thread replies/questions (bot.discussion)
                _ACT.c.user_id == user_id, _ACT.c.channel_key.startswith(prefix, autoescape=True)))
            return n

    async def forget_channel(self, channel: ChannelRef) -> int:
        async with self._begin() as session:
            n = await rows_affected(session, delete(table_of(ReactionRow)).where(ReactionRow.channel_key == channel.key))
            n += await rows_affected(session, delete(_SIG).where(_SIG.c.scope == channel.key))
            n += await rows_affected(session, delete(_SET).where(_SET.c.channel_key == channel.key))
            n += await rows_affected(session, delete(_ACT).where(_ACT.c.channel_key == channel.key))
            return n


def _channel_of(key: str) -> ChannelRef:
    return ChannelRef.parse(key)
