"""The optional tagged-send contract (bot/ports.py) on Discord: a tag line in each message, found in history."""
from __future__ import annotations

from bot.domain import ChannelRef
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID
from tests.harness.running_discord import Running

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)


async def test_a_tagged_digest_and_text_are_found_again_and_others_are_not(running: Running) -> None:
    platform, bot = running.runner.platform, running.bot
    digest = await bot.scheduled_digest(CHANNEL, 3)
    assert len(digest.items) == 3
    assert await platform.find_tagged(CHANNEL, "paperbot-outbox-7") is None
    ids = await platform.send_digest_tagged(CHANNEL, digest, "paperbot-outbox-7")
    await platform.send_digest(CHANNEL, digest)  # untagged: never mistaken for it
    text_id = await platform.send_text_tagged(CHANNEL, "No new papers today.", "paperbot-outbox-8")
    assert await platform.find_tagged(CHANNEL, "paperbot-outbox-7") == ids
    assert await platform.find_tagged(CHANNEL, "paperbot-outbox-8") == [text_id]
    assert await platform.find_tagged(CHANNEL, "paperbot-outbox-70") is None
    content = running.fake.messages[text_id]["content"]
    assert content.startswith("No new papers today.") and content.endswith("-# ref paperbot-outbox-8 1/0")


async def test_a_digest_cut_short_maps_missing_papers_to_its_first_message(running: Running) -> None:
    platform, bot, fake = running.runner.platform, running.bot, running.fake
    digest = await bot.scheduled_digest(CHANNEL, 3)
    ids = await platform.send_digest_tagged(CHANNEL, digest, "paperbot-outbox-9")
    del fake.messages[ids[2]]  # as if the process died before the third message
    assert await platform.find_tagged(CHANNEL, "paperbot-outbox-9") == [ids[0], ids[1], ids[0]]
