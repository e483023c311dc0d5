"""On Slack, a scheduled digest refused for good pauses the channel, and `/papers schedule` says why in
people's words: no Slack code, no zero-width space, no doubled period (real slack-bolt, fake Slack)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock as Clock
from bot.domain import ChannelRef, Subscription
from bot.scheduling.unreachable import WORDS, Unreachable
from paperbot.scheduling import build_scheduler
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import ADMIN, CHANNEL, SlackHarness, running_slack
from tests.harness.slack_fake import TEAM

CH = ChannelRef("slack", TEAM, CHANNEL)
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as harness:
        yield harness


@pytest.mark.parametrize(("code", "kind"), [("not_in_channel", Unreachable.NOT_IN_CHANNEL),
                                            ("channel_not_found", Unreachable.CHANNEL_GONE),
                                            ("missing_scope", Unreachable.NO_PERMISSION)])
async def test_a_paused_channel_says_why_in_peoples_words(slack: SlackHarness, code: str, kind: Unreachable) -> None:
    store = slack.bot.store
    await store.save_subscription(Subscription(CH, time(9), "UTC", count=2, created_at=DUE - timedelta(days=1)))
    scheduler = build_scheduler(slack.config, store, {"slack": slack.runner.platform}, clock=Clock(DUE),  # type: ignore[arg-type]
                                taste=slack.bot.taste, publisher=slack.bot.publisher)
    assert (await scheduler.planner.plan_due()).planned == 1
    slack.fake.failures["chat.postMessage"] = [(200, {}, {"ok": False, "error": code})]
    assert (await scheduler.tick()).delivery.paused == 1
    await slack.command("schedule", user=ADMIN)
    await slack.fake.wait_for(lambda: slack.fake.responses)
    text = slack.fake.responses[-1]["text"]
    assert WORDS[kind] in text and "Run /papers subscribe again to resume." in text
    assert code not in text and "\u200b" not in text and ".." not in text
