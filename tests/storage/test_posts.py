"""Store contract: posts — idempotent recording, per message, per channel, newest first, numbering."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import ChannelRef, Post, PostKind
from bot.errors import NotFoundError
from storage.store import SqlStore
from tests.harness.builders import CHANNEL, DAY, NOON, OTHER_CHANNEL, paper, post


@pytest.fixture
async def papers(store: SqlStore) -> list[str]:
    ids = ["2511.00001", "2511.00002", "2511.00003", "2511.00004"]
    await store.upsert_papers([paper(i) for i in ids])
    return ids


async def test_record_posts_is_idempotent_and_round_trips(store: SqlStore, papers: list[str]) -> None:
    digest = [post(papers[0], "m1", position=0, kind=PostKind.SCHEDULED), post(papers[1], "m1", position=1, kind=PostKind.SCHEDULED)]
    await store.record_posts(digest)
    await store.record_posts(digest)  # a retry stores nothing twice
    await store.record_posts([])
    got = await store.posts_for_message(CHANNEL, "m1")
    assert got == digest
    assert all(type(p) is Post and p.kind is PostKind.SCHEDULED and p.digest_day == DAY for p in got)
    assert len(await store.recent_posts(CHANNEL, 100)) == 2


async def test_posts_for_message_are_by_position(store: SqlStore, papers: list[str]) -> None:
    await store.record_posts([post(papers[2], "m1", position=2), post(papers[0], "m1", position=0), post(papers[1], "m1", position=1)])
    await store.record_posts([post(papers[3], "m2")])
    assert [p.arxiv_id for p in await store.posts_for_message(CHANNEL, "m1")] == papers[:3]
    assert await store.posts_for_message(CHANNEL, "nope") == []
    assert await store.posts_for_message(OTHER_CHANNEL, "m1") == []


async def test_the_workspace_of_a_message_is_found_without_it(store: SqlStore, papers: list[str]) -> None:
    """A Discord DM reaction names no guild: the stored post says which guild its digest was for."""
    dm_a, dm_b = ChannelRef("discord", "G1", "900"), ChannelRef("discord", "G2", "900")  # one DM channel, two guilds
    await store.record_posts([post(papers[0], "m1", channel=dm_a), post(papers[1], "m2", channel=dm_b)])
    assert await store.workspace_of_message("discord", "900", "m1") == "G1"
    assert await store.workspace_of_message("discord", "900", "m2") == "G2"
    assert await store.workspace_of_message("discord", "900", "m3") is None
    assert await store.workspace_of_message("slack", "900", "m1") is None


async def test_posted_paper_ids_are_per_channel(store: SqlStore, papers: list[str]) -> None:
    assert await store.posted_paper_ids(CHANNEL) == set()
    await store.record_posts([post(papers[0], "m1"), post(papers[1], "m2", kind=PostKind.SCHEDULED), post(papers[0], "m3")])
    await store.record_posts([post(papers[2], "m1", channel=OTHER_CHANNEL)])
    assert await store.posted_paper_ids(CHANNEL) == {papers[0], papers[1]}
    assert await store.posted_paper_ids(OTHER_CHANNEL) == {papers[2]}


async def test_recent_posts_are_newest_first_and_limited(store: SqlStore, papers: list[str]) -> None:
    await store.record_posts([post(papers[0], "m1", posted_at=NOON)])
    await store.record_posts([post(papers[1], "m3", posted_at=NOON + timedelta(hours=2))])
    await store.record_posts([post(papers[2], "m2", posted_at=NOON + timedelta(hours=1))])
    await store.record_posts([post(papers[3], "x", posted_at=NOON + timedelta(hours=5), channel=OTHER_CHANNEL)])
    recent = await store.recent_posts(CHANNEL)
    assert [p.message_id for p in recent] == ["m3", "m2", "m1"]
    assert [p.message_id for p in await store.recent_posts(CHANNEL, limit=2)] == ["m3", "m2"]
    assert recent[0].posted_at == NOON + timedelta(hours=2)


async def test_posted_at_defaults_to_now(store: SqlStore, papers: list[str]) -> None:
    await store.record_posts([post(papers[0], "m1", posted_at=None)])
    (got,) = await store.posts_for_message(CHANNEL, "m1")
    assert got.posted_at is not None and got.posted_at.utcoffset() == timedelta(0)


async def test_next_message_number_ignores_non_numeric_ids(store: SqlStore, papers: list[str]) -> None:
    assert await store.next_message_number(CHANNEL) == 1
    await store.record_posts([post(papers[0], "3"), post(papers[1], "12"), post(papers[2], "1700000000.123456")])
    await store.record_posts([post(papers[3], "abc"), post(papers[3], "99x"), post(papers[3], "")])
    await store.record_posts([post(papers[0], "500", channel=OTHER_CHANNEL)])
    assert await store.next_message_number(CHANNEL) == 13  # 12 beats 3 numerically, not as text
    assert await store.next_message_number(OTHER_CHANNEL) == 501


async def test_posting_an_unknown_paper_is_refused_and_stores_nothing(store: SqlStore, papers: list[str]) -> None:
    with pytest.raises(NotFoundError, match="2511.99999"):
        await store.record_posts([post(papers[0], "m1"), post("2511.99999", "m1", position=1)])
    assert await store.posts_for_message(CHANNEL, "m1") == []
