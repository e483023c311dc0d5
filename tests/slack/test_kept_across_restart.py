"""A Slack event acknowledged before its write finished survives a restart (the spool of kept events).

A write slower than Slack's deadline is acknowledged at the deadline — and Slack never sends that
event again. So before the acknowledgement it is written to the spool; when the database then
fails it and the bot is stopped before a retry succeeds, the next start on the same data directory
stores it, once. The real slack-bolt over HTTP against the fake Slack.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.domain import ChannelRef
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, reaction_event, running_slack, send_event
from tests.harness.slack_fake import TEAM
from tests.harness.store_faults import outage
from tests.harness.tally import FAULTS
from tests.harness.waiting import eventually

pytestmark = pytest.mark.faults

CH = ChannelRef("slack", TEAM, CHANNEL)


async def test_late_work_the_database_failed_is_stored_once_by_the_next_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spool = tmp_path / "paperbot.sqlite3.slack.kept-events.jsonl"
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as first:
        first.runner.slack.threads.gate.deadline = 0.3
        assert (await first.command("today 1"))[0] == 200
        ts = (await eventually(lambda: first.bot.history(CH)))[0].post.message_id
        down = outage(monkeypatch, "add_reaction", delay=0.6)  # a lock waited on, then the database is gone
        started = time.monotonic()
        assert await send_event(first, reaction_event("EvLate", ts, "fire")) == 200  # acknowledged at the deadline…
        assert time.monotonic() - started < 0.55
        assert len(spool.read_text().splitlines()) == 1  # …once it was on disk
        await eventually(lambda: first.bot.retry.pending == 1, timeout=5)  # failed, kept; the next try is 1 s away
    assert first.bot.retry.counts.lost == 0
    assert len(spool.read_text().splitlines()) == 1
    down.end()

    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as second:
        stored = await eventually(lambda: second.bot.store.reactions_for_message(CH, ts), timeout=5)
        await eventually(lambda: second.bot.retry.pending == 0)
        assert [r.emoji for r in stored] == ["🔥"] and spool.read_text() == ""
        # Slack never sends it again; were it sent, its event id would drop it
        assert await send_event(second, reaction_event("EvLate", ts, "fire"), retry=1) == 200
        assert [r.emoji for r in await second.bot.store.reactions_for_message(CH, ts)] == ["🔥"]
    FAULTS.reactions(sent=1, stored=len(stored))


async def test_late_work_that_succeeds_leaves_nothing_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spool = tmp_path / "paperbot.sqlite3.slack.kept-events.jsonl"
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        h.runner.slack.threads.gate.deadline = 0.3
        assert (await h.command("today 1"))[0] == 200
        ts = (await eventually(lambda: h.bot.history(CH)))[0].post.message_id
        real = type(h.bot.store).add_reaction

        async def slow(self: object, *args: object, **kwargs: object) -> object:
            await asyncio.sleep(0.6)
            return await real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(type(h.bot.store), "add_reaction", slow)
        assert await send_event(h, reaction_event("EvSlow", ts, "fire")) == 200
        assert len(spool.read_text().splitlines()) == 1  # held while it ran
        await eventually(lambda: h.bot.store.reactions_for_message(CH, ts))
        await eventually(lambda: spool.read_text() == "")  # applied: released
        assert h.bot.retry.pending == 0


async def test_slacks_last_redelivery_the_database_failed_is_stored_once_by_the_next_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spool = tmp_path / "paperbot.sqlite3.slack.kept-events.jsonl"
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as first:
        assert (await first.command("today 1"))[0] == 200
        ts = (await eventually(lambda: first.bot.history(CH)))[0].post.message_id
        down = outage(monkeypatch, "add_reaction")
        assert await send_event(first, reaction_event("EvLast", ts, "+1"), retry=3) == 200  # nothing follows it
        assert len(spool.read_text().splitlines()) == 1  # on disk before the acknowledgement
        await eventually(lambda: first.bot.retry.pending == 1)
    down.end()

    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as second:
        stored = await eventually(lambda: second.bot.store.reactions_for_message(CH, ts), timeout=5)
        await eventually(lambda: second.bot.retry.pending == 0)
        assert [r.emoji for r in stored] == ["👍"] and spool.read_text() == ""
    FAULTS.reactions(sent=1, stored=len(stored))
