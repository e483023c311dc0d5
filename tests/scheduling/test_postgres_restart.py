"""The fault suite's database part: PostgreSQL stops in the middle of a delivery and comes back.

On a private cluster this test starts and restarts itself (never the shared server): the platform
stops the database right after it posted the 4th digest, so that digest's record, and the records
and thread openings of the digests being sent at the same time, fail. When the server is back and
the leases have run out, every interrupted send is found again by its tag — recorded, never sent
twice — the threads it missed are opened, and reactions given while the database was down are kept
and applied. Counts go to the fault tally printed at the end of the run.
"""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.app import PaperBot
from bot.domain import ChannelRef, ReactionEvent, Subscription
from bot.ports import Sent
from bot.replies import Publication
from bot.scheduling.ports import SENT
from bot.scheduling.scheduler import Scheduler, SchedulerSettings
from bot.usecases.kept_kinds import kept_reaction
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.builders import papers
from tests.harness.clocks import Clock
from tests.harness.platforms import ThreadedPlatform
from tests.harness.private_postgres import PrivateCluster, private_cluster
from tests.harness.tally import FAULTS

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

FRI = datetime(2025, 11, 7, 9, 5, tzinfo=UTC)
CHANNELS = [ChannelRef("slack", "T1", f"C{n:02d}") for n in range(12)]


class StopsTheDatabase(ThreadedPlatform):
    """Posts like a real platform; right after the ``at``-th digest went out, the database stops."""

    def __init__(self, cluster: PrivateCluster, at: int) -> None:
        super().__init__()
        self.cluster, self.at, self.digests = cluster, at, 0

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        sent = await super().send(channel, publication, tag=tag)
        self.digests += 1
        if self.digests == self.at:
            await asyncio.to_thread(self.cluster.stop)
        return sent


async def tick(scheduler: Scheduler) -> None:
    try:
        await scheduler.tick()
    except Exception:
        pass


async def test_a_postgresql_restart_mid_delivery_loses_and_doubles_nothing() -> None:
    with private_cluster() as cluster:
        await upgrade(cluster.url)
        async with SqlStore.connect(cluster.url) as store:
            await store.upsert_papers(papers(FRI.date()))
            for channel in CHANNELS:
                await store.save_subscription(Subscription(channel, time(9), "UTC", count=3, created_at=FRI - timedelta(days=1)))
            clock = Clock(FRI)
            bot = PaperBot(store, clock=clock)
            platform = StopsTheDatabase(cluster, at=4)
            scheduler = Scheduler(store, {"slack": platform}, clock=clock, publisher=bot.publisher,
                                  settings=SchedulerSettings(lease=timedelta(minutes=5), thread_repair_every=timedelta(0)))
            await tick(scheduler)  # delivers until the database stops under it
            FAULTS.injected()
            await asyncio.to_thread(cluster.start)
            clock.now += timedelta(minutes=10)  # the interrupted sends' leases have run out
            for _ in range(3):
                await tick(scheduler)
                clock.now += timedelta(minutes=10)

            statuses = {r["channel_key"]: r["status"] for r in await store.outbox_rows()}
            assert set(statuses.values()) == {SENT} and len(statuses) == len(CHANNELS)
            sends = {channel.key: platform.count(channel.key) for channel in CHANNELS}
            assert set(sends.values()) == {1}, sends  # every channel got its digest, once
            FAULTS.posts(expected=len(CHANNELS), sent=sum(1 for n in sends.values() if n),
                         duplicated=sum(n - 1 for n in sends.values() if n > 1))
            for channel in CHANNELS:
                posts = await store.recent_posts(channel)
                assert len(posts) == 3
                for post in posts:  # one thread per paper, opened late where the restart cut it off
                    assert len(await store.threads_of_paper(channel, post.arxiv_id)) == 1

            # reactions while the database is down again: kept, and applied when it is back
            bot.retry.delays = (0.2, 0.5, 1.0, 2.0, 4.0)
            posts = []
            for channel in CHANNELS[:4]:
                posts += await store.recent_posts(channel)
            await asyncio.to_thread(cluster.stop)
            FAULTS.injected()
            for n, post in enumerate(posts):
                event = ReactionEvent(post.channel, post.message_id, f"U{n}", "👍", True, event_id=f"Ev{n}")
                await bot.keep_for_retry(kept_reaction(event, f"reaction {n}"))
            await asyncio.to_thread(cluster.start)
            for _ in range(200):
                if bot.retry.pending == 0:
                    break
                await asyncio.sleep(0.05)
            stored = 0
            for channel in CHANNELS[:4]:
                stored += len(await store.reactions_for_channel(channel))
            FAULTS.reactions(sent=len(posts), stored=stored)
            assert stored == len(posts) and bot.retry.counts.lost == 0
            await bot.close()
