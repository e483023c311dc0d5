"""A reaction on a member's message that linked papers (kind ``linked``) counts like one on the bot's
post (docs/discord.md, "Pasted links"); one on a member's message the store knows nothing of is
ignored — the real discord.py against the fake Discord."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Requester
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, OTHER_USER, FakeDiscord
from tests.harness.running_discord import Running, start_running
from tests.harness.sample import AGENT
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
READER = "700000000000000009"  # another member, who reacts on the linking member's message


@pytest.fixture
async def detecting(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, dev_guild_id=int(GUILD_ID), message_content=True) as started:
        yield started


async def ratings(running: Running, emoji: str) -> list[tuple[str, str]]:
    return [(r.message_id, r.arxiv_id) for r in await running.bot.store.reactions_by_member("discord", GUILD_ID, READER)
            if r.emoji == emoji]


async def test_a_reaction_on_a_members_linked_message_counts(detecting: Running) -> None:
    fake = detecting.fake
    await detecting.bot.subscriptions.subscribe(Requester(CHANNEL, "U9", can_manage_channel=True),
                                                post_time=time(9), timezone="UTC")
    plain = await fake.say(CHANNEL_ID, "no links here")
    message = await fake.say(CHANNEL_ID, f"worth a read: https://arxiv.org/abs/{AGENT}")
    await eventually(lambda: detecting.bot.store.posts_for_message(CHANNEL, message["id"]))
    await fake.react(plain["id"], "👍", user_id=READER, author_id=OTHER_USER)  # nothing recorded: ignored
    await fake.react(message["id"], "👍", user_id=READER, author_id=OTHER_USER)
    assert await eventually(lambda: ratings(detecting, "👍")) == [(message["id"], AGENT)]
    await fake.react(message["id"], "👍", user_id=READER, added=False)
    await eventually(lambda: _none(detecting))


async def _none(running: Running) -> bool:
    return await ratings(running, "👍") == []


async def test_a_restart_still_counts_reactions_on_linked_messages(fake: FakeDiscord, tmp_path: Path) -> None:
    async with start_running(fake, tmp_path, dev_guild_id=int(GUILD_ID), message_content=True) as first:
        await first.bot.subscriptions.subscribe(Requester(CHANNEL, "U9", can_manage_channel=True),
                                                post_time=time(9), timezone="UTC")
        message = await fake.say(CHANNEL_ID, f"https://huggingface.co/papers/{AGENT}")
        await eventually(lambda: first.bot.store.posts_for_message(CHANNEL, message["id"]))
    async with start_running(fake, tmp_path, dev_guild_id=int(GUILD_ID), message_content=True) as second:
        await fake.react(message["id"], "🔖", user_id=READER, author_id=OTHER_USER)
        assert await eventually(lambda: ratings(second, "🔖")) == [(message["id"], AGENT)]
        await asyncio.sleep(0)
