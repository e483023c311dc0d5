"""The tagged-send contract (bot/ports.py) on Discord: nothing people see, and still found again.

Discord keeps no hidden field on a message (a nonce is not returned by history), so a send is
known by what it shows — the headline, each paper's ranked title and link — among the bot's own
messages from the outbox row's due time on. The real discord.py against the fake Discord.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import ChannelRef, Subscription
from bot.scheduling.ports import SENT
from bot.scheduling.schedule import ScheduleOptions
from bot.scheduling.scheduler import Scheduler
from tests.harness.clocks import Clock
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID
from tests.harness.running_discord import Running
from tests.harness.transport_calls import find_tagged, send_digest, send_text

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
INTERNALS = re.compile(r"paperbot-outbox|-# ref|\bref\b \S+ \d+/\d+", re.IGNORECASE)


class Crash(BaseException):
    """The process dies between the send and recording it (nothing in it catches this)."""


def shown(message: dict[str, object]) -> str:
    """Everything of a message a person can see (content and embeds), as one string."""
    return json.dumps({"content": message.get("content"), "embeds": message.get("embeds")}, ensure_ascii=False)


async def test_a_tagged_digest_and_text_show_no_tag_and_are_found_again(running: Running) -> None:
    platform, bot, fake = running.runner.platform, running.bot, running.fake
    digest = await bot.scheduled_digest(CHANNEL, 3)
    assert len(digest.items) == 3
    since = datetime.now(UTC)
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-7", digest, since) is None
    ids = await send_digest(platform, CHANNEL, digest, "paperbot-outbox-7")
    text_id = await send_text(platform, CHANNEL, "No new papers today.", "paperbot-outbox-8")
    for message in fake.in_channel(CHANNEL_ID):
        assert not INTERNALS.search(shown(message)), shown(message)
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-7", digest, since) == ids
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-8", "No new papers today.", since) == [text_id]
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-9", "A note never posted.", since) is None
    # a digest of other papers, or the same before the row was due, is not taken for it
    fewer = replace(digest, items=digest.items[1:])
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-10", fewer, since) is None
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-7", digest, datetime.now(UTC) + timedelta(hours=1)) is None


async def test_a_digest_cut_short_maps_missing_papers_to_its_first_message(running: Running) -> None:
    platform, bot, fake = running.runner.platform, running.bot, running.fake
    digest = await bot.scheduled_digest(CHANNEL, 3)
    ids = await send_digest(platform, CHANNEL, digest, "paperbot-outbox-9")
    del fake.messages[ids[2]]  # as if the process died before the third message
    assert await find_tagged(platform, CHANNEL, "paperbot-outbox-9", digest) == [ids[0], ids[1], ids[0]]


async def test_a_send_resumed_hours_later_in_a_busy_channel_finds_its_messages_instead_of_posting_again(
        running: Running) -> None:
    """Sent, then the process dies before recording; three hours and 60 other bot messages later
    (more than the last 50 a history read returns), the resumed row is found and recorded, once."""
    platform, bot, fake = running.runner.platform, running.bot, running.fake
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    store = bot.store
    await store.save_subscription(Subscription(CHANNEL, (now - timedelta(minutes=2)).time(), "UTC", count=3,
                                               created_at=now - timedelta(days=1)))
    await store.set_schedule(CHANNEL, ScheduleOptions(weekdays=frozenset(range(7))))
    clock = Clock(now)

    def crash(stage: str, item: object) -> None:
        if stage == "after_send":
            raise Crash(stage)

    def scheduler(fault: object = None) -> Scheduler:
        return Scheduler(store, {"discord": platform}, clock=clock, publisher=bot.publisher, fault=fault)  # type: ignore[arg-type]

    with pytest.raises(Crash):
        await scheduler(crash).tick()
    first = [m["id"] for m in fake.in_channel(CHANNEL_ID)]
    assert len(first) == 3
    for n in range(60):
        await send_text(platform, CHANNEL, f"something else {n}")
    clock.now += timedelta(hours=3)
    reads = len(fake.find("GET", f"/channels/{CHANNEL_ID}/messages"))
    report = await scheduler().tick()
    assert len(fake.find("GET", f"/channels/{CHANNEL_ID}/messages")) - reads == 1  # one history page read forward
    assert report.delivery.confirmed == 1 and report.delivery.sent == 0
    assert len(fake.in_channel(CHANNEL_ID)) == 63  # nothing posted again
    [row] = [r for r in await store.outbox_rows() if r["kind"] == "daily"]
    assert row["status"] == SENT and row["message_ids"] == first
    assert [p.message_id for p in reversed(await store.recent_posts(CHANNEL, 3))] == first
