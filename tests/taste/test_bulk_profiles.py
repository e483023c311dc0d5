"""A planning pass loads many channels' profiles at once: the bulk reads give exactly what the
one-channel reads give (SQLite and PostgreSQL), and so do the profiles built from them."""
from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from bot.discussion.threads import ActivityKind, ThreadActivity
from bot.domain import ChannelRef, Post, Reaction
from bot.taste.model import AUTHOR, LIKE, TOPIC, StoredSignal
from bot.usecases.taste import TasteUseCases
from storage.store import SqlStore
from tests.harness.builders import paper
from tests.harness.embedders import HashEmbedder

C1, C2, QUIET = (ChannelRef("slack", "T1", c) for c in ("C1", "C2", "C3"))
AT = datetime(2025, 11, 7, 12, tzinfo=UTC)
IDS = [f"2511.0000{i}" for i in range(1, 6)]


async def fill(store: SqlStore) -> None:
    await store.upsert_papers([paper(i, title=f"Paper about topic {n}", abstract=f"words {n} " * 5) for n, i in enumerate(IDS)])
    await store.record_posts([Post(C1, "m1", IDS[0]), Post(C1, "m1", IDS[1]), Post(C2, "m2", IDS[2])])
    for channel, message, arxiv_id, user, emoji in ((C1, "m1", IDS[0], "U1", "👍"), (C1, "m1", IDS[1], "U2", "👎"),
                                                    (C1, "m1", IDS[0], "U3", "🤷"), (C2, "m2", IDS[2], "U1", "🔥")):
        await store.add_reaction(Reaction(channel, message, arxiv_id, user, emoji, created_at=AT))
    for signal in (StoredSignal(C1.key, TOPIC, "diffusion models", 1.0, "U1", AT), StoredSignal(C1.key, LIKE, IDS[3], 1.0, "U1", AT),
                   StoredSignal(C2.key, AUTHOR, "Ada Lovelace", 1.0, "U2", AT), StoredSignal(C2.key, LIKE, "2511.99999", 1.0, "U2", AT)):
        await store.add_signal(signal)
    await store.add_thread_activity([ThreadActivity(C2, "t1", IDS[4], "U5", ActivityKind.REPLY, AT, "e1")])
    await store.save_channel_settings(C1, {"trending": 0.1, "exclude_keywords": ["survey"]})


async def test_bulk_reads_match_the_one_channel_reads(store: SqlStore) -> None:
    await fill(store)
    channels = [C1, C2, QUIET]
    reactions = await store.reactions_for_channels(channels)
    signals = await store.signals_for([c.key for c in channels])
    activity = await store.thread_activity_for_channels(channels)
    settings = await store.channel_settings_for(channels)
    rated = await store.rated_for_channels(channels)
    for c in channels:
        assert reactions[c.key] == await store.reactions_for_channel(c)
        assert rated[c.key] == [(r.arxiv_id, r.emoji, r.created_at) for r in reactions[c.key]]
        assert signals[c.key] == await store.signals(c.key)
        assert activity[c.key] == await store.thread_activity_for_channel(c)
        assert settings[c.key] == await store.get_channel_settings(c)
    assert reactions[QUIET.key] == signals[QUIET.key] == activity[QUIET.key] == [] and settings[QUIET.key] == {}
    # what was stored, read independently of how the one-channel reads are built
    assert [(r.arxiv_id, r.user_id, r.emoji) for r in reactions[C1.key]] == [
        (IDS[0], "U1", "👍"), (IDS[1], "U2", "👎"), (IDS[0], "U3", "🤷")]
    assert [(r.arxiv_id, r.emoji, r.channel) for r in reactions[C2.key]] == [(IDS[2], "🔥", C2)]
    assert [(s.kind, s.value) for s in signals[C1.key]] == [(TOPIC, "diffusion models"), (LIKE, IDS[3])]
    assert [(s.kind, s.value) for s in signals[C2.key]] == [(AUTHOR, "Ada Lovelace"), (LIKE, "2511.99999")]
    assert [(a.arxiv_id, a.user_id, a.kind) for a in activity[C2.key]] == [(IDS[4], "U5", ActivityKind.REPLY)]
    assert activity[C1.key] == [] and settings[C1.key] == {"trending": 0.1, "exclude_keywords": ["survey"]}
    found = await store.get_papers([IDS[0], IDS[0], "2511.99999"])
    assert list(found) == [IDS[0]] and found[IDS[0]] == await store.get_paper(IDS[0])


async def test_profiles_loaded_together_equal_profiles_loaded_one_by_one(store: SqlStore) -> None:
    await fill(store)
    taste = TasteUseCases(store, HashEmbedder(), clock=lambda: AT)
    together = await taste.channel_profiles([C1, C2, QUIET])
    settings = await taste.settings_for([C1, C2, QUIET])
    for c in (C1, C2, QUIET):
        alone = await taste.channel_profile(c)
        assert [(s.kind, s.label, s.weight, s.at, s.arxiv_id) for s in together[c.key].signals] == \
               [(s.kind, s.label, s.weight, s.at, s.arxiv_id) for s in alone.signals]
        for a, b in zip(together[c.key].signals, alone.signals):
            np.testing.assert_array_equal(a.vector, b.vector)
        assert settings[c.key] == await taste.settings(c)
    assert [(s.kind, s.arxiv_id, s.weight) for s in together[C1.key].signals] == [  # 🤷 is not in the emoji table
        ("reaction", IDS[0], 1.0), ("reaction", IDS[1], -1.0), ("topic", None, 1.0), ("like", IDS[3], 1.0)]
    assert [(s.kind, s.arxiv_id) for s in together[C2.key].signals] == [  # the like of an unknown paper is left out
        ("reaction", IDS[2]), ("reaction", IDS[4]), ("author", None)]
    assert together[QUIET.key].empty and settings[C1.key].trending == 0.1
