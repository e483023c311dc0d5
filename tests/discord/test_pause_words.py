"""On Discord, a scheduled digest refused for good (403 Missing Access) pauses the channel, and
`/papers schedule` says why in people's words, not Discord's code (real discord.py, fake Discord)."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.domain import ChannelRef, Subscription
from bot.scheduling.unreachable import WORDS, Unreachable
from paperbot.scheduling import build_scheduler
from tests.harness.clocks import Clock
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID
from tests.harness.running_discord import Running
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)


async def test_a_channel_the_bot_cannot_see_any_more_is_paused_with_peoples_words(running: Running) -> None:
    bot, fake, store = running.bot, running.fake, running.bot.store
    await store.save_subscription(Subscription(CHANNEL, time(9), "UTC", count=2, created_at=DUE - timedelta(days=1)))
    scheduler = build_scheduler(running.config, store, {"discord": running.runner.platform}, clock=Clock(DUE),
                                taste=bot.taste, publisher=bot.publisher)
    assert (await scheduler.planner.plan_due()).planned == 1
    fake.forbidden_channels.add(CHANNEL_ID)  # 403, code 50001
    assert (await scheduler.tick()).delivery.paused == 1
    fake.forbidden_channels.discard(CHANNEL_ID)
    it = await fake.slash("schedule")
    answers = await eventually(lambda: [r.body["data"] for r in it.responses if r.body.get("data")]
                               + [r.body for r in fake.find("PATCH", it.token)])
    text = answers[-1]["content"]
    assert WORDS[Unreachable.NO_PERMISSION] in text and "Run /papers subscribe again to resume." in text
    assert "50001" not in text and "403" not in text and "Missing Access" not in text and ".." not in text

