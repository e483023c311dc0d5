"""On Discord, a paper gets one discussion thread per channel, whoever posts it again.

The real discord.py against the fake Discord, the bot built as `paperbot run` builds it. A daily
digest is planned, `/papers today` then runs twice (the first opens one thread per paper, the
second links to them), and the planned digest is delivered: it links too, and opens none.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.domain import ChannelRef, ReactionEvent, Subscription
from bot.usecases.reactions import ReactionOutcome
from paperbot.scheduling import build_scheduler
from tests.harness.clocks import Clock
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import start_running
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)  # a Tuesday, just after the 09:00 digest is due


def thread_creations(fake: FakeDiscord) -> list[str]:
    """The message each thread was started from."""
    return [r.path.split("/")[4] for r in fake.requests if r.method == "POST" and r.path.endswith("/threads")]


def discussion_links(fake: FakeDiscord, message_ids: list[str]) -> list[str]:
    """The "Discussion" field of each message's embed ('' when it has none)."""
    out = []
    for message_id in message_ids:
        fields = [f for e in fake.messages[message_id]["embeds"] for f in e.get("fields", []) if f["name"] == "Discussion"]
        out.append(fields[0]["value"] if fields else "")
    return out


async def test_today_twice_and_a_scheduled_digest_leave_one_thread_per_paper(fake: FakeDiscord, tmp_path: Path) -> None:
    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as running:
        bot, store = running.bot, running.bot.store
        await store.save_subscription(Subscription(CHANNEL, time(9), "UTC", count=3, created_at=DUE - timedelta(days=1)))
        scheduler = build_scheduler(running.config, store, {"discord": running.runner.platform}, clock=Clock(DUE),
                                    taste=bot.taste, publisher=bot.publisher)
        assert (await scheduler.planner.plan_due()).planned == 1  # planned at 09:00, not sent yet

        posted: list[list[str]] = []
        for _ in range(2):
            before = len(await store.recent_posts(CHANNEL, 100))
            await fake.slash("today", [{"name": "count", "type": 4, "value": 3}])
            await eventually(lambda: len(thread_creations(fake)) == 3)
            recent = await eventually(lambda: _newer(store, before + 3))
            posted.append([p.message_id for p in reversed(recent[:3])])
        first, second = posted
        assert sorted(thread_creations(fake)) == sorted(first)  # one thread per paper, on its first post
        records = [await store.threads_of_paper(CHANNEL, p.arxiv_id) for p in await store.recent_posts(CHANNEL, 3)]
        assert [len(r) for r in records] == [1, 1, 1]
        links = discussion_links(fake, second)
        assert all(f"https://discord.com/channels/{GUILD_ID}/" in link for link in links)
        assert {link.rsplit("/", 1)[1] for link in links} == set(first)  # a thread's id is its message's
        assert discussion_links(fake, first) == ["", "", ""]

        report = await scheduler.tick()  # the planned digest goes out now: it links, it opens nothing
        assert report.delivery.sent == 1 and len(thread_creations(fake)) == 3
        scheduled = [p.message_id for p in reversed(await store.recent_posts(CHANNEL, 3))]
        assert scheduled[0] not in first + second and all(discussion_links(fake, scheduled))
        # and its posts still count reactions
        result = await bot.on_reaction(ReactionEvent(CHANNEL, scheduled[0], "700000000000000009", "👍", True))
        assert result.outcome is ReactionOutcome.STORED


async def _newer(store, total: int):
    recent = await store.recent_posts(CHANNEL, 100)
    return recent if len(recent) >= total else None
