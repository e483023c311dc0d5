"""`/papers stats` on Discord: the chart is the interaction's answer, a PNG attachment sent by the real
discord.py (multipart: payload_json + the file) to the fake, drawn by matplotlib."""
from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Reaction
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.waiting import eventually

PIL = pytest.importorskip("PIL.Image", reason="matplotlib (the [stats] extra) brings Pillow")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)


@pytest.fixture
async def running(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), dev_guild_id=int(GUILD_ID)) as started:
        yield started


async def test_stats_answers_with_a_png_chart(running: Running) -> None:
    fake = running.fake
    it = await fake.slash("today", [{"name": "count", "type": 4, "value": 3}])
    await eventually(lambda: len(fake.webhook_calls(it.token)) == 3)
    posts = await eventually(lambda: running.bot.store.recent_posts(CHANNEL))
    now = datetime.now(UTC)
    for n, emoji in enumerate(["👍", "👎", "👎"]):
        post = posts[n % len(posts)]
        await running.bot.store.add_reaction(Reaction(CHANNEL, post.message_id, post.arxiv_id, f"{n + 1}0000",
                                                      emoji, created_at=now - timedelta(minutes=n)))

    it = await fake.slash("stats", [{"name": "weeks", "type": 4, "value": 4}])
    await eventually(lambda: fake.webhook_calls(it.token))
    [answer] = fake.webhook_calls(it.token)
    assert answer.method == "PATCH" and answer.path.endswith("/messages/@original")  # replaces "thinking…"
    assert "3 papers posted" in answer.body["content"] and "1 👍, 2 👎" in answer.body["content"]
    [(filename, data)] = answer.body["files"].items()
    assert filename.endswith(".png")
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
    image = PIL.open(io.BytesIO(data))
    assert image.size == (1000, 700)
    assert not fake.rendering_problems()  # mentions not allowed, within Discord's limits


async def test_the_platform_posts_a_file_as_a_channel_message(running: Running) -> None:
    png = PNG_SIGNATURE + b"\0" * 64
    [message_id] = await running.runner.platform.send_file(CHANNEL, "chart.png", png, "the chart <@everyone>")
    assert running.fake.files[message_id] == {"chart.png": png}
    [posted] = running.fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    assert posted.body["allowed_mentions"]["parse"] == []


async def test_feed_urls_are_answered_only_to_the_member(running: Running) -> None:
    """`/papers feed mine` (a member, no Manage Channels): the URLs in an ephemeral followup, never in the channel."""
    fake = running.fake
    it = await fake.slash("feed", [{"name": "mine", "type": 5, "value": True}])
    await eventually(lambda: fake.webhook_calls(it.token))
    [answer] = fake.webhook_calls(it.token)
    assert answer.method == "POST" and answer.body["flags"] & 64  # ephemeral
    assert answer.body["content"].count("/feeds/") == 2
    assert not fake.find("POST", f"/channels/{CHANNEL_ID}/messages")
    it = await fake.slash("feed")  # the channel's feed: managers only
    await eventually(lambda: fake.webhook_calls(it.token))
    [refused] = fake.webhook_calls(it.token)
    assert refused.body["flags"] & 64 and "/feeds/" not in refused.body["content"]
