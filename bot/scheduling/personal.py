"""Personalised ranking for scheduled digests: the same ``rank_personal`` the on-demand digest uses.

Efficient for many channels: before a planning pass, ``prepare`` loads each pool's paper vectors
once (shared by every channel) and each due channel's profile and settings once; ranking a channel
is then pure numpy. Channels with an empty profile fall back to trending inside ``rank_personal``.

The per-channel ranking is ``rank_personal``'s own second half (``rank_prepared``), with the
channel-independent part (the trending order, the vector matrix) computed once per pool; channels
with include/exclude filters go through ``rank_personal`` itself. ``tests/scheduling/test_personal.py``
checks both give the same order. ``rank_many`` ranks many channels of one pool together
(``bot.taste.batched``: one matrix product per batch of channels), the planner's fast path.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from typing import Protocol

import numpy as np

from bot.clock import Clock
from bot.domain import ChannelRef, Paper, RankedPaper
from bot.ranking.trending import rank_trending
from bot.taste.batched import Pool, rank_prepared_many
from bot.taste.ranking import Profile, TasteSettings, prepare_pool, rank_personal, rank_prepared

# one pool's trending order, vectors as rows, which papers have one, and rank-normalised trending
_Pool = tuple[list[RankedPaper], np.ndarray, np.ndarray, np.ndarray]

BATCH = 1024  # channels ranked together: a batch's score matrix is BATCH × papers floats


class ChannelTastes(Protocol):
    """What the ranker reads of the channels' tastes, many channels at a time: ``TasteUseCases``
    serves it from the store, ``benchmarks/bench_plan.py`` from synthetic vectors and profiles."""

    async def vectors(self, papers: Sequence[Paper]) -> dict[str, np.ndarray]: ...

    async def channel_profiles(self, channels: Sequence[ChannelRef]) -> dict[str, Profile]: ...

    async def settings_for(self, channels: Sequence[ChannelRef]) -> dict[str, TasteSettings]: ...


class PersonalRanker:
    """A planner ``Ranker`` backed by ``ChannelTastes`` (``TasteUseCases``: vectors, profiles, settings)."""

    def __init__(self, taste: ChannelTastes | None, *, clock: Clock | None = None) -> None:
        self._taste = taste
        self._clock = clock
        self._vectors: dict[str, np.ndarray] = {}
        self._profiles: dict[str, Profile] = {}
        self._settings: dict[str, TasteSettings] = {}
        self._pools: dict[tuple[date, tuple[str, ...]], _Pool] = {}

    async def prepare(self, channels: Iterable[ChannelRef], papers: Sequence[Paper]) -> None:
        """Load the papers' vectors (once, for all channels) and each channel's profile and settings."""
        unique = {p.arxiv_id: p for p in papers}
        missing = [p for i, p in unique.items() if i not in self._vectors]
        if missing and self._taste is not None:
            self._vectors.update(await self._taste.vectors(missing))
        todo = [c for c in {c.key: c for c in channels}.values() if c.key not in self._profiles]
        if todo and self._taste is not None:  # many at once: a few queries per chunk of channels
            self._profiles.update(await self._taste.channel_profiles(todo))
            self._settings.update(await self._taste.settings_for(todo))

    def use(self, vectors: dict[str, np.ndarray], profiles: dict[str, Profile],
            settings: dict[str, TasteSettings] | None = None) -> None:
        """Preloaded data (benchmarks, tests)."""
        self._vectors.update(vectors)
        self._profiles.update(profiles)
        self._settings.update(settings or {})

    def reset(self) -> None:
        """Forget profiles between planning passes (reactions change); vectors stay valid."""
        self._profiles.clear()
        self._settings.clear()
        self._pools.clear()

    def __call__(self, channel: ChannelRef, papers: Sequence[Paper], day: date, count: int | None = None) -> list[RankedPaper]:
        profile = self._profiles.get(channel.key) or Profile()
        settings = self._settings.get(channel.key, TasteSettings())
        now = self._clock() if self._clock is not None else None
        count = count or len(papers)
        if settings.include_keywords or settings.include_authors or settings.exclude_keywords or settings.exclude_authors:
            return rank_personal(papers, self._vectors, profile, day, count=count, settings=settings, now=now)
        return self._fast(papers, day, profile, settings, count, now)

    def rank_many(self, channels: Sequence[ChannelRef], papers: Sequence[Paper], day: date,
                  counts: Sequence[int], skip: Sequence[AbstractSet[str]] | None = None) -> list[list[RankedPaper]]:
        """``self(channel, papers, day, count)`` for each channel and count, without ``skip[j]``'s
        papers (``Ranker.rank_many``); the plain channels (no include/exclude filters, a non-empty
        profile) ranked in batches."""
        skip = skip or [frozenset()] * len(channels)
        now = self._clock() if self._clock is not None else None
        out: list[list[RankedPaper]] = [[] for _ in channels]
        batch: list[tuple[int, Profile, TasteSettings, int]] = []

        def kept(j: int, ranked: list[RankedPaper]) -> list[RankedPaper]:
            return [r for r in ranked if r.paper.arxiv_id not in skip[j]] if skip[j] else ranked

        for j, (channel, count) in enumerate(zip(channels, counts, strict=True)):
            profile = self._profiles.get(channel.key) or Profile()
            settings = self._settings.get(channel.key, TasteSettings())
            count = count or len(papers)
            if settings.include_keywords or settings.include_authors or settings.exclude_keywords or settings.exclude_authors:
                out[j] = kept(j, rank_personal(papers, self._vectors, profile, day, count=count, settings=settings, now=now))
                continue
            if settings.cap is not None:
                count = min(count, settings.cap)
            if not papers or count <= 0:
                continue
            if profile.empty:
                out[j] = kept(j, self._pool(papers, day)[0][:count])
            else:
                batch.append((j, profile, settings, count))
        if batch:
            pool = Pool(*self._pool(papers, day))
            for start in range(0, len(batch), BATCH):
                part = batch[start:start + BATCH]
                ranked = rank_prepared_many(pool, [p for _, p, _, _ in part], [s for _, _, s, _ in part],
                                            [c for _, _, _, c in part], now, [skip[j] for j, _, _, _ in part])
                for (j, _, _, _), items in zip(part, ranked, strict=True):
                    out[j] = items
        return out

    def _pool(self, papers: Sequence[Paper], day: date) -> _Pool:
        key = (day, tuple(p.arxiv_id for p in papers))
        pool = self._pools.get(key)
        if pool is None:
            trending = rank_trending(papers, day)
            matrix, has, trend = prepare_pool(trending, self._vectors)
            pool = self._pools[key] = (trending, matrix, has, trend)
        return pool

    def _fast(self, papers: Sequence[Paper], day: date, profile: Profile, settings: TasteSettings, count: int,
              now: datetime | None) -> list[RankedPaper]:
        """``rank_personal`` without filters, sharing the pool's trending order and matrix."""
        if settings.cap is not None:
            count = min(count, settings.cap)
        if not papers or count <= 0:
            return []
        trending, matrix, has, trend = self._pool(papers, day)
        if profile.empty:
            return trending[:count]
        return rank_prepared(trending, matrix, has, trend, profile, count=count, settings=settings, now=now)
