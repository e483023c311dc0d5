"""A command that publishes in a Discord forum post ranks with the forum's taste, and what it posts is
the forum's — real discord.py, fake Discord, real SQLite.

The forum's topic, ratings, seeds and "already seen" live under the forum (its digests read them);
a post has none of its own. So `/papers today` run in a post answers there, ranked and marked as the
forum's, and a 👍 (reaction or button) on what it posted teaches the forum.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.domain import ChannelRef, Paper, Requester
from bot.usecases.feedback import Control
from tests.harness.discord_fake import FORUM_ID, GUILD_ID, OTHER_USER, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.transport_calls import publish_scheduled
from tests.harness.waiting import eventually

FORUM = ChannelRef("discord", GUILD_ID, FORUM_ID)
DAY = date(2025, 11, 9)  # after the sample's last day: the digest below holds these papers only
ROUTE = Paper("2511.96001", "SparseRoute: Sparse Mixture Routing for Long-Context Retrieval",
              "A routing method for long-context retrieval.", categories=("cs.LG",), announced_on=DAY, upvotes=50,
              sources=frozenset({"sample"}))
ROBOTS = Paper("2511.96002", "Seeing Robots", "A vision model for robots.", categories=("cs.RO",), announced_on=DAY,
               upvotes=40, sources=frozenset({"sample"}))


@pytest.fixture
async def forum(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[tuple[Running, dict[str, Any]]]:
    """A forum whose digest posted ROUTE (its post is where members run commands) and that liked ROBOTS."""
    fake.add_forum(["Machine Learning", "Robotics"])
    async with start_running(fake, tmp_path, threads="never", embedder=HashEmbedder(), sync_commands=False) as running:
        bot = running.bot
        assert bot.taste is not None
        await bot.store.upsert_papers([ROUTE, ROBOTS])
        digest = await bot.scheduled_digest(FORUM, 1, day=DAY)
        await publish_scheduled(bot, running.runner.platform, FORUM, digest)  # sent and recorded, as the scheduler does
        [post] = fake.posts()
        await bot.taste.like(Requester(FORUM, OTHER_USER), ROBOTS)  # the forum's seed, as `/papers like` in a post
        yield running, post


async def today_in_post(fake: FakeDiscord, post: dict[str, Any]) -> list[dict[str, Any]]:
    """Run `/papers today` for DAY in the post; the messages of its answer, in order (each one paper)."""
    where = {k: post[k] for k in ("id", "type", "guild_id", "name", "parent_id", "thread_metadata", "owner_id")}
    await fake.slash("today", [{"name": "day", "type": 3, "value": DAY.isoformat()},
                     {"name": "count", "type": 4, "value": 2}], channel=where)

    def answered() -> list[dict[str, Any]]:
        return [m for m in fake.messages.values() if m["channel_id"] == post["id"] and m["id"] != post["id"]
                and m["embeds"]]

    return list(await eventually(lambda: answered() if len(answered()) >= 2 else None))


def paper_of(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["url"]).rsplit("/", 1)[-1]


async def test_today_in_a_post_ranks_with_the_forums_taste_and_says_what_the_forum_met(
        forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum

    answer = await today_in_post(running.fake, post)

    assert [paper_of(m) for m in answer] == [ROBOTS.arxiv_id, ROUTE.arxiv_id]  # the forum's seed first
    shown = {paper_of(m): str(m["embeds"][0]) for m in answer}
    assert "liked here with /papers like" in shown[ROBOTS.arxiv_id]
    assert "posted here" in shown[ROUTE.arxiv_id]  # the forum's digest posted it: already seen, by the forum


async def test_a_thumbs_up_on_an_item_it_posted_is_a_rating_of_the_forum(forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake, store = running.fake, running.bot.store
    answer = await today_in_post(fake, post)
    [route_item] = [m for m in answer if paper_of(m) == ROUTE.arxiv_id]

    await fake.react(route_item["id"], "👍", channel_id=post["id"])

    reactions = await eventually(lambda: store.reactions_for_channel(FORUM))
    assert [(r.arxiv_id, r.user_id, r.emoji) for r in reactions] == [(ROUTE.arxiv_id, OTHER_USER, "👍")]
    assert await store.reactions_for_channel(ChannelRef("discord", GUILD_ID, post["id"])) == []
    await fake.react(route_item["id"], "👍", channel_id=post["id"], added=False)  # taken back: gone from the forum
    await eventually(lambda: _none(store.reactions_for_channel(FORUM)))


async def test_the_thumbs_up_button_on_an_item_it_posted_teaches_the_forum(forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake, store = running.fake, running.bot.store
    answer = await today_in_post(fake, post)
    [robots_item] = [m for m in answer if paper_of(m) == ROBOTS.arxiv_id]
    button = next(b["custom_id"] for row in robots_item["components"] for b in row["components"]
                  if b["custom_id"].startswith(f"paperbot:{Control.UP.value}:"))

    await fake.click(robots_item["id"], button)

    reactions = await eventually(lambda: store.reactions_for_channel(FORUM))
    assert [(r.arxiv_id, r.user_id, r.emoji) for r in reactions] == [(ROBOTS.arxiv_id, OTHER_USER, "👍")]


async def _none(reactions: Any) -> bool:
    return not await reactions
