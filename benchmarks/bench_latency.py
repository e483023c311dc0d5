"""Interaction latency of `/papers today` on a big store (notes/benchmark.md §2; target p99 < 300 ms).

    python benchmarks/bench_latency.py [--papers 100000] [--reactions 1000000] [--channels 10000]
                                       [--requests 300] [--personal] [--threaded-blas] [--postgres SERVER_URL] [--json]

Fills a scratch database (temporary SQLite file, or a throwaway database on the ``--postgres``
server) with synthetic papers spread over a year, posts (10 per channel) and reactions (spread
over those posts and 100 users), then times ``PaperBot.handle(requester, "today")`` — from the
command entering the core to the reply object being returned to the adapter — for random
channels; p50, p95 and p99 over the requests.

By default the bot is built without an embedder (trending ranking). ``--personal``: the
personalised ranking as `paperbot run` has it — the real all-MiniLM-L6-v2 (onnx), warmed before
timing; every paper's vector stored under that model (as the fetch job leaves them; synthetic
unit vectors, the timing does not depend on their values); every 10th channel follows a topic
phrase — so each request loads the channel's settings, reactions, signals, thread activity and the
day's vectors, fits the profile and ranks the day's papers (``TasteUseCases.rank``).

The SQLite dataset is built once and kept in ``/tmp`` (``--keep-dir``; delete the file to rebuild);
on ``--postgres`` a scratch database is filled and dropped each run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.app import PaperBot
from bot.domain import ChannelRef, Paper, Requester
from bot.plural import counted
from bot.taste.model import TOPIC
from paperbot.blas import single_threaded_blas
from storage.mapping import paper_values
from storage.migrate import upgrade
from storage.models import PaperEmbeddingRow, PaperRow, PostRow, ReactionRow, TasteSignalRow, table_of
from storage.store import SqlStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import scratch_database

LAST_DAY = date(2025, 11, 7)
T0 = datetime(2025, 11, 7, 12, tzinfo=UTC)
BATCH = 10_000


def channel(i: int) -> ChannelRef:
    return ChannelRef("discord", f"G{i % 100}", str(i))


async def fill(store: SqlStore, papers: int, reactions: int, channels: int) -> None:
    rng = random.Random(1)
    async with store._sessions.begin() as session:
        rows = [paper_values(Paper(f"p{i:07d}", f"Paper {i}", abstract="synthetic", announced_on=LAST_DAY - timedelta(days=i % 365),
                                   upvotes=rng.randint(0, 300), sources=frozenset({"sample"})), first_seen_at=T0, last_seen_at=T0)
                for i in range(papers)]
        for start in range(0, len(rows), BATCH):
            await session.execute(insert(table_of(PaperRow)), rows[start:start + BATCH])
    per_channel = 10
    posts = []
    for c in range(channels):
        ref = channel(c)
        for k in range(per_channel):
            posts.append({"channel_key": ref.key, "platform": ref.platform, "workspace": ref.workspace, "channel": ref.channel,
                          "message_id": f"m{k}", "arxiv_id": f"p{(c * per_channel + k) % papers:07d}", "kind": "scheduled",
                          "digest_day": LAST_DAY, "position": 0, "posted_at": T0})
    async with store._sessions.begin() as session:
        for start in range(0, len(posts), BATCH):
            await session.execute(insert(table_of(PostRow)), posts[start:start + BATCH])
    per_post = max(1, reactions // len(posts))
    async with store._sessions.begin() as session:
        batch = []
        for post in posts:
            for u in range(per_post):
                batch.append({"channel_key": post["channel_key"], "message_id": post["message_id"], "arxiv_id": post["arxiv_id"],
                              "user_id": f"U{u}", "emoji": "👍" if u % 3 else "👎", "created_at": T0})
                if len(batch) >= BATCH:
                    await session.execute(insert(table_of(ReactionRow)), batch)
                    batch = []
        if batch:
            await session.execute(insert(table_of(ReactionRow)), batch)


async def fill_taste(store: SqlStore, papers: int, channels: int, model: str) -> None:
    """Every paper's vector under ``model`` (384-d, synthetic) and a topic phrase on every 10th channel."""
    import numpy as np

    rng = np.random.default_rng(3)
    async with store._sessions.begin() as session:
        for start in range(0, papers, BATCH):
            m = rng.standard_normal((min(BATCH, papers - start), 384)).astype(np.float32)
            m /= np.linalg.norm(m, axis=1, keepdims=True)
            await session.execute(insert(table_of(PaperEmbeddingRow)), [
                {"arxiv_id": f"p{start + i:07d}", "model": model, "dimension": 384, "vector": m[i].tobytes(), "created_at": T0}
                for i in range(len(m))])
        topics = ["diffusion models for video", "protein structure prediction", "reinforcement learning from feedback"]
        await session.execute(insert(table_of(TasteSignalRow)), [
            {"scope": channel(c).key, "kind": TOPIC, "value": topics[c % 3], "weight": 1.0, "created_by": "U1", "created_at": T0}
            for c in range(0, channels, 10)])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--reactions", type=int, default=1_000_000)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is created there (default: SQLite)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--personal", action="store_true", help="personalised ranking with the real model, warm (default: trending)")
    parser.add_argument("--keep-dir", default="/tmp", help="where the SQLite dataset is kept between runs")
    parser.add_argument("--threaded-blas", action="store_true",
                        help="leave numpy's OpenBLAS multi-threaded (the figure before paperbot/blas.py)")
    args = parser.parse_args()
    if not args.threaded_blas:
        single_threaded_blas()  # as `paperbot run` does
    embedder = None
    if args.personal:
        from bot.taste.onnx_embedder import OnnxEmbedder

        embedder = OnnxEmbedder()
        embedder.encode_sync(["warm-up"])  # the model warm, as `paperbot run` warms it at start
    kind = "personal" if args.personal else "trending"
    cached = Path(args.keep_dir) / f"paperbot_latency_{kind}_{args.papers}_{args.reactions}_{args.channels}_v1.sqlite3"
    done = cached.with_suffix(".done")  # written once the fill completed: a half-built file is rebuilt
    reused = not args.postgres and cached.exists() and done.exists()
    if not args.postgres and not reused:
        cached.unlink(missing_ok=True)
    async with scratch_database(args.postgres, sqlite_file=cached) as url:
        await upgrade(url)
        async with SqlStore.connect(url) as store:
            started = time.perf_counter()
            if not reused:
                await fill(store, args.papers, args.reactions, args.channels)
                if embedder is not None:
                    await fill_taste(store, args.papers, args.channels, embedder.model_name)
                if not args.postgres:
                    done.touch()
            fill_seconds = time.perf_counter() - started
            bot = PaperBot(store, clock=lambda: T0, embedder=embedder)
            rng = random.Random(2)
            await bot.handle(Requester(channel(0), "U1"), "today")  # warm-up
            times = []
            for _ in range(args.requests):
                requester = Requester(channel(rng.randrange(args.channels)), "U1")
                start = time.perf_counter()
                await bot.handle(requester, "today")
                times.append((time.perf_counter() - start) * 1000)
    times.sort()

    def pct(q: float) -> float:
        return times[min(len(times) - 1, int(len(times) * q))]

    p50, p95, p99 = statistics.median(times), pct(0.95), pct(0.99)
    result = {"backend": url.split(":")[0], "ranking": kind, "papers": args.papers, "reactions": args.reactions,
              "channels": args.channels, "requests": args.requests, "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
              "p99_ms": round(p99, 1), "fill_seconds": round(fill_seconds, 1), "dataset_reused": reused}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"latency ({result['backend']}, {kind}): /papers today with {counted(args.papers, 'paper')}, {counted(args.reactions, 'reaction')}, "
              f"{counted(args.channels, 'channel')}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms over {counted(args.requests, 'request')} "
              f"(target p99 < 300 ms; {'dataset reused' if reused else f'fill {fill_seconds:.0f} s'})")

if __name__ == "__main__":
    asyncio.run(main())
