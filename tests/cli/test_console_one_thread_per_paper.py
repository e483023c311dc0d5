"""In the console (`paperbot demo`), a paper gets one discussion thread, and scheduled posts show
their threads exactly as on-demand ones do — the same publish path posts both.

The console adapter in-process on a real SQLite file, with the scheduler `paperbot run` uses.
"""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.console.platform import ConsolePlatform
from adapters.console.repl import ConsoleAdapter
from bot.app import PaperBot
from bot.clock import ManualClock
from bot.config import config_from_dict
from paperbot.scheduling import build_scheduler
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.databases import sqlite_url
from tests.harness.embedders import HashEmbedder
from tests.harness.sample import load_sample

START = datetime(2026, 12, 1, 8, 55, tzinfo=UTC)  # a Tuesday, five minutes before the digest is due


async def test_today_twice_and_a_scheduled_digest_show_one_thread_per_paper(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "demo.sqlite3")
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        await load_sample(store)
        clock = ManualClock(START)
        bot = PaperBot(store, clock=clock, embedder=HashEmbedder())
        out = io.StringIO()
        platform = ConsolePlatform(lambda text: print(text, file=out), store.next_message_number)
        scheduler = build_scheduler(config_from_dict({}, environ={}), store, {"console": platform}, clock=clock,
                                    taste=bot.taste, publisher=bot.publisher)
        console = ConsoleAdapter(bot, stdin=io.StringIO(), stdout=out, interactive=False, scheduler=scheduler,
                                 clock=clock, platform=platform)

        async def run(line: str) -> str:
            start = out.tell()
            await console.handle_line(line)
            return out.getvalue()[start:]

        assert "Subscribed" in await run("/papers subscribe 09:00 UTC 3")
        clock.advance(timedelta(minutes=10))
        assert (await scheduler.planner.plan_due()).planned == 1  # due at 09:00; sent at the next step

        first = await run("/papers today 3")
        assert first.count("   ↳ thread: ") == 3 and "Discussion continues" not in first
        second = await run("/papers today 3")
        assert "   ↳ thread: " not in second and second.count("↳ Discussion continues in `thread ") == 3

        scheduled = await run("wait 10m")
        assert scheduled.count("[7]") == 1 and "   ↳ thread: " not in scheduled
        assert scheduled.count("↳ Discussion continues in `thread ") == 3
        shown = await run("thread 1")
        assert shown.startswith("   ↳ thread: ")  # opened when first posted, and it is the only one
        for post in await store.recent_posts(platform_channel(console), 3):
            assert len(await store.threads_of_paper(platform_channel(console), post.arxiv_id)) == 1


async def test_a_scheduled_digest_of_new_papers_opens_its_threads_in_the_console(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "demo.sqlite3")
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        await load_sample(store)
        clock = ManualClock(START)
        bot = PaperBot(store, clock=clock, embedder=HashEmbedder())
        out = io.StringIO()
        platform = ConsolePlatform(lambda text: print(text, file=out), store.next_message_number)
        scheduler = build_scheduler(config_from_dict({}, environ={}), store, {"console": platform}, clock=clock,
                                    taste=bot.taste, publisher=bot.publisher)
        console = ConsoleAdapter(bot, stdin=io.StringIO(), stdout=out, interactive=False, scheduler=scheduler,
                                 clock=clock, platform=platform)
        await console.handle_line("/papers subscribe 09:00 UTC 2")
        start = out.tell()
        await console.handle_line("wait 20m")
        text = out.getvalue()[start:]
        assert "[1] " in text and "[2] " in text and text.count("   ↳ thread: ") == 2  # under each scheduled post
        assert text.index("[1] ") < text.index("   ↳ thread: ") < text.index("[2] ")


def platform_channel(console: ConsoleAdapter):
    return console.requester.channel
