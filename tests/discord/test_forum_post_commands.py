"""Commands run in a Discord forum post concern the forum — real discord.py, fake Discord.

A forum has no message box: its members and moderators can run `/papers …` only inside its posts.
Every command about the channel's state (schedule, settings, seeds, …) then acts for the forum,
where its digests read that state; the commands that publish answer in the post, ranked and
recorded as the forum's (test_forum.py, test_forum_post_taste.py). The core decides (``PaperBot.handle``).
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.discussion.threads import ASKED_OUTSIDE_A_THREAD, ActivityKind
from bot.domain import ChannelRef, Paper, Subscription
from bot.replies import DigestReply
from bot.scheduling.unreachable import WORDS, Unreachable
from tests.harness.discord_fake import FORUM_ID, GUILD_ID, MANAGE_CHANNELS, MEMBER_PERMISSIONS, OTHER_USER, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.waiting import eventually

FORUM = ChannelRef("discord", GUILD_ID, FORUM_ID)
DAY = date(2025, 11, 9)  # after the sample's last day: the digest below holds these papers only
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
REASON = WORDS[Unreachable.TAG_REQUIRED]
ROUTE = Paper("2511.96001", "SparseRoute: Sparse Mixture Routing for Long-Context Retrieval",
              "We introduce SparseRoute, a routing method for long-context retrieval. "
              "SparseRoute reduces inference latency by 38 percent compared with dense attention.",
              authors=("Ada Lovelace",), categories=("cs.LG",), announced_on=DAY, upvotes=50, sources=frozenset({"sample"}))
ROBOTS = Paper("2511.96002", "Seeing Robots", "A vision model for robots.", categories=("cs.RO",), announced_on=DAY,
               upvotes=40, sources=frozenset({"sample"}))


@pytest.fixture
async def forum(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[tuple[Running, dict[str, Any]]]:
    """A forum with one post of ours (the paper ROUTE): where its members run their commands."""
    fake.add_forum(["Machine Learning", "Robotics"])
    async with start_running(fake, tmp_path, threads="never", embedder=HashEmbedder(), sync_commands=False) as running:
        await running.bot.store.upsert_papers([ROUTE, ROBOTS])
        digest = await running.bot.scheduled_digest(FORUM, 1, day=DAY)
        await running.runner.platform.send(FORUM, DigestReply(digest))
        [post] = fake.posts()
        yield running, post


async def in_post(fake: FakeDiscord, post: dict[str, Any], subcommand: str, options: list[dict[str, Any]] | None = None,
                  *, permissions: int = MEMBER_PERMISSIONS) -> str:
    """Run `/papers <subcommand>` inside the forum post; the text of its answer (public or ephemeral)."""
    where = {k: post[k] for k in ("id", "type", "guild_id", "name", "parent_id", "thread_metadata", "owner_id")}
    it = await fake.slash(subcommand, options, permissions=permissions, channel=where)
    await eventually(lambda: [c for c in fake.webhook_calls(it.token) if isinstance(c.body, dict) and c.body.get("content")])
    [*_, answer] = [c for c in fake.webhook_calls(it.token) if isinstance(c.body, dict) and c.body.get("content")]
    text: str = answer.body["content"]
    return text


async def test_schedule_in_a_post_shows_the_forums_schedule_and_why_it_is_paused(
        forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake, store = running.fake, running.bot.store
    await store.save_subscription(Subscription(FORUM, time(9), "UTC", count=1, created_at=DUE - timedelta(days=1)))
    await store.pause_subscription(FORUM, REASON, DUE)  # as a digest refused for want of a tag pauses it

    text = await in_post(fake, post, "schedule")  # a moderator looks: the post is where they can

    assert text.startswith("The top 1 paper at 09:00 UTC.")
    assert "Paused since 2026-12-01 09:05 UTC" in text and REASON.rstrip(".") in text


async def test_a_seed_liked_in_a_post_is_the_forums_and_its_next_ranking_uses_it(
        forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake, bot = running.fake, running.bot
    assert bot.taste is not None and (await bot.taste.channel_profile(FORUM)).empty

    text = await in_post(fake, post, "like", [{"name": "paper", "type": 3, "value": ROBOTS.arxiv_id}])

    assert text.startswith("Noted: more papers like") and ROBOTS.arxiv_id in text
    assert (await bot.taste.prefs(FORUM, None)).seeds == (ROBOTS.arxiv_id,)
    assert not (await bot.taste.channel_profile(FORUM)).empty  # the forum's next digest is ranked by it
    assert (await bot.taste.prefs(ChannelRef("discord", GUILD_ID, post["id"]), None)).seeds == ()
    assert "seed papers: 2511.96002" in await in_post(fake, post, "prefs")


async def test_settings_in_a_post_show_the_forums_and_change_them_for_managers_only(
        forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake, bot = running.fake, running.bot
    assert bot.taste is not None
    await bot.taste.update_settings(FORUM, trending=0.8, include_keywords=("retrieval",))

    shown = await in_post(fake, post, "settings")

    assert shown.startswith("Settings here: trending weight 0.80; include: retrieval;")
    refused = await in_post(fake, post, "settings", [{"name": "trending", "type": 10, "value": 0.1}])
    assert refused.startswith("Only people who manage this channel")
    assert (await bot.taste.settings(FORUM)).trending == 0.8
    changed = await in_post(fake, post, "settings", [{"name": "trending", "type": 10, "value": 0.1}],
                            permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS)
    assert changed.startswith("Updated. Settings here: trending weight 0.10")
    assert (await bot.taste.settings(FORUM)).trending == 0.1


async def test_ask_in_a_post_answers_there_and_the_question_counts_in_the_forum(
        forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake, bot = running.fake, running.bot

    text = await in_post(fake, post, "ask", [{"name": "paper", "type": 3, "value": ROUTE.arxiv_id},
                                             {"name": "question", "type": 3, "value": "how much faster is it?"}])

    assert "About 2511.96001" in text and "38 percent" in text
    [asked] = [a for a in await bot.store.thread_activity_for_channel(FORUM) if a.kind is ActivityKind.QUESTION]
    assert (asked.user_id, asked.arxiv_id, asked.thread_id) == (OTHER_USER, ROUTE.arxiv_id, ASKED_OUTSIDE_A_THREAD)
    assert len(fake.posts()) == 1 and fake.violations == []


async def test_personal_commands_work_in_a_post_as_anywhere(forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake = running.fake
    assert (await in_post(fake, post, "saved")).startswith("You have no saved papers yet")
    assert (await in_post(fake, post, "dm")).startswith("You have no personal digest")
    on = await in_post(fake, post, "dm", [{"name": "action", "type": 3, "value": "on"},
                                          {"name": "at", "type": 3, "value": "08:30"},
                                          {"name": "timezone", "type": 3, "value": "Europe/Paris"}])
    assert on.startswith("On. ") and "08:30" in on
