"""A paper link pasted in a Discord forum's post counts for the forum — real discord.py, fake Discord,
real SQLite.

The forum's subscription, taste and "already seen" live under the forum (its digests read them); a
post has none of its own. So a link seen in passing in a post of a subscribed forum counts, and the
member's 🔗 interest and the message's papers are the forum's, while "Add to paperbot" still answers
the member who asked, privately, where they are.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.links import MENU_NAME
from bot.domain import ChannelRef, Paper, PostKind, Requester
from bot.usecases.links import LINK_EMOJI
from tests.harness.discord_fake import FORUM_ID, GUILD_ID, OTHER_USER, FakeDiscord
from tests.harness.running_discord import Running, start_running
from tests.harness.sample import VIDEO
from tests.harness.transport_calls import publish_scheduled
from tests.harness.waiting import eventually

FORUM = ChannelRef("discord", GUILD_ID, FORUM_ID)
DAY = date(2025, 11, 9)
ROUTE = Paper("2511.96001", "SparseRoute: Sparse Mixture Routing for Long-Context Retrieval",
              "A routing method for long-context retrieval.", categories=("cs.LG",), announced_on=DAY, upvotes=50,
              sources=frozenset({"sample"}))
READER = "700000000000000009"  # the member who right-clicks someone else's message


@pytest.fixture
async def forum(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[tuple[Running, dict[str, Any]]]:
    """A subscribed forum, detecting links, whose digest posted ROUTE (its post is where members talk)."""
    fake.add_forum(["Machine Learning"])
    async with start_running(fake, tmp_path, message_content=True, embedder=None, sync_commands=False) as running:
        bot = running.bot
        await bot.subscriptions.subscribe(Requester(FORUM, "U9", can_manage_channel=True),
                                          post_time=time(9), timezone="UTC")
        await bot.store.upsert_papers([ROUTE])
        await publish_scheduled(bot, running.runner.platform, FORUM, await bot.scheduled_digest(FORUM, 1, day=DAY))
        [post] = fake.posts()
        yield running, post


def in_post(post: dict[str, Any]) -> ChannelRef:
    return ChannelRef("discord", GUILD_ID, post["id"])


async def links_in(running: Running, channel: ChannelRef, user: str) -> list[tuple[str, str]]:
    return [(r.message_id, r.arxiv_id) for r in await running.bot.store.reactions_for_channel(channel)
            if r.emoji == LINK_EMOJI and r.user_id == user]


async def test_a_link_seen_in_a_post_of_a_subscribed_forum_is_the_forums_interest(
        forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake, store = running.fake, running.bot.store

    message = await fake.say(post["id"], f"related: https://arxiv.org/abs/{VIDEO}")

    assert await eventually(lambda: links_in(running, FORUM, OTHER_USER)) == [(message["id"], VIDEO)]
    assert await links_in(running, in_post(post), OTHER_USER) == []
    [linked] = await store.posts_for_message(FORUM, message["id"])  # the forum met it: "already seen" there
    assert (linked.arxiv_id, linked.kind) == (VIDEO, PostKind.LINKED)
    assert await store.posts_for_message(in_post(post), message["id"]) == []
    assert not fake.find("POST", f"/channels/{post['id']}/messages/{message['id']}/threads")  # a post holds none


async def test_add_to_paperbot_in_a_post_counts_for_the_forum_and_answers_the_member(
        forum: tuple[Running, dict[str, Any]]) -> None:
    running, post = forum
    fake = running.fake
    message = await fake.say(post["id"], f"https://arxiv.org/pdf/{ROUTE.arxiv_id}.pdf and https://arxiv.org/abs/{VIDEO}",
                             user_id=READER)
    await eventually(lambda: links_in(running, FORUM, READER))  # the author's, seen in passing

    it = await fake.message_command(MENU_NAME, message["id"], user_id=OTHER_USER)
    [answer] = await eventually(lambda: fake.webhook_calls(it.token))
    assert answer.body["flags"] & 64 and answer.body["content"].startswith("Added to paperbot:")
    assert "Noted as your interest here." in answer.body["content"]
    # ROUTE is this very post's paper: no "discussion continues in" pointing at where the member is
    assert "continues" not in answer.body["content"]
    assert sorted(await links_in(running, FORUM, OTHER_USER)) == sorted([(message["id"], ROUTE.arxiv_id),
                                                                         (message["id"], VIDEO)])
    assert await links_in(running, in_post(post), OTHER_USER) == []
