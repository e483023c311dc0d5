"""`/papers subscribe` schedule options and `/papers schedule` (pause reason shown)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.domain import ChannelRef, Requester
from bot.errors import ConfigError, UsageError
from storage.delivery_store import single_process_lock
from storage.store import SqlStore

CH = ChannelRef("slack", "T1", "C1")
MANAGER = Requester(CH, "U1", can_manage_channel=True)


async def test_subscribe_with_days_threshold_weekly_and_schedule_shows_pause(store: SqlStore) -> None:
    bot = PaperBot(store)
    reply = await bot.handle(MANAGER, "subscribe 08:00 Europe/Berlin days=mon,wed threshold=0.5")
    assert reply.text == ("Subscribed: this channel gets the top 5 papers on Mon,Wed at 08:00 Europe/Berlin."
                          " Only papers scoring at least 0.5. Every day: /papers subscribe 08:00 Europe/Berlin 5"
                          " days=daily (or pick days, e.g. days=mon,wed,fri).")
    options = await store.get_schedule(CH)
    assert options.weekdays == frozenset({1, 3}) and options.threshold == 0.5 and not options.weekly
    reply = await bot.handle(MANAGER, "subscribe 08:00 Europe/Berlin weekly")
    assert "weekly on Mon" in reply.text and (await store.get_schedule(CH)).threshold == 0.5  # others kept

    await store.pause_subscription(CH, "missing permission: Send Messages", datetime(2025, 11, 7, 8, tzinfo=UTC))
    text = (await bot.handle(MANAGER, "schedule")).text
    assert "Paused since 2025-11-07 08:00 UTC: missing permission: Send Messages." in text
    await bot.handle(MANAGER, "subscribe 08:00 Europe/Berlin")  # subscribing again resumes
    assert not (await store.get_schedule(CH)).paused
    assert "Paused" not in (await bot.handle(MANAGER, "schedule")).text


async def test_subscribe_rejects_bad_options(store: SqlStore) -> None:
    bot = PaperBot(store)
    with pytest.raises(UsageError, match="weekdays"):
        await bot.handle(MANAGER, "subscribe days=someday")
    with pytest.raises(UsageError, match="threshold"):
        await bot.handle(MANAGER, "subscribe threshold=high")


def test_sqlite_runs_one_process_and_says_so(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    with single_process_lock(url):
        with pytest.raises(ConfigError, match="A SQLite install runs one process"):
            with single_process_lock(url):
                pass
    with single_process_lock(url):  # released on exit
        pass
    with single_process_lock("postgresql+asyncpg://u@h/db"), single_process_lock("postgresql+asyncpg://u@h/db"):
        pass


async def test_run_wiring_builds_the_scheduler_from_config(store: SqlStore) -> None:
    from datetime import timedelta

    from bot.config import config_from_dict
    from paperbot.scheduling import build_scheduler
    from tests.harness.platforms import FakePlatform

    config = config_from_dict({"schedule": {"grace_hours": 2, "empty_day_note": True, "max_attempts": 3}}, environ={})
    scheduler = build_scheduler(config, store, {"discord": FakePlatform("discord")})
    assert scheduler.planner._settings.grace == timedelta(hours=2) and scheduler.planner._settings.empty_day_note
    assert scheduler.delivery.settings.max_attempts == 3
    report = await scheduler.tick()  # nothing subscribed: nothing to do
    assert report.plan.planned == 0 and report.delivery.sent == 0
