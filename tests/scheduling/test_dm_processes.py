"""Two real scheduler processes on one PostgreSQL: 100 members' DM digests and 20 channels' weekly
recaps, each posted exactly once, both processes taking a share.

This file is also the worker (``python -m tests.scheduling.test_dm_processes URL NOW POSTS``):
the FilePlatform of ``tests.harness.platforms`` plus ``open_dm`` and ``thread_url``.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Paper, Post, Reaction
from bot.scheduling.personal_ports import DmSubscription, Member, RecapSubscription
from bot.scheduling.scheduler import Scheduler, SchedulerSettings
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.platforms import FilePlatform, read_records

UTC = UTC
DAY = date(2025, 11, 7)  # a Friday
NOW = datetime(2025, 11, 7, 9, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


class DmFilePlatform(FilePlatform):
    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        return ChannelRef(self.platform, workspace, f"D-{user_id}")

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return f"https://chat.example/{channel.channel}/{thread_id}"


async def seed(url: str, members: int, channels: int) -> tuple[list[Member], list[ChannelRef]]:
    await upgrade(url)
    people = [Member("slack", "T1", f"U{i:03d}") for i in range(members)]
    places = [ChannelRef("slack", "T1", f"C{i:03d}") for i in range(channels)]
    created = datetime(2025, 11, 7, tzinfo=UTC)
    async with SqlStore.connect(url) as store:
        await store.upsert_papers([Paper(f"2511.{i:05d}", f"P{i}", announced_on=DAY, upvotes=i, sources=frozenset({"sample"}))
                                   for i in range(20)])
        for member in people:
            await store.save_dm(DmSubscription(member, time(9), "UTC", count=3, created_at=created))
        for channel in places:
            await store.save_recap(RecapSubscription(channel, 5, time(9), "UTC", created_at=created))
            await store.record_posts([Post(channel, "m1", "2511.00001", posted_at=NOW - timedelta(days=2))])
            # discussed (a recap leaves out papers nobody reacted to or replied about)
            await store.add_reaction(Reaction(channel, "m1", "2511.00001", "U001", "👍", NOW - timedelta(days=1)))
    return people, places


async def worker(url: str, posts: Path) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.scheduling.test_dm_processes", url, NOW.isoformat(), str(posts), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()[-3000:]
    return process.returncode


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # several processes need PostgreSQL
async def test_two_processes_send_dm_digests_and_recaps_exactly_once(db_url: str, tmp_path: Path) -> None:
    people, places = await seed(db_url, 100, 20)
    posts = tmp_path / "posts.jsonl"
    assert await asyncio.gather(worker(db_url, posts), worker(db_url, posts)) == [0, 0]
    records = read_records(posts)
    per_channel = Counter(r["channel"] for r in records)
    want = {f"slack:T1:D-{m.user_id}": 1 for m in people} | {c.key: 1 for c in places}
    assert per_channel == Counter(want)
    assert len({r["pid"] for r in records}) == 2, "both processes should have taken a share"
    recaps = [r for r in records if r["channel"] in {c.key for c in places}]
    assert all("\n1. P1 — 👍 1 👎 0 · 0 replies — https://arxiv.org/abs/2511.00001" in r["text"] for r in recaps)
    assert all(len(r["papers"]) == 3 for r in records if r["channel"].startswith("slack:T1:D-"))
    async with SqlStore.connect(db_url) as store:
        assert await store.outbox_status() == {"sent": 120}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("now")
    parser.add_argument("posts")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    folder = Path(args.posts).parent
    (folder / f"ready-{os.getpid()}").touch()
    for _ in range(600):  # start together, so both really compete for the same rows
        if len(list(folder.glob("ready-*"))) >= 2:
            break
        await asyncio.sleep(0.05)
    async with SqlStore.connect(args.url) as store:
        platform = DmFilePlatform(Path(args.posts), send_delay=0.05)
        scheduler = Scheduler(store, {"slack": platform}, clock=lambda: now, settings=SchedulerSettings(claim_batch=10))
        for _ in range(200):
            await scheduler.tick()
            status = await store.outbox_status()
            if not status.get("planned") and not status.get("sending"):
                break
            await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main())
