"""The optional tagged-send contract (bot/ports.py) on Discord: a tag line in each message, found in history."""
from __future__ import annotations

from bot.domain import ChannelRef
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID
from tests.harness.running_discord import Running
from tests.harness.transport_calls import find_tagged, send_digest, send_text

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)


async def test_a_tagged_digest_and_text_are_found_again_and_others_are_not(running: Running) -> None:
    platform, bot = running.runner.platform, running.bot
    digest = await bot.scheduled_digest(CHANNEL, 3)
    assert len(digest.items) == 3
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-7") is None
    ids = await send_digest(platform, CHANNEL, digest, "paperbot-outbox-7")
    await send_digest(platform, CHANNEL, digest)  # untagged: never mistaken for it
    text_id = await send_text(platform, CHANNEL, "No new papers today.", "paperbot-outbox-8")
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-7") == ids
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-8") == [text_id]
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-70") is None
    content = running.fake.messages[text_id]["content"]
    assert content.startswith("No new papers today.") and content.endswith("-# ref paperbot-outbox-8 1/0")


async def test_a_digest_cut_short_maps_missing_papers_to_its_first_message(running: Running) -> None:
    platform, bot, fake = running.runner.platform, running.bot, running.fake
    digest = await bot.scheduled_digest(CHANNEL, 3)
    ids = await send_digest(platform, CHANNEL, digest, "paperbot-outbox-9")
    del fake.messages[ids[2]]  # as if the process died before the third message
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-9") == [ids[0], ids[1], ids[0]]
