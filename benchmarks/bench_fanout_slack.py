"""Fan-out to Slack: post due digests to a fake Slack Web API that allows one message per second
per channel (notes/benchmark.md §2: ≥ 90 % of the limit, zero lost, zero duplicated).

    python benchmarks/bench_fanout_slack.py [--channels 300] [--latency 0.03] [--postgres SERVER_URL] [--json]

Plans one 5-paper digest per Slack channel (real Planner, real store), then runs the real
Scheduler tick through the real ``SlackPlatform`` and slack_sdk's ``AsyncWebClient`` (with the
429 retry handler and the keep-alive session `paperbot run` configures) against a local aiohttp server speaking
``chat.postMessage``. A digest is 6 messages in one channel (the digest, then a thread reply per
paper). The server answers every request after ``--latency`` seconds and refuses a second message
in a channel within one second with a 429 (``Retry-After: 1``), stricter than Slack, which
tolerates short bursts "with no guarantee".

Prints the pace inside each channel as a share of 1 message/s (median and worst channel;
the adapter paces at 0.95/s), the 429s received, digests lost or duplicated (by the outbox tag
in each digest message's metadata), and the wall time against the least it could be.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from adapters.slack.app import build_client, keep_alive
from adapters.slack.pacing import ChannelPacer
from adapters.slack.platform import SlackPlatform
from bot.config import config_from_dict
from bot.scheduling.delivery import DeliverySettings
from bot.scheduling.scheduler import Scheduler, SchedulerSettings
from storage.migrate import upgrade
from storage.store import SqlStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import scratch_database
from bench_plan import fill

NOW = datetime(2025, 11, 7, 9, 5, tzinfo=UTC)
PAPERS_PER_DIGEST = 5  # fill() subscribes with count=5
LIMIT_PER_CHANNEL = 1.0


class FakeSlackApi:
    """``chat.postMessage`` with Slack's per-channel limit enforced strictly (no bursts)."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.accepted: dict[str, list[float]] = defaultdict(list)  # channel → arrival times
        self.tags: dict[str, list[str]] = defaultdict(list)  # channel → outbox tags of digest messages
        self.rejected = 0
        self._last: dict[str, float] = {}
        self._ts = 0
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/"  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        raw = await request.read()
        params: dict[str, Any] = (json.loads(raw or b"{}") if request.content_type == "application/json"
                                  else dict(parse_qsl(raw.decode())))
        await asyncio.sleep(self.latency)
        if request.match_info["method"] != "chat.postMessage":
            return web.json_response({"ok": False, "error": "unknown_method"})
        channel, now = str(params.get("channel")), time.monotonic()
        last = self._last.get(channel)
        if last is not None and now - last < 1.0 / LIMIT_PER_CHANNEL:
            self.rejected += 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"})
        self._last[channel] = now
        self.accepted[channel].append(now)
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        payload = (metadata or {}).get("event_payload") or {}
        if payload.get("tag") and not payload.get("index"):
            self.tags[channel].append(payload["tag"])
        self._ts += 1
        return web.json_response({"ok": True, "channel": channel, "ts": f"1762500000.{self._ts:06d}"})


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.03, help="seconds per Slack API request")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is created there (default: SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    api = FakeSlackApi(args.latency)
    await api.start()
    config = config_from_dict({"slack": {"bot_token": "xoxb-bench", "base_url": api.base_url}}, environ={})
    pacer = ChannelPacer(config.slack.channel_messages_per_second)
    client = build_client(config.slack)
    http = keep_alive(client)  # as `paperbot run` does (paperbot/slack_runner.py)
    platform = SlackPlatform(client, pacer=pacer)
    delivery = DeliverySettings()
    try:
        async with scratch_database(args.postgres) as url:
            await upgrade(url)
            async with SqlStore.connect(url) as store:
                await fill(store, args.channels, 300, platform="slack")
                scheduler = Scheduler(store, {"slack": platform}, clock=lambda: NOW,
                                      settings=SchedulerSettings(claim_batch=500), delivery_settings=delivery)
                await scheduler.planner.plan_due()
                start = time.monotonic()
                report = await scheduler.tick()
                wall = time.monotonic() - start
                status = await store.outbox_status()
    finally:
        await http.close()
        await api.stop()
    paces = [(len(times) - 1) / (times[-1] - times[0]) for times in api.accepted.values() if len(times) > 1]
    messages = sum(len(t) for t in api.accepted.values())
    lost = args.channels - len(api.tags)
    duplicated = sum(len(tags) - 1 for tags in api.tags.values() if len(tags) > 1)  # one digest per channel is due
    per_digest = PAPERS_PER_DIGEST * pacer.interval  # 6 messages, 5 gaps at the paced rate
    least = math.ceil(args.channels / delivery.concurrency) * per_digest
    result = {
        "backend": url.split(":")[0], "channels": args.channels, "messages": messages, "sent": report.delivery.sent,
        "limit_per_channel_per_s": LIMIT_PER_CHANNEL,
        "median_share_of_limit": round(statistics.median(paces) / LIMIT_PER_CHANNEL, 3) if paces else None,
        "worst_share_of_limit": round(min(paces) / LIMIT_PER_CHANNEL, 3) if paces else None,
        "http_429": api.rejected, "lost": lost, "duplicated": duplicated,
        "wall_seconds": round(wall, 2), "least_wall_seconds": round(least, 2),
        "concurrency": delivery.concurrency, "outbox": status,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"fanout slack ({result['backend']}): {args.channels} digests = {messages} messages in {wall:.1f} s "
              f"(least possible {least:.1f} s at {delivery.concurrency} concurrent digests); pace in a channel: median "
              f"{result['median_share_of_limit']:.1%}, worst {result['worst_share_of_limit']:.1%} of Slack's 1/s "
              f"(target ≥ 90 %); 429s: {api.rejected}; lost: {lost}; duplicated: {duplicated}; outbox: {status}")


if __name__ == "__main__":
    asyncio.run(main())
