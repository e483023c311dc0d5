"""Kept events are data: each kind round-trips through the spool's JSON line, and the core's retry
spools what the database failed, keeps it over a shutdown, and applies it once at the next start.

The real PaperBot on a real SQLite file, the real file spool; the store fails like an unreachable
database (tests.harness.store_faults).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.arxiv_ids import ArxivId
from bot.discussion.threads import ThreadMessage
from bot.domain import ChannelRef, ReactionEvent, Requester
from bot.kept import KeptEvent
from bot.usecases.feedback import Click, Control
from bot.usecases.kept_kinds import (
    click_of,
    kept_click,
    kept_handlers,
    kept_links,
    kept_reaction,
    kept_thread_message,
    links_of,
    reaction_of,
    thread_message_of,
)
from bot.usecases.links import PastedLinks
from bot.usecases.retrying import EventRetry
from storage.event_spool import FileSpool
from storage.store import SqlStore
from tests.harness.builders import record_digest
from tests.harness.platforms import FakePlatform
from tests.harness.sample import CHANNEL, NOW
from tests.harness.store_faults import outage
from tests.harness.tally import FAULTS

AT = datetime(2025, 11, 9, 11, 59, 30, tzinfo=UTC)


def through_a_line(event: KeptEvent) -> KeptEvent:
    again = KeptEvent.from_line(event.to_line())
    assert (again.id, again.kind, again.platform, again.latest) == (event.id, event.kind, event.platform, event.latest)
    return again


def test_every_kind_round_trips_through_its_json_line() -> None:
    reaction = ReactionEvent(CHANNEL, "100", "U1", "👍🏽", False, at=AT, event_id="Ev1")
    assert reaction_of(through_a_line(kept_reaction(reaction, "r", find_workspace=True)).payload) == (reaction, True)
    message = ThreadMessage(CHANNEL, "100", "U1", "what does \"it\" mean?\n<b>", True, event_id="C1/1.2",
                            root_message_id="100", message_id="101", in_thread=False)
    assert thread_message_of(through_a_line(kept_thread_message(message, "m")).payload) == message
    pasted = PastedLinks(CHANNEL, "102", "U2", (ArxivId("2511.01234", 2), ArxivId("2511.00001")), explicit=False,
                         event_id="Ev2", at=AT, in_thread=True)
    assert links_of(through_a_line(kept_links(pasted, "l")).payload) == pasted
    click = Click(CHANNEL, "100", "U3", Control.SAVE, click_id="I9", arxiv_id="2511.01234", at=AT)
    assert click_of(through_a_line(kept_click(click, "c")).payload) == click


def test_where_a_reaction_click_or_link_belongs_survives_its_json_line() -> None:
    """A reaction, click or link kept for a retry in a forum post must still count for the forum when applied."""
    post, forum = replace(CHANNEL, channel="post-7"), CHANNEL
    reaction = ReactionEvent(post, "100", "U1", "👍", True, at=AT, belongs_to=forum)
    assert reaction_of(through_a_line(kept_reaction(reaction, "r")).payload) == (reaction, False)
    click = Click(post, "100", "U3", Control.UP, click_id="I9", belongs_to=forum)
    assert click_of(through_a_line(kept_click(click, "c")).payload) == click
    pasted = PastedLinks(post, "102", "U2", (ArxivId("2511.01234"),), explicit=False, event_id="Ev3", at=AT,
                         in_thread=True, belongs_to=forum)
    assert links_of(through_a_line(kept_links(pasted, "l")).payload) == pasted


def test_a_link_event_kept_before_belongs_to_was_written_still_loads() -> None:
    pasted = PastedLinks(CHANNEL, "102", "U2", (ArxivId("2511.01234"),), explicit=False, event_id="Ev3", at=AT)
    older = {k: v for k, v in kept_links(pasted, "l").payload.items() if k != "belongs_to"}
    assert links_of(older) == pasted


async def posted(bot: PaperBot) -> None:
    digest = (await bot.handle(Requester(CHANNEL, "U-member"), "today 2")).digest  # type: ignore[attr-defined]
    await record_digest(bot.store, CHANNEL, digest, ["100", "101"])


async def applied(bot: PaperBot) -> None:
    for _ in range(200):
        if not bot.retry.pending:
            return
        await asyncio.sleep(0.02)


def spooled_bot(store: SqlStore, path: Path) -> PaperBot:
    return PaperBot(store, clock=lambda: NOW, spool=FileSpool(path))


async def test_a_reaction_the_database_failed_is_kept_over_a_shutdown_and_stored_once_at_the_next_start(
        bot: PaperBot, store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    await posted(bot)
    path = tmp_path / "kept.jsonl"
    first = spooled_bot(store, path)
    first.retry.delays = (0.05,)
    down = outage(monkeypatch, "add_reaction")  # for longer than this run
    event = kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍", True, at=AT), "reaction +👍 on 100")
    assert not await first.keep_for_retry(event)
    assert first.retry.is_kept(event) and len(path.read_text().splitlines()) == 1  # on disk before the retry
    caplog.set_level(logging.INFO)
    await first.close()
    assert "1 events not applied yet are kept for the next start" in caplog.text
    assert "were still waiting" not in caplog.text and first.retry.counts.lost == 0
    down.end()  # the database is back

    second = spooled_bot(store, path)
    assert second.retry.pending == 1  # waits for its platform
    second.retry.serve("slack", FakePlatform("slack"))
    await applied(second)
    stored = await store.reactions_for_channel(CHANNEL)
    assert [(r.user_id, r.emoji, r.created_at) for r in stored] == [("U1", "👍", AT)]  # once, with the time it came
    assert second.retry.counts.applied_later == 1 and path.read_text() == ""
    await second.close()
    FAULTS.reactions(sent=1, stored=len(stored))

    # a replay whose done mark a crash lost: applying it again stores nothing more
    assert await bot.keep_for_retry(replace(event, id="again"))
    assert len(await store.reactions_for_channel(CHANNEL)) == 1


async def test_a_removal_overrules_an_add_whose_retries_are_over_in_the_spool_too(
        bot: PaperBot, store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await posted(bot)
    path = tmp_path / "kept.jsonl"
    first = spooled_bot(store, path)
    first.retry.delays = (0.01,)
    down = outage(monkeypatch, "add_reaction")
    await first.keep_for_retry(kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "🔥", True), "add"))
    await applied(first)  # given up for now, left in the spool
    assert await first.keep_for_retry(kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "🔥", False), "remove"))
    assert path.read_text() == ""  # the removal (applied at once) decides: nothing to replay
    await first.close()
    down.end()


async def test_of_a_kept_add_and_its_later_removal_only_the_removal_counts_after_a_restart(
        bot: PaperBot, store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await posted(bot)
    await bot.on_reaction(ReactionEvent(CHANNEL, "101", "U1", "🔥", True))
    path = tmp_path / "kept.jsonl"
    first = spooled_bot(store, path)
    down = outage(monkeypatch, "add_reaction", "remove_reaction")
    add = kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "🔥", True), "add")
    remove = kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "🔥", False), "remove")
    await first.keep_for_retry(add)
    assert first.retry.is_kept(add)
    await first.keep_for_retry(remove)
    assert not first.retry.is_kept(add) and first.retry.is_kept(remove)  # the removal decides
    await first.close()
    down.end()
    second = spooled_bot(store, path)
    assert second.retry.pending == 1  # the add was dropped from the spool too
    second.retry.serve("slack", FakePlatform("slack"))
    await applied(second)
    assert [(r.message_id, r.emoji) for r in await store.reactions_for_channel(CHANNEL)] == [("101", "🔥")]
    await second.close()


async def test_without_a_spool_what_waits_at_shutdown_is_lost_and_counted(
        bot: PaperBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    await posted(bot)
    outage(monkeypatch, "add_reaction")
    assert not await bot.keep_for_retry(kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍", True), "r"))
    await bot.close()
    assert bot.retry.counts.lost == 1 and "1 events were still waiting for a retry at shutdown" in caplog.text


async def test_a_full_spool_loses_the_event_with_a_logged_count(
        bot: PaperBot, store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    await posted(bot)
    full = PaperBot(store, clock=lambda: NOW, spool=FileSpool(tmp_path / "kept.jsonl", max_events=1))
    outage(monkeypatch, "add_reaction")
    await full.keep_for_retry(kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍", True), "first"))
    await full.keep_for_retry(kept_reaction(ReactionEvent(CHANNEL, "100", "U2", "👍", True), "second"))
    assert full.retry.counts.lost == 1 and "second is lost: the spool of kept events is full" in caplog.text
    await full.close()
    assert full.retry.counts.lost == 1  # the first one stays kept


async def test_a_dm_reaction_gets_its_workspace_from_the_stored_post(bot: PaperBot, store: SqlStore) -> None:
    await posted(bot)
    unnamed = ChannelRef(CHANNEL.platform, "dm", CHANNEL.channel)
    event = kept_reaction(ReactionEvent(unnamed, "100", "U1", "👍", True), "dm reaction", find_workspace=True)
    assert await bot.keep_for_retry(event)
    assert [r.user_id for r in await store.reactions_for_channel(CHANNEL)] == ["U1"]


async def test_an_event_that_does_not_decode_is_refused_not_retried(bot: PaperBot) -> None:
    broken = KeptEvent("reaction", "slack", {"channel": {"platform": "slack"}}, "edited by hand")
    assert not await bot.keep_for_retry(broken)
    assert not bot.retry.is_kept(broken)


async def test_after_the_last_try_a_spooled_event_stays_kept_and_a_week_old_one_is_given_up(
        bot: PaperBot, store: SqlStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    await posted(bot)
    path = tmp_path / "kept.jsonl"
    first = spooled_bot(store, path)
    first.retry.delays = (0.01, 0.01)
    down = outage(monkeypatch, "add_reaction")
    event = kept_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍", True), "reaction +👍 on 100")
    await first.keep_for_retry(event)
    await applied(first)  # the retries are over
    assert "still fails after 2 tries over 0 s; it is kept for the next start" in caplog.text
    assert first.retry.counts.lost == 0 and len(path.read_text().splitlines()) == 1
    await first.close()
    assert "1 events not applied yet are kept for the next start" in caplog.text
    down.end()

    later = EventRetry(kept_handlers(bot), spool=FileSpool(path))  # the next start: it waits for its platform
    assert later.pending == 1
    await later.close()
    week_later = EventRetry(kept_handlers(bot), spool=FileSpool(path), kept_for=0.0)  # a start that finds it too old
    assert week_later.pending == 0 and week_later.counts.lost == 1
    assert "reaction +👍 on 100 is lost: kept since" in caplog.text
    await week_later.close()
    assert path.read_text() == ""
