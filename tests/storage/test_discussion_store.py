"""Store contract: discussion threads, thread activity (deduped by event id), thread mode, forgetting."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.discussion.threads import ActivityKind, ThreadActivity, ThreadMode, ThreadRecord
from bot.errors import NotFoundError
from storage.store import SqlStore
from tests.harness.builders import CHANNEL, NOON, OTHER_CHANNEL, paper

A, B, C = "2511.00001", "2511.00002", "2511.00003"


@pytest.fixture
async def papers(store: SqlStore) -> SqlStore:
    await store.upsert_papers([paper(A), paper(B), paper(C)])
    return store


def thread(arxiv_id: str, thread_id: str = "t1", *, root: str = "m1", channel=CHANNEL) -> ThreadRecord:
    return ThreadRecord(channel, root, thread_id, arxiv_id, NOON)


def activity(arxiv_id: str, *, user: str = "U1", event: str | None = "e1", channel=CHANNEL, thread_id: str = "t1",
             kind: ActivityKind = ActivityKind.REPLY, minutes: int = 0) -> ThreadActivity:
    return ThreadActivity(channel, thread_id, arxiv_id, user, kind, NOON + timedelta(minutes=minutes), event)


async def test_threads_map_by_thread_id_or_root_message(papers: SqlStore) -> None:
    await papers.record_threads([thread(A, "t1", root="m1"), thread(B, "t1", root="m1"), thread(C, "t2", root="m2")])
    await papers.record_threads([thread(A, "t1", root="m1")])  # idempotent
    assert [t.arxiv_id for t in await papers.threads_for(CHANNEL, "t1")] == [A, B]
    assert [t.arxiv_id for t in await papers.threads_for(CHANNEL, "m2")] == [C]  # by root message
    assert await papers.threads_for(OTHER_CHANNEL, "t1") == []
    assert await papers.threads_for(CHANNEL, "nope") == []
    found = (await papers.threads_of_paper(CHANNEL, C))[0]
    assert (found.thread_id, found.root_message_id, found.opened_at) == ("t2", "m2", NOON)


async def test_a_thread_of_an_unknown_paper_is_refused(papers: SqlStore) -> None:
    with pytest.raises(NotFoundError, match="2511.99999"):
        await papers.record_threads([thread("2511.99999")])


async def test_activity_is_deduped_by_event_id(papers: SqlStore) -> None:
    assert await papers.add_thread_activity([activity(A), activity(B)]) is True
    assert await papers.add_thread_activity([activity(A), activity(B)]) is False  # a retried delivery
    assert await papers.add_thread_activity([activity(A, event=None)]) is True
    assert await papers.add_thread_activity([activity(A, event=None)]) is True  # no id: nothing to dedupe by
    assert await papers.add_thread_activity([activity(A, event="e2", user="U2", kind=ActivityKind.QUESTION, minutes=5)])
    rows = await papers.thread_activity_for_channel(CHANNEL)
    assert len(rows) == 5
    assert rows[-1].kind is ActivityKind.QUESTION and rows[-1].user_id == "U2" and rows[-1].at == NOON + timedelta(minutes=5)


async def test_member_activity_spans_the_workspace_only(papers: SqlStore) -> None:
    same_workspace = CHANNEL.__class__(CHANNEL.platform, CHANNEL.workspace, "C2")
    await papers.add_thread_activity([activity(A, event="e1")])
    await papers.add_thread_activity([activity(B, event="e2", channel=same_workspace)])
    await papers.add_thread_activity([activity(C, event="e3", channel=OTHER_CHANNEL)])
    await papers.add_thread_activity([activity(C, event="e4", user="U2")])
    mine = await papers.thread_activity_by_member(CHANNEL.platform, CHANNEL.workspace, "U1")
    assert [(a.arxiv_id, a.channel) for a in mine] == [(A, CHANNEL), (B, same_workspace)]


async def test_thread_mode_round_trips(papers: SqlStore) -> None:
    assert await papers.get_thread_mode(CHANNEL) is None
    await papers.save_thread_mode(CHANNEL, ThreadMode.FIRST_REPLY)
    await papers.save_thread_mode(CHANNEL, ThreadMode.NEVER)
    assert await papers.get_thread_mode(CHANNEL) is ThreadMode.NEVER
    assert await papers.get_thread_mode(OTHER_CHANNEL) is None


async def test_forgetting_erases_activity(papers: SqlStore) -> None:
    await papers.add_thread_activity([activity(A, event="e1"), activity(B, event="e1")])
    await papers.add_thread_activity([activity(A, event="e2", user="U2")])
    await papers.add_thread_activity([activity(A, event="e3", channel=OTHER_CHANNEL)])
    assert await papers.forget_member(CHANNEL.platform, CHANNEL.workspace, "U1") == 2
    assert [a.user_id for a in await papers.thread_activity_for_channel(CHANNEL)] == ["U2"]
    assert len(await papers.thread_activity_for_channel(OTHER_CHANNEL)) == 1  # another workspace: kept
    assert await papers.forget_channel(CHANNEL) == 1
    assert await papers.thread_activity_for_channel(CHANNEL) == []
