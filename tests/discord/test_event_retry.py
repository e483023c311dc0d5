"""Discord never delivers a gateway event again: one the database could not take is kept and retried.

The real discord.py against the fake Discord; the store's write fails for the first few calls (as a
briefly unreachable database does: ``StoreUnavailableError``), and the bot's EventRetry is given
short delays. A reaction is then stored exactly once, a later removal of it wins over a retried
add, and a question asked in a thread meanwhile is answered exactly once.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.discussion.threads import ActivityKind
from bot.domain import ChannelRef, Paper
from bot.errors import StoreUnavailableError
from storage.store import SqlStore
from tests.harness.discord_fake import BOT_ID, CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, post_paper, start_running
from tests.harness.tally import FAULTS
from tests.harness.waiting import eventually

pytestmark = pytest.mark.faults

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
SHORT = (0.05, 0.1, 0.2, 0.4)
PAPER = Paper(
    arxiv_id="2511.99002", title="Sparse routing for retrieval",
    abstract="We introduce SparseRoute. SparseRoute reduces latency by 38 percent. Code is released.",
    authors=("Ada Lovelace",), announced_on=date(2025, 11, 8), sources=frozenset({"sample"}),
)


def failing_first(monkeypatch: pytest.MonkeyPatch, method: str, times: int) -> list[int]:
    """``SqlStore.<method>`` raises StoreUnavailableError for its first ``times`` calls; the list counts calls."""
    real: Callable[..., Awaitable[Any]] = getattr(SqlStore, method)
    calls: list[int] = []

    async def flaky(self: SqlStore, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= times:
            raise StoreUnavailableError("The database cannot be reached right now (connection refused).")
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(SqlStore, method, flaky)
    FAULTS.injected(times)
    return calls


@pytest.fixture
async def retrying(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as started:
        started.bot.retry.delays = SHORT
        yield started


async def test_a_reaction_while_the_database_is_away_is_stored_once_after_the_retry(
        retrying: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    fake, store = retrying.fake, retrying.bot.store
    message_id = await post_paper(retrying, PAPER)
    calls = failing_first(monkeypatch, "add_reaction", 2)

    await fake.react(message_id, "👍", author_id=BOT_ID)
    await eventually(lambda: store.reactions_for_message(CHANNEL, message_id))
    await eventually(lambda: retrying.bot.retry.pending == 0)
    reactions = await store.reactions_for_message(CHANNEL, message_id)
    FAULTS.reactions(sent=1, stored=len(reactions))
    assert [(r.emoji, r.arxiv_id) for r in reactions] == [("👍", PAPER.arxiv_id)]
    assert len(calls) == 3 and retrying.bot.retry.counts.applied_later == 1 and retrying.bot.retry.counts.lost == 0


async def test_a_removal_after_a_kept_add_wins(retrying: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """Add (the database fails it, kept), then remove (applied now): the retried add must not bring it back."""
    fake, store = retrying.fake, retrying.bot.store
    message_id = await post_paper(retrying, PAPER)
    retrying.bot.retry.delays = (0.3, 0.3)  # the removal comes before the add's retry
    failing_first(monkeypatch, "add_reaction", 1)

    await fake.react(message_id, "🔥", author_id=BOT_ID)
    await eventually(lambda: retrying.bot.retry.pending == 1)
    await fake.react(message_id, "🔥", added=False)
    await eventually(lambda: retrying.bot.retry.pending == 0)
    assert await store.reactions_for_message(CHANNEL, message_id) == []  # added then removed: none remains


async def test_a_question_in_a_thread_while_the_database_is_away_is_answered_once(
        retrying: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    fake, store = retrying.fake, retrying.bot.store
    thread = await post_paper(retrying, PAPER)
    await eventually(lambda: store.threads_for(CHANNEL, thread))
    await eventually(lambda: len(fake.in_channel(thread)) == 1)  # the opening
    calls = failing_first(monkeypatch, "add_thread_activity", 2)

    await fake.say(thread, f"<@{BOT_ID}> how much does SparseRoute reduce latency?", mentions=(BOT_ID,))
    await eventually(lambda: len(fake.in_channel(thread)) == 2)
    await eventually(lambda: retrying.bot.retry.pending == 0)
    answers = fake.in_channel(thread)[1:]
    activity = await store.thread_activity_for_channel(CHANNEL)
    assert len(answers) == 1 and PAPER.arxiv_id in answers[0]["content"]
    assert [a.kind for a in activity] == [ActivityKind.QUESTION] and len(calls) == 3
    assert retrying.bot.retry.counts.applied_later == 1 and retrying.bot.retry.counts.lost == 0
