"""The buttons on every posted paper (👍 👎 Save, More like this), clicked through the real discord.py.

A click is the member's own reaction (👍, 👎, 🔖 for Save): the same row a reaction stores and the
taste reads; a second click undoes it; members are independent; the click is acknowledged within
Discord's 3 s (the fake refuses a later first answer with 10062) with an ephemeral answer; a click
the database failed is kept and retried by the core, applied once; the buttons keep working on
messages posted before a restart.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.buttons import custom_id
from bot.domain import ChannelRef
from bot.replies import PaperReply
from bot.usecases.feedback import Control
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, OTHER_USER, FakeDiscord, Interaction
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.schema_damage import drop_tables
from tests.harness.store_faults import fail_first
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
SECOND_USER = "700000000000000002"
SHORT = (0.05, 0.1, 0.2, 0.4)


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as started:
        started.bot.retry.delays = SHORT
        yield started


async def post_digest(running: Running, count: int = 1) -> list[str]:
    """`/papers today count:<count>`; the recorded posts' message ids, in order."""
    it = await running.fake.slash("today", [{"name": "count", "type": 4, "value": count}])
    await eventually(lambda: running.fake.find("PATCH", it.token))
    history = await eventually(lambda: _posted(running, count))
    return history


async def _posted(running: Running, count: int) -> list[str] | None:
    posts = await running.bot.history(CHANNEL)
    return [p.post.message_id for p in reversed(posts)] if len(posts) >= count else None


def buttons(fake: FakeDiscord, message_id: str) -> list[dict[str, Any]]:
    return [b for row in fake.messages[message_id]["components"] for b in row["components"]]


def button_id(fake: FakeDiscord, message_id: str, control: Control) -> str:
    return next(b["custom_id"] for b in buttons(fake, message_id) if b["custom_id"].startswith(f"paperbot:{control.value}:"))


async def click(fake: FakeDiscord, message_id: str, control: Control, *, user_id: str = OTHER_USER,
                answers: int = 1) -> tuple[Interaction, dict[str, Any]]:
    """Click; the interaction (acknowledged in time, ephemerally) and its latest ephemeral answer."""
    interaction = await fake.click(message_id, button_id(fake, message_id, control), user_id=user_id)
    await eventually(lambda: len(fake.answers(interaction)) >= answers)
    first = interaction.responses[0]
    assert first.body["type"] == 5 and first.body["data"]["flags"] & 64  # "thinking…", only the clicker sees it
    assert first.at - interaction.created < 3.0
    return interaction, fake.answers(interaction)[-1]


async def mine(running: Running, message_id: str, user_id: str = OTHER_USER) -> list[str]:
    return sorted(r.emoji for r in await running.bot.store.reactions_for_message(CHANNEL, message_id)
                  if r.user_id == user_id)


async def test_every_posted_paper_carries_one_row_of_four_buttons_within_discords_limits(bot: Running) -> None:
    ids = await post_digest(bot, 3)
    for message_id in ids:
        rows = bot.fake.messages[message_id]["components"]
        assert len(rows) == 1
        labels = [(b.get("emoji") or {}).get("name") or b.get("label") for b in rows[0]["components"]]
        assert labels == ["👍", "👎", "🔖", "More like this"]
        assert all(len(b["custom_id"]) <= 100 for b in rows[0]["components"])
    paper = (await bot.bot.store.get_papers([(await bot.bot.history(CHANNEL))[0].post.arxiv_id])).popitem()[1]
    posted = await bot.bot.publisher.publish(bot.runner.client.platform, CHANNEL, PaperReply(paper))  # a scheduled post's path
    assert [b["custom_id"] for b in buttons(bot.fake, posted.message_ids[0])] == [
        custom_id(c, paper.arxiv_id) for c in (Control.UP, Control.DOWN, Control.SAVE, Control.SIMILAR)]
    assert bot.fake.rendering_problems() == []
    assert custom_id(Control.SIMILAR, "x" * 500) == ("paperbot:similar:" + "x" * 500)[:100]


