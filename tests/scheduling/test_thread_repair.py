"""A digest whose threads were not opened (the database restarted, the platform refused for a moment,
the process died between recording the posts and opening the threads) gets them later, once.

Real store (SQLite and PostgreSQL), the scheduler `paperbot run` uses, a fake platform with threads.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain import ChannelRef, Subscription
from bot.errors import TransientDeliveryError
from bot.scheduling.scheduler import Scheduler
from storage.store import SqlStore
from tests.harness.builders import papers
from tests.harness.clocks import Clock
from tests.harness.platforms import ThreadedPlatform
from tests.harness.tally import FAULTS

A = ChannelRef("slack", "T1", "CA")
FRI = datetime(2025, 11, 7, 9, 5, tzinfo=UTC)


class Refusing(ThreadedPlatform):
    """Opening a thread fails ``fail`` times (the platform or the database was down just then)."""

    def __init__(self, fail: int) -> None:
        super().__init__()
        self.fail = fail

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        if self.fail:
            self.fail -= 1
            raise TransientDeliveryError("503 while opening a thread")
        return await super().open_thread(channel, root_message_id, name)


@pytest.mark.faults
async def test_threads_missed_at_delivery_are_opened_later_once(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI.date()))
    await store.save_subscription(Subscription(A, time(9), "UTC", count=3, created_at=FRI - timedelta(days=1)))
    platform, clock = Refusing(fail=3), Clock(FRI)
    scheduler = Scheduler(store, {"slack": platform}, clock=clock)
    report = await scheduler.tick()
    assert report.delivery.sent == 1 and platform.threads == []  # the digest is out, its threads are not
    posts = await store.recent_posts(A)
    assert len(posts) == 3
    for post in posts:
        assert await store.threads_of_paper(A, post.arxiv_id) == []

    clock.now += timedelta(minutes=15)
    assert (await scheduler.tick()).threads_repaired == 3
    assert sorted(root for _, root, _ in platform.threads) == sorted(p.message_id for p in posts)
    for post in posts:
        assert len(await store.threads_of_paper(A, post.arxiv_id)) == 1
    clock.now += timedelta(minutes=15)
    assert (await scheduler.tick()).threads_repaired == 0 and len(platform.threads) == 3  # never twice
    FAULTS.injected(3)
    FAULTS.posts(expected=3, sent=len({p.message_id for p in posts}))
