"""Fan-out: post due digests to a fake Discord that enforces 50 requests/s (notes/benchmark.md §2).

    python benchmarks/bench_fanout.py [--channels 1000] [--latency 0.03] [--postgres SERVER_URL] [--json]

Plans one digest per channel (real Planner, real store), then runs the real Scheduler tick
(claim → rate limiter → send → record) against ``FakeDiscord``: every request takes
``--latency`` seconds; more than 50 requests in any sliding 1-second window is answered with a
429 (RateLimitedError with retry_after). Prints the sustained send rate as a share of the limit
(target ≥ 90 %), 429s received, and lost / duplicated digests (target: zero and zero).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter, deque
from datetime import UTC, date, datetime
from pathlib import Path

from bot.domain import ChannelRef
from bot.errors import RateLimitedError
from bot.ports import Sent, ThreadStyle
from bot.replies import Publication, TextReply
from bot.scheduling.scheduler import Scheduler, SchedulerSettings
from storage.migrate import upgrade
from storage.store import SqlStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import scratch_database
from bench_plan import fill

DAY = date(2025, 11, 7)
NOW = datetime(2025, 11, 7, 9, 5, tzinfo=UTC)
LIMIT = 50


class FakeDiscord:
    platform = "discord"

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.window: deque[float] = deque()
        self.accepted: list[float] = []
        self.by_tag: dict[str, list[str]] = {}
        self.posts: Counter[str] = Counter()
        self.rejected = 0

    def _admit(self) -> None:
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= LIMIT:
            self.rejected += 1
            raise RateLimitedError("429 Too Many Requests", retry_after=1.0 - (now - self.window[0]))
        self.window.append(now)
        self.accepted.append(now)

    finds_sent = True

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        return ThreadStyle.NONE  # the fan-out measures digests, not thread openings

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        if tag is None:
            raise AssertionError("the scheduler uses the tagged send")
        self._admit()
        await asyncio.sleep(self.latency)
        mid = f"m{len(self.accepted)}"
        self.by_tag[tag] = [mid] * len(publication.as_digest().items)
        self.posts[channel.key] += 1
        return Sent(mid, tuple(self.by_tag[tag]))

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        raise AssertionError("no empty days in this benchmark")

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        raise AssertionError("no threads in this benchmark")

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return None

    async def find_sent(self, channel: ChannelRef, tag: str, *, expected: Publication | TextReply | None = None,
                        since: datetime | None = None) -> Sent | None:
        ids = self.by_tag.get(tag)
        return Sent(ids[0], tuple(ids)) if ids else None

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        raise AssertionError("no DMs in this benchmark")

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        raise AssertionError("no files in this benchmark")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.03, help="seconds per platform request")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is created there (default: SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    platform = FakeDiscord(args.latency)
    async with scratch_database(args.postgres) as url:
        await upgrade(url)
        async with SqlStore.connect(url) as store:
            await fill(store, args.channels, 300)
            scheduler = Scheduler(store, {"discord": platform}, clock=lambda: NOW, settings=SchedulerSettings(claim_batch=500))
            await scheduler.planner.plan_due()
            start = time.monotonic()
            report = await scheduler.tick()
            wall = time.monotonic() - start
            status = await store.outbox_status()
    sends = platform.accepted
    span = sends[-1] - sends[0] if len(sends) > 1 else float("nan")
    rate = (len(sends) - 1) / span if len(sends) > 1 else 0.0
    lost = args.channels - len(platform.posts)
    duplicated = sum(n - 1 for n in platform.posts.values() if n > 1)
    result = {"backend": url.split(":")[0], "channels": args.channels, "limit_per_s": LIMIT, "sent": report.delivery.sent,
              "rate_per_s": round(rate, 2), "share_of_limit": round(rate / LIMIT, 3), "wall_seconds": round(wall, 2),
              "http_429": platform.rejected, "lost": lost, "duplicated": duplicated, "outbox": status}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"fanout ({result['backend']}): {len(sends)} digests in {wall:.1f} s, sustained {rate:.1f} req/s = "
              f"{rate / LIMIT:.1%} of Discord's {LIMIT}/s (target ≥ 90 %); 429s: {platform.rejected}; "
              f"lost: {lost}; duplicated: {duplicated}; outbox: {status}")


if __name__ == "__main__":
    asyncio.run(main())
