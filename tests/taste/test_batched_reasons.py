"""The batched reasons are ``digest_reason``'s, string for string, across every branch and near its thresholds."""
from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from bot.taste.batched_reasons import reasons_many
from bot.taste.ranking import Profile, Signal
from bot.taste.reasons import CLOSE_TO, LIKE_THRESHOLD, TOPIC_RIGHT_ON, TOPIC_THRESHOLD, VERY_CLOSE, digest_reason

AT = datetime(2025, 10, 1, tzinfo=UTC)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def at_cosine(rng: np.random.Generator, to: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector whose cosine to the unit vector ``to`` is ``cosine`` (up to float32 rounding)."""
    other = rng.standard_normal(len(to))
    other -= (other @ to) * to
    other /= np.linalg.norm(other)
    return unit(cosine * to.astype(np.float64) + np.sqrt(1 - cosine**2) * other)


def test_batched_reasons_are_digest_reason_for_every_posted_paper() -> None:
    rng = np.random.default_rng(5)
    dim, n_papers, n_channels = 32, 60, 120
    profiles, chosen = [], []
    matrix = np.stack([unit(rng.standard_normal(dim)) for _ in range(n_papers)])
    ids = [f"2511.{i:05d}" for i in range(n_papers)]
    edges = [LIKE_THRESHOLD, CLOSE_TO, VERY_CLOSE, TOPIC_THRESHOLD, TOPIC_RIGHT_ON]
    for b in range(n_channels):
        rows = sorted(rng.choice(n_papers, size=int(rng.integers(0, 8)), replace=False).tolist())
        signals = []
        for k in range(int(rng.integers(0, 6))):
            base = matrix[rows[k % len(rows)] if rows and k % 2 else int(rng.integers(0, n_papers))]
            vec = base if k % 3 == 0 else at_cosine(rng, base, float(rng.choice(edges + [0.3, 0.65, 0.75, 0.9])))
            weight = -1.0 if (b + k) % 4 == 0 else float(rng.uniform(0.5, 1.5))
            kind = "like" if k % 4 == 3 else "reaction"
            own = ids[int(rng.integers(0, n_papers))] if k % 5 == 1 else f"2510.{k:05d}"
            signals.append(Signal(vec, weight, kind, f"Liked paper {b}-{k}", AT, own))
        if b % 3 == 0:
            signals.append(Signal(at_cosine(rng, matrix[b % n_papers], float(rng.choice(edges))), 1.0, "topic", f"topic {b}"))
        if b % 7 == 0:
            signals.append(Signal(matrix[1], 1.0, "topic", f"twin topic {b}"))  # two topics exactly as near
            signals.append(Signal(matrix[1], 1.0, "topic", f"twin topic {b} again"))
        if b % 11 == 0:
            signals.append(Signal(unit(rng.standard_normal(dim)), 1.0, "author", "Ada Lovelace"))
        profiles.append(Profile(signals))
        chosen.append(rows)
    has = np.array([i % 13 != 5 for i in range(n_papers)])
    trend = np.linspace(1.0, 0.0, n_papers)
    relevance_rank = rng.uniform(0, 1, (n_channels, n_papers))
    t = np.array([[0.0, 0.3, 0.5, 1.0][b % 4] for b in range(n_channels)])
    by_author = [{chosen[b][0]: "Ada Lovelace"} if b % 10 == 0 and chosen[b] else {} for b in range(n_channels)]
    explored = [chosen[b][-1] if b % 6 == 0 and chosen[b] else None for b in range(n_channels)]
    whys = [f"trending: {i} upvotes" for i in range(n_papers)]
    got = reasons_many(ids, whys, matrix, has, trend, profiles, relevance_rank, t, by_author, explored, chosen)
    seen = set()
    for b, rows in enumerate(chosen):
        want = [digest_reason(arxiv_id=ids[i], vector=matrix[i] if has[i] else None, signals=profiles[b].signals,
                              trending_why=whys[i], relevance_part=(1 - float(t[b])) * float(relevance_rank[b, i]),
                              trending_part=float(t[b]) * float(trend[i]), author=by_author[b].get(i),
                              explored=i == explored[b]) for i in rows]
        assert got[b] == want, b
        seen.update(w.split(" ")[0] for w in want)
    assert {"very", "close", "a", "right", "on", "loosely", "fits", "trending:", "by", "exploring:", "rated"} <= seen, seen
