"""`/papers tune` through the real discord.py against the fake Discord: the candidates are posted one
paper a message with the instruction, recorded like a digest's posts, and a 👍 (reaction or button)
or 👎 (its button) on one is a stored signal the ranking reads; a second run posts other papers. No Discord-specific code: the core posts."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain import ChannelRef
from tests.harness.discord_fake import BOT_ID, CHANNEL_ID, GUILD_ID, OTHER_USER, FakeDiscord, Recorded
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)


@pytest.fixture
async def running(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), dev_guild_id=int(GUILD_ID)) as started:
        yield started


async def tune(running: Running, count: int) -> tuple[list[Recorded], list[str]]:
    """`/papers tune count:<count>`: the interaction's messages and the papers recorded for them, in order."""
    it = await running.fake.slash("tune", [{"name": "count", "type": 4, "value": count}])
    await eventually(lambda: len(running.fake.webhook_calls(it.token)) == count, timeout=15)
    sent = running.fake.webhook_calls(it.token)
    papers = []
    for message_id in [m for m in running.fake.messages if running.fake.messages[m]["embeds"]][-count:]:
        [post] = await eventually(lambda: running.bot.store.posts_for_message(CHANNEL, message_id))
        papers.append(post.arxiv_id)
    return sent, papers


async def test_the_tune_command_is_registered(running: Running) -> None:
    [sync] = running.fake.find("PUT", f"/guilds/{GUILD_ID}/commands")
    [papers] = [c for c in sync.body if c.get("type", 1) == 1]
    tune = {o["name"]: o for o in papers["options"]}["tune"]
    options = {o["name"]: o for o in tune["options"]}
    assert options["mine"]["type"] == 5 and options["count"]["max_value"] == 10


async def test_tune_posts_candidates_that_learn_from_a_reaction_and_a_second_run_posts_others(running: Running) -> None:
    fake, store = running.fake, running.bot.store
    sent, first = await tune(running, 4)
    assert "Tune this channel: 4 different papers of the week to rate" in sent[0].body["content"]
    assert "React 👍 or 👎 on each — tomorrow's digest learns from them" in sent[0].body["content"]
    assert all(len(r.body["embeds"]) == 1 for r in sent) and len(set(first)) == 4
    messages = [m for m in fake.messages if fake.messages[m]["embeds"]][-4:]

    await fake.react(messages[0], "👍", author_id=BOT_ID)
    [reaction] = await eventually(lambda: store.reactions_for_message(CHANNEL, messages[0]))
    assert (reaction.arxiv_id, reaction.user_id, reaction.emoji) == (first[0], OTHER_USER, "👍")
    down = next(b["custom_id"] for row in fake.messages[messages[1]]["components"] for b in row["components"]
                if b["custom_id"].startswith("paperbot:down:"))
    await fake.click(messages[1], down)
    await eventually(lambda: store.reactions_for_message(CHANNEL, messages[1]))
    profile = await running.bot.taste.channel_profile(CHANNEL)
    assert sorted((s.arxiv_id, s.weight > 0) for s in profile.signals) == sorted([(first[0], True), (first[1], False)])

    _, second = await tune(running, 4)
    assert not set(first) & set(second)
