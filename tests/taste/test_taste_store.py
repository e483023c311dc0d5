"""Taste persistence on SQLite and PostgreSQL: vectors per model, signals, settings, forget."""
from __future__ import annotations

import numpy as np

from bot.domain import ChannelRef, Post, Reaction
from bot.taste.model import LIKE, TOPIC, StoredSignal, member_scope
from storage.store import SqlStore
from tests.harness.builders import paper

C1 = ChannelRef("slack", "T1", "C1")
C2 = ChannelRef("slack", "T1", "C2")
OTHER = ChannelRef("slack", "T2", "C1")


async def test_vectors_are_kept_per_model_and_never_mixed(store: SqlStore) -> None:
    await store.upsert_papers([paper("2511.00001"), paper("2511.00002")])
    v = np.arange(4, dtype=np.float32)
    await store.save_embeddings("model-a", {"2511.00001": v, "2511.00002": v + 1})
    await store.save_embeddings("model-b", {"2511.00001": np.ones(8, dtype=np.float32)})
    a = await store.embeddings("model-a")
    assert set(a) == {"2511.00001", "2511.00002"} and a["2511.00001"].dtype == np.float32
    np.testing.assert_array_equal(a["2511.00002"], v + 1)
    assert set(await store.embeddings("model-b", ["2511.00001", "2511.00002"])) == {"2511.00001"}
    assert [p.arxiv_id for p in await store.papers_without_embedding("model-b")] == ["2511.00002"]
    assert await store.delete_embeddings_except("model-b") == 2
    assert await store.count_embeddings() == 1
    await store.save_embeddings("model-b", {"2511.00001": np.zeros(8, dtype=np.float32)})  # re-embedding replaces
    assert await store.count_embeddings("model-b") == 1


async def _react(store: SqlStore, channel: ChannelRef, arxiv_id: str, user: str, emoji: str = "👍") -> None:
    await store.record_posts([Post(channel, "m1", arxiv_id)])
    await store.add_reaction(Reaction(channel, "m1", arxiv_id, user, emoji))


async def test_member_reactions_span_the_workspace_only(store: SqlStore) -> None:
    await store.upsert_papers([paper("2511.00001")])
    await _react(store, C1, "2511.00001", "U1")
    await _react(store, C2, "2511.00001", "U1")
    await _react(store, OTHER, "2511.00001", "U1")
    await _react(store, C1, "2511.00001", "U2")
    mine = await store.reactions_by_member("slack", "T1", "U1")
    assert sorted(r.channel.key for r in mine) == [C1.key, C2.key]


async def test_forget_leaves_nothing_behind(store: SqlStore) -> None:
    await store.upsert_papers([paper("2511.00001")])
    await _react(store, C1, "2511.00001", "U1")
    await _react(store, C1, "2511.00001", "U2")
    await store.add_signal(StoredSignal(member_scope("slack", "T1", "U1"), LIKE, "2511.00001"))
    await store.add_signal(StoredSignal(C1.key, TOPIC, "robotics", created_by="U1"))
    await store.add_signal(StoredSignal(C1.key, TOPIC, "graphics", created_by="U2"))
    assert not await store.add_signal(StoredSignal(C1.key, TOPIC, "graphics", created_by="U2"))  # idempotent
    await store.save_channel_settings(C1, {"trending": 0.5})

    assert await store.forget_member("slack", "T1", "U1") == 3
    assert await store.reactions_by_member("slack", "T1", "U1") == []
    assert await store.signals(member_scope("slack", "T1", "U1")) == []
    assert [s.value for s in await store.signals(C1.key)] == ["graphics"]

    assert await store.forget_channel(C1) == 3
    assert await store.reactions_for_channel(C1) == []
    assert await store.signals(C1.key) == []
    assert await store.get_channel_settings(C1) == {}
