"""Digest planning for many subscribed channels (target < 1.5 s for 10,000 channels, < 15 s for 100,000).

    python benchmarks/bench_plan.py [--channels 10000] [--papers 300] [--trending | --stored-profiles] [--postgres SERVER_URL] [--breakdown] [--default-gc] [--no-analyze] [--json]

Fills a fresh database (a temporary SQLite file, or a throwaway database created on the
``--postgres`` server and dropped afterwards) with ``--papers`` papers announced on
one day, ``--channels`` subscriptions due at 09:00 UTC (mixed zones would only move due times) and
some history (each channel already got a few of the day's papers), then times one
``Planner.plan_due()``: compute who is due, rank, filter what each channel already saw, store
every plan in the outbox. Ranking: PERSONALISED per channel (``bot.scheduling.personal.PersonalRanker``,
i.e. ``rank_personal`` with the channel's profile and settings, cap and diversity). Paper vectors
(384-d) and channel profiles (3 to 8 liked/disliked papers each) are synthetic, served by an
in-memory stand-in for TasteUseCases: the timing covers the planner, the per-channel ranking and the
outbox writes, not loading profiles from stored reactions. ``--stored-profiles``: the real
``TasteUseCases`` loads every profile from the database as `paperbot run` does (paper vectors
stored under a model, up to 6 👍/👎 per channel from 3 members, settings), so the timing includes
that loading. ``--trending``: the trending-only planner.

The collector is tuned as `paperbot run` tunes it (``paperbot/gc_policy.py``: thresholds, and paused
during the pass as the scheduler's tick pauses it); ``--default-gc`` keeps CPython's thresholds and
collector, to measure what that tuning saves.

``--breakdown`` adds the wall and CPU seconds spent in each part (ranking, profile loading and
its queries, the outbox insert, the due subscriptions) — CPU time as well, as the machine is shared.

On PostgreSQL the fill ends with ``ANALYZE``, as autovacuum would long have analysed a running
database's tables: without statistics for the freshly filled tables, PostgreSQL read each chunk of
500 channels' reactions with a parallel sequential scan (49 ms at 100,000 channels, against 4.4 ms
through ``ix_reactions_channel_key`` once analysed; ``EXPLAIN ANALYZE``), ~8 s of a 100,000-channel
pass's wall time. ``--no-analyze`` leaves the statistics out, as runs before this option did.

The planner ranks the channels of a pool in batches (``PersonalRanker.rank_many`` →
``bot.taste.batched``); ``--channels 100000`` is the large-scale line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, text

from bot.domain import ChannelRef, Paper, Post, PostKind, Subscription
from bot.plural import counted
from bot.scheduling.personal import ChannelTastes, PersonalRanker
from bot.scheduling.planner import Planner
from bot.taste.ranking import Profile, Signal, TasteSettings
from bot.usecases.taste import TasteUseCases
from paperbot.blas import single_threaded_blas
from paperbot.gc_policy import collector_paused, tune_gc
from storage.mapping import post_values, subscription_values
from storage.migrate import upgrade
from storage.models import PostRow, ReactionRow, SubscriptionRow, table_of
from storage.store import SqlStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import scratch_database

DAY = date(2025, 11, 7)
NOW = datetime(2025, 11, 7, 9, 5, tzinfo=UTC)


async def fill(store: SqlStore, channels: int, papers: int, platform: str = "discord") -> None:
    """``papers`` papers of one day; ``channels`` subscriptions due at 09:00 UTC, each with 2 earlier posts."""
    def ref(i: int) -> ChannelRef:
        return ChannelRef(platform, f"G{i % 100}", f"C{i:05d}" if platform == "slack" else f"{i}")

    await store.upsert_papers(
        [Paper(f"2511.{i:05d}", f"Paper {i}", abstract="x", announced_on=DAY, upvotes=i % 97, sources=frozenset({"sample"}))
         for i in range(papers)]
    )
    created = datetime(2025, 11, 7, tzinfo=UTC)  # subscribed today: no earlier day is due
    subs = [subscription_values(Subscription(ref(i), dtime(9), "UTC", count=5,
                                             created_at=created), created_at=created) for i in range(channels)]
    posts = [post_values(Post(ref(i), f"old{i}", f"2511.{(i * 7 + k) % papers:05d}",
                              PostKind.ON_DEMAND, DAY, k), posted_at=created) for i in range(channels) for k in range(2)]
    async with store._sessions.begin() as session:  # bulk fill; the store API is one row per call
        await session.execute(insert(table_of(SubscriptionRow)), subs)
        for start in range(0, len(posts), 5000):
            await session.execute(insert(table_of(PostRow)), posts[start:start + 5000])


class SyntheticTaste:
    """What PersonalRanker needs from TasteUseCases (``ChannelTastes``), from seeded random vectors and profiles."""

    def __init__(self, papers: int, dim: int = 384, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        m = rng.standard_normal((papers, dim)).astype(np.float32)
        self.matrix = m / np.linalg.norm(m, axis=1, keepdims=True)
        self.rng = rng
        self.at = datetime(2025, 11, 1, tzinfo=UTC)

    async def vectors(self, papers: Sequence[Paper]) -> dict[str, np.ndarray]:
        return {p.arxiv_id: self.matrix[int(p.arxiv_id.split(".")[1])] for p in papers}

    async def channel_profile(self, channel: ChannelRef) -> Profile:
        n = int(self.rng.integers(3, 9))
        rows = self.rng.integers(0, len(self.matrix), n)
        return Profile([Signal(self.matrix[r], 1.0 if k % 4 else -1.0, "reaction", f"Paper {r}", self.at, f"2511.{r:05d}")
                        for k, r in enumerate(rows)])

    async def settings(self, channel: ChannelRef) -> TasteSettings:
        return TasteSettings(trending=0.3)

    async def channel_profiles(self, channels: Sequence[ChannelRef]) -> dict[str, Profile]:
        return {c.key: await self.channel_profile(c) for c in channels}

    async def settings_for(self, channels: Sequence[ChannelRef]) -> dict[str, TasteSettings]:
        return {c.key: await self.settings(c) for c in channels}


class PrecomputedOnly:
    """The embedder of the stored-profiles run: every vector is already stored, so planning must not encode."""

    model_name = "bench-synthetic-384"

    @property
    def ready(self) -> bool:
        return True  # nothing to load

    async def warm(self) -> None:
        pass

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise AssertionError(f"planning tried to embed {len(texts)} texts: vectors should come from the store")


async def store_profiles(store: SqlStore, channels: int, papers: int, seed: int = 7) -> None:
    """What the synthetic profiles stand for, in the database: each paper's vector under
    ``PrecomputedOnly.model_name``, and 3 members' 👍/👎 on each channel's 2 earlier posts (≤ 6 reactions)."""
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((papers, 384)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    await store.save_embeddings(PrecomputedOnly.model_name, {f"2511.{i:05d}": m[i] for i in range(papers)})
    created = datetime(2025, 11, 6, tzinfo=UTC)
    rows = []
    for i in range(channels):
        key = ChannelRef("discord", f"G{i % 100}", f"{i}").key
        for k in range(2):
            for user in range(3):
                if rng.random() < 0.8:
                    rows.append({"channel_key": key, "message_id": f"old{i}", "arxiv_id": f"2511.{(i * 7 + k) % papers:05d}",
                                 "user_id": f"U{user}", "emoji": "👍" if rng.random() < 0.7 else "👎", "created_at": created})
    async with store._sessions.begin() as session:
        for start in range(0, len(rows), 5000):
            await session.execute(insert(table_of(ReactionRow)), rows[start:start + 5000])


async def analyze(store: SqlStore) -> None:
    """PostgreSQL's statistics of the filled tables, which a running database's autovacuum keeps."""
    async with store._sessions.begin() as session:
        await session.execute(text("ANALYZE"))


class Breakdown:
    """Wall and CPU seconds inside chosen methods (``--breakdown``), wrapped on their classes."""

    PARTS = ((PersonalRanker, ("rank_many", "prepare")),
             (SqlStore, ("rated_for_channels", "thread_activity_for_channels", "signals_for", "channel_settings_for", "seen_ids",
                         "get_papers", "embeddings", "save_plans", "scheduled_subscriptions", "posted_among")))

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        for cls, names in self.PARTS:
            for name in names:
                setattr(cls, name, self._timed(name, getattr(cls, name)))

    def _timed(self, name: str, method: Callable[..., Any]) -> Callable[..., object]:
        """``method`` (any of ``PARTS``, coroutine function or not) wrapped to add its time to ``name``."""
        import functools
        import inspect

        def add(wall: float, cpu: float) -> None:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu

        if inspect.iscoroutinefunction(method):
            @functools.wraps(method)
            async def timed_async(*args: object, **kwargs: object) -> object:
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    return await method(*args, **kwargs)
                finally:
                    add(wall, cpu)
            return timed_async

        @functools.wraps(method)
        def timed(*args: object, **kwargs: object) -> object:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                add(wall, cpu)
        return timed

    def lines(self) -> list[str]:
        return [f"  {name:30s} wall {self.wall[name]:6.2f} s  cpu {self.cpu[name]:6.2f} s"
                for name in sorted(self.wall, key=lambda n: -self.wall[n])]


async def main() -> None:
    single_threaded_blas()  # as `paperbot run` does (paperbot/blas.py)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is created there (default: SQLite)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--trending", action="store_true", help="trending-only planner (no personal ranker)")
    parser.add_argument("--stored-profiles", action="store_true",
                        help="profiles loaded from stored reactions and vectors by the real TasteUseCases, as `paperbot run` does")
    parser.add_argument("--breakdown", action="store_true", help="wall and CPU seconds of each part of the pass")
    parser.add_argument("--default-gc", action="store_true", help="keep CPython's collector thresholds (not paperbot/gc_policy.py's)")
    parser.add_argument("--no-analyze", action="store_true", help="PostgreSQL: plan without ANALYZE after the fill (no statistics)")
    args = parser.parse_args()
    if not args.default_gc:
        tune_gc()  # as `paperbot run` does (paperbot/gc_policy.py)
    breakdown = None
    async with scratch_database(args.postgres) as url:
        await upgrade(url)
        async with SqlStore.connect(url) as store:
            await fill(store, args.channels, args.papers)
            taste: ChannelTastes
            if args.stored_profiles:
                await store_profiles(store, args.channels, args.papers)
                taste = TasteUseCases(store, PrecomputedOnly(), clock=lambda: NOW)
            else:
                taste = SyntheticTaste(args.papers)
            if args.postgres and not args.no_analyze:
                await analyze(store)
            ranker = None if args.trending else PersonalRanker(taste, clock=lambda: NOW)
            planner = Planner(store, store, clock=lambda: NOW, ranker=ranker)
            breakdown = Breakdown() if args.breakdown else None
            start, cpu = time.perf_counter(), time.process_time()
            with nullcontext() if args.default_gc else collector_paused():  # as the scheduler's tick does
                report = await planner.plan_due()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            rows = await store.outbox_status()
    target = 1.5 * args.channels / 10_000
    ranking = "trending" if args.trending else "personal, stored profiles" if args.stored_profiles else "personal"
    result = {"backend": url.split(":")[0], "ranking": ranking, "channels": args.channels, "papers": args.papers, "planned": report.planned,
              "outbox": rows, "seconds": round(seconds, 3), "channels_per_second": round(args.channels / seconds),
              "cpu_seconds": round(cpu, 3), "target_seconds": target}
    if breakdown is not None:
        result["breakdown"] = {name: {"wall": round(breakdown.wall[name], 3), "cpu": round(breakdown.cpu[name], 3)}
                               for name in breakdown.wall}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"plan ({result['ranking']}): {counted(report.planned, 'digest')} for {counted(args.channels, 'channel')} ({counted(args.papers, 'paper')}) on {result['backend']} "
              f"in {seconds:.2f} s, {cpu:.2f} s CPU ({result['channels_per_second']} channels/s; target < {target:g} s)")
        for line in breakdown.lines() if breakdown is not None else []:
            print(line)


if __name__ == "__main__":
    asyncio.run(main())
