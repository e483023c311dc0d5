"""Real processes: two schedulers on one PostgreSQL post every digest exactly once; a process
killed between "sent" and "recorded" is restarted and nothing is lost or doubled."""
from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Paper, Subscription
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.platforms import read_records

UTC = UTC
DAY = date(2025, 11, 7)
NOW = datetime(2025, 11, 7, 9, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


async def seed(url: str, channels: int) -> list[ChannelRef]:
    await upgrade(url)
    refs = [ChannelRef("slack", "T1", f"C{i:04d}") for i in range(channels)]
    async with SqlStore.connect(url) as store:
        await store.upsert_papers(
            [Paper(f"2511.{i:05d}", f"P{i}", announced_on=DAY, upvotes=i, sources=frozenset({"sample"})) for i in range(20)]
        )
        for ref in refs:
            await store.save_subscription(
                Subscription(ref, time(9), "UTC", count=3, created_at=datetime(2025, 11, 7, tzinfo=UTC))
            )
    return refs


async def worker(url: str, posts: Path, now: datetime = NOW, *extra: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.scheduling.worker_proc", url, now.isoformat(), str(posts), *extra, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode in (0, 3), err.decode()[-3000:]
    return process.returncode


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # several processes need PostgreSQL
async def test_two_processes_post_200_digests_exactly_once(db_url: str, tmp_path: Path) -> None:
    refs = await seed(db_url, 200)
    posts = tmp_path / "posts.jsonl"
    codes = await asyncio.gather(*(worker(db_url, posts, NOW, "--send-delay", "0.05", "--barrier", "2") for _ in range(2)))
    assert codes == [0, 0]
    records = read_records(posts)
    per_channel = Counter(r["channel"] for r in records)
    assert per_channel == Counter({ref.key: 1 for ref in refs})
    assert len({r["pid"] for r in records}) == 2, "both processes should have taken a share"
    async with SqlStore.connect(db_url) as store:
        assert await store.outbox_status() == {"sent": 200}
        for ref in refs[:5]:
            assert len(await store.recent_posts(ref)) == 3


async def test_killed_between_sent_and_recorded_then_restarted(db_url: str, tmp_path: Path) -> None:
    refs = await seed(db_url, 10)
    posts = tmp_path / "posts.jsonl"
    assert await worker(db_url, posts, NOW, "--die-after-send", "4") == 3  # killed after its 4th send
    assert len(read_records(posts)) == 4
    async with SqlStore.connect(db_url) as store:
        assert (await store.outbox_status()).get("sending")  # claims of the dead process
    assert await worker(db_url, posts, NOW + timedelta(minutes=16)) == 0  # restart after the lease
    assert Counter(r["channel"] for r in read_records(posts)) == Counter({ref.key: 1 for ref in refs})
    async with SqlStore.connect(db_url) as store:
        assert await store.outbox_status() == {"sent": 10}
        for ref in refs:
            assert len(await store.recent_posts(ref)) == 3
