"""Personalised ranking for scheduled digests: the same ``rank_personal`` the on-demand digest uses.

Efficient for many channels: before a planning pass, ``prepare`` loads each pool's paper vectors
once (shared by every channel) and each due channel's profile and settings once; ranking a channel
is then pure numpy. Channels with an empty profile fall back to trending inside ``rank_personal``.

The per-channel ranking is ``rank_personal``'s algorithm with the channel-independent parts (the
trending order, the vector matrix) computed once per pool and a vectorised MMR; channels with
include/exclude filters go through ``rank_personal`` itself. ``tests/scheduling/test_personal.py``
checks both give the same order.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np

from bot.domain import ChannelRef, Paper, RankedPaper
from bot.ranking.trending import rank_trending
from bot.taste import ranking as taste_ranking
from bot.taste.ranking import Profile, TasteSettings, rank_personal, relevance


class PersonalRanker:
    """A planner ``Ranker`` backed by a ``TasteUseCases`` (``profile``/``settings``/``vectors``)."""

    def __init__(self, taste, *, clock=None) -> None:
        self._taste = taste
        self._clock = clock
        self._vectors: dict[str, np.ndarray] = {}
        self._profiles: dict[str, Profile] = {}
        self._settings: dict[str, TasteSettings] = {}
        self._pools: dict[tuple, tuple] = {}

    async def prepare(self, channels: Iterable[ChannelRef], papers: Sequence[Paper]) -> None:
        """Load the papers' vectors (once, for all channels) and each channel's profile and settings."""
        unique = {p.arxiv_id: p for p in papers}
        missing = [p for i, p in unique.items() if i not in self._vectors]
        if missing:
            self._vectors.update(await self._taste.vectors(missing))
        for channel in {c.key: c for c in channels}.values():
            if channel.key not in self._profiles:
                self._profiles[channel.key] = await self._taste.channel_profile(channel)
                self._settings[channel.key] = await self._taste.settings(channel)

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

    def _pool(self, papers: Sequence[Paper], day: date) -> tuple:
        key = (day, tuple(p.arxiv_id for p in papers))
        pool = self._pools.get(key)
        if pool is None:
            trending = rank_trending(papers, day)
            ordered = [r.paper for r in trending]
            vectors = self._vectors
            dim = len(next(iter(vectors.values()))) if vectors else 0
            has = np.array([p.arxiv_id in vectors for p in ordered])
            matrix = np.stack([vectors.get(p.arxiv_id, np.zeros(dim, dtype=np.float32)) for p in ordered]).astype(np.float32)
            trend = taste_ranking._rank_normalise(np.array([r.score for r in trending]))
            pool = self._pools[key] = (trending, ordered, has, matrix, trend)
        return pool

    def _fast(self, papers, day, profile: Profile, settings: TasteSettings, count: int, now) -> list[RankedPaper]:
        """``rank_personal`` without filters, sharing the pool's trending order and matrix."""
        if settings.cap is not None:
            count = min(count, settings.cap)
        if not papers or count <= 0:
            return []
        trending, ordered, has, matrix, trend = self._pool(papers, day)
        if profile.empty:
            return trending[:count]
        rel, explain, positives = relevance(matrix, profile, now, settings.half_life_days)
        rel = np.where(has, rel, rel.min() - 1 if len(rel) else 0)
        by_author: dict[int, str] = {}
        for s in profile.signals:
            if s.kind == "author" and s.weight > 0:
                for i, p in enumerate(ordered):
                    if taste_ranking._matches(p, (), (s.label,)):
                        rel[i] += taste_ranking.AUTHOR_BOOST
                        by_author.setdefault(i, s.label)
        t = min(1.0, max(0.0, settings.trending))
        score = (1 - t) * taste_ranking._rank_normalise(rel) + t * trend
        order = np.argsort(-score, kind="stable")
        if settings.threshold is not None:
            order = order[rel[order] >= settings.threshold]
        candidates = [int(i) for i in order]
        chosen = _mmr(candidates, score, matrix, count, settings.diversity)
        explored = None
        if settings.explore and len(profile.signals) < taste_ranking.EXPLORE_BELOW and count >= 3 and len(candidates) > count:
            chosen = chosen[: count - 1]
            pool = [i for i in candidates[: count * 4] if i not in chosen]
            known = np.stack([s.vector for s in profile.signals] + [matrix[i] for i in chosen])
            novelty = [(float((matrix[i] @ known.T).max()), i) for i in pool]
            explored = min(novelty)[1]
            chosen.append(explored)
        out = []
        for i in chosen:
            if i in by_author:
                why = f"by followed author {by_author[i]}"
            elif i == explored:
                why = "exploring: unlike what the channel has rated so far"
            elif explain[i] >= 0 and positives:
                signal = positives[int(explain[i])]
                why = "liked here before" if signal.arxiv_id == ordered[i].arxiv_id else taste_ranking._why(signal)
            else:
                why = trending[i].why
            out.append(RankedPaper(ordered[i], float(score[i]), why))
        return out


def _mmr(candidates: list[int], score: np.ndarray, matrix: np.ndarray, count: int, lam: float) -> list[int]:
    """``bot.taste.ranking._mmr`` vectorised: the running max similarity to the chosen is updated once per pick."""
    if lam <= 0:
        return list(candidates[:count])
    pool = np.array(candidates[: count * 6], dtype=int)
    if not len(pool):
        return []
    sub = matrix[pool]
    base = score[pool]
    taken = np.zeros(len(pool), dtype=bool)
    maxsim = np.full(len(pool), -np.inf)
    chosen: list[int] = []
    pick = 0
    while len(chosen) < min(count, len(pool)):
        chosen.append(int(pool[pick]))
        taken[pick] = True
        maxsim = np.maximum(maxsim, sub @ sub[pick])
        value = np.where(taken, -np.inf, base - lam * taste_ranking.near_copy(maxsim))
        pick = int(np.argmax(value))
    return chosen
