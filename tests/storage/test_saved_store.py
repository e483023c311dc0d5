"""Store contract: a member's 🔖 papers — each paper once, newest first, paged, in one workspace only."""
from __future__ import annotations

from datetime import timedelta

from bot.domain import ChannelRef
from storage.store import SqlStore
from tests.harness.builders import CHANNEL, NOON, paper, post, reaction

A, B, C, D = "2511.00001", "2511.00002", "2511.00003", "2511.00004"
SAVE = "🔖"
SAME_WORKSPACE = ChannelRef("slack", "T1", "C2")
OTHER_WORKSPACE = ChannelRef("slack", "T2", "C1")


async def _posted(store: SqlStore) -> None:
    await store.upsert_papers([paper(A, authors=("Ada Lovelace",)), paper(B), paper(C), paper(D)])
    await store.record_posts([post(A, "m1", position=0), post(B, "m1", position=1), post(C, "m2"), post(D, "m3"),
                              post(A, "m9", channel=SAME_WORKSPACE), post(D, "m9", channel=OTHER_WORKSPACE)])


async def test_saved_papers_newest_first_each_once_with_the_paper(store: SqlStore) -> None:
    await _posted(store)
    for r in [reaction(A, "m1", emoji=SAVE, at=NOON),
              reaction(C, "m2", emoji=SAVE, at=NOON + timedelta(hours=1)),
              reaction(A, "m9", emoji=SAVE, channel=SAME_WORKSPACE, at=NOON + timedelta(hours=2)),  # A again, later
              reaction(B, "m1", emoji="👍", at=NOON + timedelta(hours=3)),  # not a save
              reaction(D, "m3", emoji=SAVE, user="U2", at=NOON + timedelta(hours=4)),  # someone else's
              reaction(D, "m9", emoji=SAVE, channel=OTHER_WORKSPACE, at=NOON + timedelta(hours=5))]:  # other workspace
        assert await store.add_reaction(r)
    got = await store.papers_reacted_by("slack", "T1", "U1", SAVE)
    assert [(p.arxiv_id, at) for p, at in got] == [(A, NOON + timedelta(hours=2)), (C, NOON + timedelta(hours=1))]
    assert got[0][0].authors == ("Ada Lovelace",) and got[0][0].title == f"Paper {A}"
    assert got[0][1].tzinfo is not None  # an aware UTC time on both backends
    assert await store.count_papers_reacted_by("slack", "T1", "U1", SAVE) == 2
    assert [p.arxiv_id for p, _ in await store.papers_reacted_by("slack", "T2", "U1", SAVE)] == [D]
    assert await store.papers_reacted_by("slack", "T1", "U3", SAVE) == []
    assert await store.count_papers_reacted_by("slack", "T1", "U3", SAVE) == 0


async def test_pages_and_removal(store: SqlStore) -> None:
    await _posted(store)
    for n, (arxiv_id, message) in enumerate([(A, "m1"), (B, "m1"), (C, "m2"), (D, "m3")]):
        assert await store.add_reaction(reaction(arxiv_id, message, emoji=SAVE, at=NOON + timedelta(minutes=n)))
    page = lambda offset: store.papers_reacted_by("slack", "T1", "U1", SAVE, limit=3, offset=offset)
    assert [p.arxiv_id for p, _ in await page(0)] == [D, C, B]
    assert [p.arxiv_id for p, _ in await page(3)] == [A]
    assert await page(4) == []
    assert await store.remove_reaction(CHANNEL, "m2", "U1", SAVE) == 1  # unsave C
    assert [p.arxiv_id for p, _ in await store.papers_reacted_by("slack", "T1", "U1", SAVE)] == [D, B, A]


async def test_a_workspace_prefix_is_not_a_pattern(store: SqlStore) -> None:
    """``_`` and ``%`` in a workspace id are literal: T_ does not match T1's saves."""
    await _posted(store)
    assert await store.add_reaction(reaction(A, "m1", emoji=SAVE))
    assert await store.papers_reacted_by("slack", "T_", "U1", SAVE) == []
    assert await store.papers_reacted_by("slack", "%", "U1", SAVE) == []