async def test_a_click_is_the_reactions_signal_a_second_undoes_it_and_members_are_independent(bot: Running) -> None:
    fake = bot.fake
    message_id = (await post_digest(bot))[0]
    _, answer = await click(fake, message_id, Control.UP)
    assert "👍 saved as yours" in answer["content"] and "again to undo" in answer["content"]
    assert await mine(bot, message_id) == ["👍"]

    await fake.react(message_id, "👍", user_id=SECOND_USER)  # the same signal as a reaction: the same row
    rows = {r.user_id: r for r in await eventually(lambda: _two(bot, message_id))}
    assert (rows[OTHER_USER].arxiv_id, rows[OTHER_USER].emoji) == (rows[SECOND_USER].arxiv_id, rows[SECOND_USER].emoji)
    assert bot.bot.reactions.emoji.weight(rows[OTHER_USER].emoji) > 0

    _, answer = await click(fake, message_id, Control.UP)
    assert "taken back" in answer["content"]
    assert await mine(bot, message_id) == [] and await mine(bot, message_id, SECOND_USER) == ["👍"]

    _, answer = await click(fake, message_id, Control.DOWN, user_id=SECOND_USER)
    assert "👎" in answer["content"]
    assert await mine(bot, message_id, SECOND_USER) == ["👍", "👎"] and await mine(bot, message_id) == []
    assert fake.rendering_problems() == []


async def _two(running: Running, message_id: str) -> list[Any] | None:
    rows = await running.bot.store.reactions_for_message(CHANNEL, message_id)
    return rows if len(rows) == 2 else None


async def test_save_is_the_members_bookmark_and_shows_in_their_saved_list(bot: Running) -> None:
    message_id = (await post_digest(bot))[0]
    arxiv_id = (await bot.bot.store.posts_for_message(CHANNEL, message_id))[0].arxiv_id
    _, answer = await click(bot.fake, message_id, Control.SAVE)
    assert "Saved to your reading list" in answer["content"]
    saved = [r.arxiv_id for r in await bot.bot.store.reactions_by_member("discord", GUILD_ID, OTHER_USER) if r.emoji == "🔖"]
    assert saved == [arxiv_id]
    assert await bot.bot.store.reactions_by_member("discord", GUILD_ID, SECOND_USER) == []
    await click(bot.fake, message_id, Control.SAVE)
    assert [r for r in await bot.bot.store.reactions_by_member("discord", GUILD_ID, OTHER_USER) if r.emoji == "🔖"] == []


async def test_more_like_this_answers_only_the_clicker_with_similar_papers(bot: Running) -> None:
    assert bot.bot.taste is not None
    await bot.bot.taste.backfill()
    message_id = (await post_digest(bot))[0]
    arxiv_id = (await bot.bot.store.posts_for_message(CHANNEL, message_id))[0].arxiv_id
    posted = len(bot.fake.find("POST", f"/channels/{CHANNEL_ID}/messages"))
    _, answer = await click(bot.fake, message_id, Control.SIMILAR)
    assert "More like" in answer["content"]
    assert len(answer["embeds"]) == 5 and all(arxiv_id not in (e.get("url") or "") for e in answer["embeds"])
    assert len(bot.fake.find("POST", f"/channels/{CHANNEL_ID}/messages")) == posted
    assert await bot.bot.store.reactions_for_message(CHANNEL, message_id) == []
    assert bot.fake.rendering_problems() == []


@pytest.mark.faults
async def test_a_click_the_database_failed_is_kept_and_applied_once_by_the_retry(
        bot: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    message_id = (await post_digest(bot))[0]
    calls = fail_first(monkeypatch, "add_reaction", 2)
    interaction, answer = await click(bot.fake, message_id, Control.UP)
    assert "kept and will be recorded" in answer["content"] and "saved as yours" not in answer["content"]
    await eventually(lambda: _answered(bot.fake, interaction, "saved as yours"))
    await eventually(lambda: bot.bot.retry.pending == 0)
    assert await mine(bot, message_id) == ["👍"]
    assert len(calls) == 3 and bot.bot.retry.counts.applied_later == 1


async def test_a_click_on_a_database_missing_a_table_says_it_needs_repair_not_shortly(bot: Running) -> None:
    message_id = (await post_digest(bot))[0]
    await drop_tables(bot.bot.store, "reactions")  # type: ignore[arg-type]  # the running SqlStore
    _, answer = await click(bot.fake, message_id, Control.UP)
    words = answer["content"]
    assert "shortly" not in words and "for a moment" not in words  # no wait heals a missing table
    assert "needs repair" in words and "missing table reactions" in words and "paperbot doctor" in words
    assert "click" in words


def _answered(fake: FakeDiscord, interaction: Interaction, words: str) -> dict[str, Any] | None:
    return next((a for a in fake.answers(interaction) if words in str(a.get("content"))), None)


async def test_the_buttons_keep_working_after_a_restart(fake: FakeDiscord, tmp_path: Path) -> None:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as first:
        message_id = (await post_digest(first))[0]
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as second:
        _, answer = await click(fake, message_id, Control.SAVE)
        assert "Saved" in answer["content"]
        assert await mine(second, message_id) == ["🔖"]
