"""A Discord event the database failed survives a restart: kept in the spool, applied once by the next start.

Discord never delivers a gateway event again. The real discord.py against the fake Discord: a
reaction (and a question in a thread) arrives while the database is away, the bot is stopped while
it still waits for its retry, the database comes back, and a new bot on the same data directory
applies it exactly once when it logs in.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.discussion.threads import ActivityKind
from bot.domain import ChannelRef, Paper
from tests.harness.discord_fake import BOT_ID, CHANNEL_ID, GUILD_ID, OTHER_USER, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import post_paper, start_running
from tests.harness.store_faults import outage
from tests.harness.tally import FAULTS
from tests.harness.waiting import eventually

pytestmark = pytest.mark.faults

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
PAPER = Paper(
    arxiv_id="2511.99003", title="Kept events for chat bots",
    abstract="We keep events on disk. KeepLog loses none of 10000 events across restarts. Code is released.",
    authors=("Grace Hopper",), announced_on=date(2025, 11, 8), sources=frozenset({"sample"}),
)


async def test_a_reaction_kept_when_the_bot_stopped_is_stored_once_by_the_next_start(
        fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as first:
        message_id = await post_paper(first, PAPER)
        down = outage(monkeypatch, "add_reaction")
        await fake.react(message_id, "👍", author_id=BOT_ID)
        await eventually(lambda: first.bot.retry.pending == 1)  # tried once, kept: the next try is 1 s away
    assert first.bot.retry.counts.lost == 0  # stopped: kept for the next start, not lost
    spool = tmp_path / "paperbot.sqlite3.discord.kept-events.jsonl"
    assert len(spool.read_text().splitlines()) == 1
    down.end()  # the database is back

    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as second:
        await eventually(lambda: second.bot.store.reactions_for_message(CHANNEL, message_id))
        await eventually(lambda: second.bot.retry.pending == 0)
        reactions = await second.bot.store.reactions_for_message(CHANNEL, message_id)
        assert [(r.emoji, r.user_id, r.arxiv_id) for r in reactions] == [("👍", OTHER_USER, PAPER.arxiv_id)]
        assert second.bot.retry.counts.applied_later == 1 and spool.read_text() == ""
    FAULTS.reactions(sent=1, stored=len(reactions))


async def test_a_question_kept_when_the_bot_stopped_is_answered_once_by_the_next_start(
        fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as first:
        thread = await post_paper(first, PAPER)
        await eventually(lambda: first.bot.store.threads_for(CHANNEL, thread))
        await eventually(lambda: len(fake.in_channel(thread)) == 1)  # the opening
        down = outage(monkeypatch, "add_thread_activity")
        await fake.say(thread, f"<@{BOT_ID}> how many events does KeepLog lose?", mentions=(BOT_ID,))
        await eventually(lambda: first.bot.retry.pending == 1)
    down.end()

    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as second:
        await eventually(lambda: len(fake.in_channel(thread)) == 2)
        await eventually(lambda: second.bot.retry.pending == 0)
        answers = fake.in_channel(thread)[1:]
        activity = await second.bot.store.thread_activity_for_channel(CHANNEL)
        assert len(answers) == 1 and PAPER.arxiv_id in answers[0]["content"]
        assert [a.kind for a in activity] == [ActivityKind.QUESTION]
