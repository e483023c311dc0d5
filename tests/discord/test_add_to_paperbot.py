"""Pasted paper links on Discord: the "Add to paperbot" message command, detection in subscribed
channels when ``[discord] message_content`` is on (and nothing read when it is off), ``links:thread``
— the real discord.py against the fake Discord, through `paperbot run`'s wiring."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path

import pytest

from adapters.discord.links import MENU_NAME
from bot.discussion.threads import LinkMode
from bot.domain import ChannelRef, Paper, PostKind, Requester
from bot.errors import ConfigError
from bot.usecases.links import LINK_EMOJI
from paperbot.compose import build_bot, database_url, open_store
from paperbot.discord_runner import DiscordRunner
from tests.harness.discord_fake import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    MESSAGE_CONTENT_INTENT,
    OTHER_USER,
    FakeDiscord,
    Recorded,
)
from tests.harness.running_discord import Running, discord_config, start_running
from tests.harness.sample import AGENT, VIDEO, VTHINK
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
READER = "700000000000000009"  # the member who right-clicks someone else's message


async def links_of(running: Running, user: str) -> list[tuple[str, str]]:
    return [(r.message_id, r.arxiv_id) for r in await running.bot.store.reactions_by_member("discord", GUILD_ID, user)
            if r.emoji == LINK_EMOJI]


@pytest.fixture
async def detecting(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, dev_guild_id=int(GUILD_ID), message_content=True) as started:
        yield started


async def add(running: Running, message_id: str, *, user: str = READER) -> str:
    """Run "Add to paperbot" on a message; its private answer's text."""
    it = await running.fake.message_command(MENU_NAME, message_id, user_id=user)
    await eventually(lambda: running.fake.webhook_calls(it.token))
    [callback] = it.responses
    assert callback.body["type"] == 5  # deferred at once: fetching a paper may take longer than 3 s
    [answer] = running.fake.webhook_calls(it.token)
    assert answer.method == "POST" and answer.body["flags"] & 64  # only the member who asked sees it
    text: str = answer.body["content"]
    return text


