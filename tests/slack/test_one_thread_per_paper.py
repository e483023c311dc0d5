"""On Slack, a paper gets one discussion thread per channel, whoever posts it again.

The real slack-bolt (HTTP mode) against the fake Slack, the bot built as `paperbot run` builds it.
A daily digest is planned, `/papers today` then runs twice (the first digest's thread gets one
opening per paper, the second digest's per-paper replies link to it), and the planned digest is
delivered: it links too, and posts no opening.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Subscription
from paperbot.scheduling import build_scheduler
from tests.harness.clocks import Clock
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, SlackHarness, running_slack
from tests.harness.slack_fake import TEAM
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)  # a Tuesday, just after the 09:00 digest is due


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", threads="always", embedder=HashEmbedder()) as harness:
        yield harness


def digests(h: SlackHarness) -> list[dict]:
    return [m for m in h.fake.messages.get(CHANNEL, []) if "thread_ts" not in m]


def openings(h: SlackHarness) -> list[dict]:
    return [m for m in h.fake.messages.get(CHANNEL, []) if "Summary:" in (m.get("text") or "")]


async def test_today_twice_and_a_scheduled_digest_leave_one_thread_per_paper(slack: SlackHarness) -> None:
    store = slack.bot.store
    await store.save_subscription(Subscription(CH, time(9), "UTC", count=3, created_at=DUE - timedelta(days=1)))
    scheduler = build_scheduler(slack.config, store, {"slack": slack.runner.platform}, clock=Clock(DUE),
                                taste=slack.bot.taste, publisher=slack.bot.publisher)
    assert (await scheduler.planner.plan_due()).planned == 1  # planned at 09:00, not sent yet

    for n in (1, 2):
        assert (await slack.command("today 3"))[0] == 200
        await eventually(lambda: len(digests(slack)) == n and len(slack.fake.thread(CHANNEL, digests(slack)[-1]["ts"])) >= 3)
        await eventually(lambda: len(openings(slack)) == 3)
    first, second = (slack.fake.thread(CHANNEL, d["ts"]) for d in digests(slack))
    assert len(first) == 6 and len(second) == 3  # 3 "react here" + 3 openings, then the replies alone
    assert all("discussion continues <https://lab.slack.com/archives/" in m["text"] for m in second)
    assert all(digests(slack)[0]["ts"].replace(".", "") in m["text"] for m in second)  # the first digest's thread
    for post in await store.recent_posts(CH, 3):
        assert len(await store.threads_of_paper(CH, post.arxiv_id)) == 1

    report = await scheduler.tick()  # the planned digest goes out now: it links, it opens nothing
    assert report.delivery.sent == 1 and len(openings(slack)) == 3
    scheduled = slack.fake.thread(CHANNEL, digests(slack)[-1]["ts"])
    assert len(digests(slack)) == 3 and len(scheduled) == 3
    assert all("discussion continues" in m["text"] and "react here" in m["text"] for m in scheduled)