async def test_the_message_command_is_synced_with_papers(running: Running) -> None:
    [sync] = running.fake.find("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    menus = [c for c in sync.body if c.get("type") == 3]
    assert [m["name"] for m in menus] == [MENU_NAME]
    assert {c["name"] for c in sync.body} == {"papers", MENU_NAME}


async def test_add_to_paperbot_records_the_paper_and_the_interest(running: Running) -> None:
    fake, store = running.fake, running.bot.store
    message = await fake.say(CHANNEL_ID, f"have you seen https://arxiv.org/abs/{VIDEO}v2 and "
                                         f"<https://huggingface.co/papers/{VTHINK}>? also https://arxiv.org.evil.com/abs/{AGENT}")
    assert message["content"] == ""  # no message content intent: Discord blanked it on the gateway
    text = await add(running, message["id"])
    assert text.startswith("Added to paperbot: \u201cThinking with Video")
    assert VTHINK in text and AGENT not in text and "Noted as your interest here." in text
    posts = await store.posts_for_message(CHANNEL, message["id"])
    assert sorted((p.arxiv_id, p.kind) for p in posts) == [(VTHINK, PostKind.LINKED), (VIDEO, PostKind.LINKED)]
    assert sorted(await links_of(running, READER)) == [(message["id"], VTHINK), (message["id"], VIDEO)]
    # asked again: nothing counted twice
    assert "already counted as your interest" in await add(running, message["id"])
    assert len(await links_of(running, READER)) == 2
    assert fake.rendering_problems() == []
    assert not fake.find("POST", "/threads")  # quiet by default


async def test_a_message_without_paper_links_is_answered_with_what_is_accepted(running: Running) -> None:
    message = await running.fake.say(CHANNEL_ID, "javascript:alert('https://arxiv.org/abs/2511.04570') https://arxiv.org/list/cs.LG")
    text = await add(running, message["id"])
    assert text.startswith("There is no paper link in that message. Accepted: links to arxiv.org/abs/")
    assert await links_of(running, READER) == []


async def test_links_thread_opens_the_discussion_on_the_members_message(running: Running) -> None:
    await running.bot.discussions.set_link_mode(CHANNEL, LinkMode.THREAD)
    message = await running.fake.say(CHANNEL_ID, f"https://arxiv.org/pdf/{VIDEO}.pdf")
    text = await add(running, message["id"])
    assert "Its discussion is in the thread on that message." in text
    [started] = running.fake.find("POST", f"/channels/{CHANNEL_ID}/messages/{message['id']}/threads")
    assert started.body["name"]
    opening = running.fake.in_channel(message["id"])  # the thread's id is the message's
    assert opening and VIDEO in opening[0]["content"]
    assert running.fake.rendering_problems() == []


async def test_detection_counts_links_in_subscribed_channels_only(detecting: Running) -> None:
    fake = detecting.fake
    assert fake.identifies[-1]["intents"] & MESSAGE_CONTENT_INTENT  # asked for the privileged intent
    before = await fake.say(CHANNEL_ID, f"https://arxiv.org/abs/{VIDEO}")
    await asyncio.sleep(0.3)
    assert await links_of(detecting, OTHER_USER) == []  # not subscribed: seen in passing, not counted
    await detecting.bot.subscriptions.subscribe(Requester(CHANNEL, "U9", can_manage_channel=True),
                                                post_time=time(9), timezone="UTC")
    message = await fake.say(CHANNEL_ID, f"this one: https://huggingface.co/papers/{AGENT}")
    assert await eventually(lambda: links_of(detecting, OTHER_USER)) == [(message["id"], AGENT)]
    bot_message = await fake.say(CHANNEL_ID, f"https://arxiv.org/abs/{VTHINK}", bot=True, user_id="700000000000000005")
    await fake.say(CHANNEL_ID, "no links here")
    await asyncio.sleep(0.3)
    assert await links_of(detecting, OTHER_USER) == [(message["id"], AGENT)]
    assert await detecting.bot.store.posts_for_message(CHANNEL, bot_message["id"]) == []
    assert await detecting.bot.store.posts_for_message(CHANNEL, before["id"]) == []
    assert not answers_to_channel(fake)  # detection is silent


def answers_to_channel(fake: FakeDiscord) -> list[Recorded]:
    return [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"]


async def test_without_message_content_nothing_is_read(running: Running) -> None:
    fake = running.fake
    assert not fake.identifies[-1]["intents"] & MESSAGE_CONTENT_INTENT
    await running.bot.subscriptions.subscribe(Requester(CHANNEL, "U9", can_manage_channel=True),
                                              post_time=time(9), timezone="UTC")
    await fake.say(CHANNEL_ID, f"https://arxiv.org/abs/{VIDEO}")
    await asyncio.sleep(0.3)
    assert await links_of(running, OTHER_USER) == []
    assert await running.bot.store.recent_posts(CHANNEL) == []


async def test_a_refused_message_content_intent_stops_the_bot_in_plain_words(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.privileged_allowed = False  # the intent is not switched on in the Developer Portal
    config = discord_config(fake, tmp_path, message_content=True)
    async with open_store(database_url(config)) as store:
        bot = build_bot(config, store, embedder=None)
        try:
            with pytest.raises(ConfigError, match="Privileged Gateway Intents") as refused:
                await asyncio.wait_for(DiscordRunner(config, bot).run(), 10)
        finally:
            await bot.close()
    assert "[discord] message_content = false" in str(refused.value) and "Traceback" not in str(refused.value)


async def test_a_hostile_title_in_the_answer_neither_pings_nor_links(running: Running) -> None:
    hostile = Paper("2511.99002", "@everyone [free](https://evil.example) <@&1> **bold**", sources=frozenset({"sample"}))
    await running.bot.store.upsert_papers([hostile])
    message = await running.fake.say(CHANNEL_ID, "https://arxiv.org/abs/2511.99002")
    text = await add(running, message["id"])
    assert "2511.99002" in text and "@everyone" not in text
    assert running.fake.rendering_problems() == []
