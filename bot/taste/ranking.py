"""Personal ranking: a profile learned from signals, blended with trending, diversified, explained.

This is the one ranking the bot uses for channel and member digests (``DigestUseCases``)
and the one the taste benchmark drives (``paperbot bench taste``).

Signals are unit vectors with a signed weight: reactions on posted papers (👍 +1, 👎 −1, via
the emoji table), seed papers (`/papers like`), topic phrases and followed authors.
Each weight decays with age (half-life, default 30 days).

Relevance of a paper x (all vectors unit, so dot = cosine) is a linear score x·w, where w is a
logistic regression fitted to the channel's rated papers (liked = 1, disliked = 0; classes balanced,
each example weighted by its decayed signal weight) with an L2 pull towards a prior w₀:

    w₀      = unit(Σ decayed topic vectors)            (0 without a topic phrase)
    w, b    = argmin  Σᵢ sᵢ·logloss(yᵢ, x_i·w + b) + POOL_NEGATIVE·logloss(0, m·w + b)
                      + (PRIOR_PULL/2)·(‖w − w₀‖² + b²/BIAS²)

so a topic phrase ranks alone on day one, keeps steering when few papers are rated, and yields
to the channel's 👍/👎 as they accumulate (the loss is summed, not averaged: each rating adds
evidence against a prior of fixed strength). PRIOR_PULL = 2.5 makes the prior weigh after one
day of five ratings what the averaged form with 0.5 weighed; on the taste benchmark the figures
are sensitive to it (topic P@5 0.48 / 0.60 / 0.48 / 0.55 for 1 / 2.5 / 5 / 10, before b and m).

b and m let w learn a direction rather than a level. The embeddings share a common direction
(every cosine is positive; the prior's logits x·w₀ are 0.05–0.3 for every paper), so without a
bias the fit had to tilt w to score a 👎 low; b, a constant feature BIAS in the fit penalised like a
weight, takes the level instead. m, the mean vector of the papers being ranked, is one more 👎: the
day's unrated papers as a single weak negative (arxiv-sanity-lite takes every unliked paper as
one). Chosen on the taste benchmark's `--wider` sample, where they meet every paired target (the fit
without them missed one); on the 13 protocol channels they cost the protocol's topic P@5 (0.600 →
0.554) and gain the 3-posts variant's reactions-only lead (benchmarks/README.md, "Learning rules tried").

By the representer theorem w − w₀ lies in the span of the rated vectors and m, so the fit is a few
Newton steps on an n×n system (n = rated papers + 1): cheap enough for thousands of channels per
planning pass; b only adds BIAS² to every entry of the Gram matrix and the same constant to every
score, so the ranking never needs its value. The fit (before b and m) beat the earlier Rocchio
centroid (liked − ½·disliked) on the taste benchmark: P@5 0.477 vs 0.385 on reactions only, 0.600
vs 0.554 with a topic phrase. Followed authors add AUTHOR_BOOST to their papers' relevance.

Score = (1 − t)·rank-normalised relevance + t·rank-normalised trending, t the channel's
``trending`` setting; without any signal the order is trending's. A greedy MMR pass keeps a
digest from being five near-copies (only similarity above NEAR_COPY is penalised, so
related-but-distinct papers on the channel's topic are not pushed out), and a channel with little feedback gets one exploration
slot: a good-but-unlike-anything-known paper, whose reaction teaches the profile the most.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from bot.domain import Paper, RankedPaper
from bot.ranking.trending import rank_trending
from bot.taste.author_match import names_author
from bot.taste.reasons import digest_reason
from bot.taste.smoothing import smooth

HALF_LIFE_DAYS = 30.0
TOPIC_WEIGHT = 1.0
PRIOR_PULL = 2.5
BIAS = 1.0  # the constant feature of the fit: its bias is penalised as a weight of BIAS would be
POOL_NEGATIVE = 1.0  # weight of the ranked pool's mean vector as one more 👎 (0: none)
NEWTON_STEPS = 8
MMR_LAMBDA = 1.0
NEAR_COPY = 0.75  # cosine above which two papers count as near-copies in one digest
AUTHOR_BOOST = 1.0
EXPLORE_BELOW = 5  # fewer signals than this → one exploration slot
# Label propagation of learned scores over the day's pool (bot/taste/smoothing.py): off. Chosen on
# --wider it helps there and on k3/two-categories, but lowers the protocol's topic P@5 from 0.600 to
# 0.538, under the 0.55 floor (benchmarks/README.md); `paperbot bench taste --smooth` measures it.
SMOOTH_LEARNED = False


@dataclass(frozen=True)
class Signal:
    """One thing a channel or member taught: a vector, a signed weight, when, and how to name it."""

    vector: np.ndarray
    weight: float
    kind: str  # "reaction" | "like" | "topic" | "author"
    label: str  # a liked paper's title, the topic phrase, the author
    at: datetime | None = None
    arxiv_id: str | None = None


@dataclass(frozen=True)
class TasteSettings:
    """A channel's ranking settings (`/papers settings`)."""

    trending: float = 0.3
    threshold: float | None = None
    cap: int | None = None
    include_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    include_authors: tuple[str, ...] = ()
    exclude_authors: tuple[str, ...] = ()
    diversity: float = MMR_LAMBDA
    explore: bool = True
    half_life_days: float = HALF_LIFE_DAYS


@dataclass
class Profile:
    signals: list[Signal] = field(default_factory=list)

    @property
    def likes(self) -> int:
        return sum(1 for s in self.signals if s.weight > 0 and s.kind in ("reaction", "like"))

    @property
    def dislikes(self) -> int:
        return sum(1 for s in self.signals if s.weight < 0)

    @property
    def empty(self) -> bool:
        return not self.signals


def decay(at: datetime | None, now: datetime | None, half_life_days: float = HALF_LIFE_DAYS) -> float:
    if at is None or now is None:
        return 1.0
    age = max(0.0, (now - at).total_seconds() / 86400.0)
    return float(0.5 ** (age / half_life_days))


def _rank_normalise(values: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1] (ties share a rank); a constant array gives zeros."""
    if len(values) == 0 or np.ptp(values) == 0:
        return np.zeros(len(values))
    order = values.argsort(kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    return ranks / max(1, len(values) - 1)


def _matches(paper: Paper, keywords: Sequence[str], authors: Sequence[str]) -> bool:
    text = f"{paper.title} {paper.abstract}".lower()
    if any(k.lower() in text for k in keywords):
        return True
    return any(names_author(a, paper.authors) for a in authors)


def filter_papers(papers: Sequence[Paper], settings: TasteSettings) -> list[Paper]:
    out = [p for p in papers if not _matches(p, settings.exclude_keywords, settings.exclude_authors)]
    if settings.include_keywords or settings.include_authors:
        out = [p for p in out if _matches(p, settings.include_keywords, settings.include_authors)]
    return out


def relevance(matrix: np.ndarray, profile: Profile, now: datetime | None = None, half_life_days: float = HALF_LIFE_DAYS,
              has: np.ndarray | None = None) -> tuple[np.ndarray, list[Signal]]:
    """Relevance of each row of ``matrix``, and the positive signals (``has``: the rows with a vector,
    whose mean is the fit's pool negative; all rows if not given)."""
    positives = [s for s in profile.signals if s.weight > 0 and s.kind != "author"]
    negatives = [s for s in profile.signals if s.weight < 0]
    if not positives and not negatives:
        return np.zeros(len(matrix)), positives
    w = preference_vector(profile, matrix.shape[1], now, half_life_days, pool_mean(matrix, has))
    return matrix @ w.astype(matrix.dtype, copy=False), positives


def pool_mean(matrix: np.ndarray, has: np.ndarray | None = None) -> np.ndarray | None:
    """The mean vector of the pool's papers that have one (None if none has): the fit's pool negative."""
    rows = matrix if has is None else matrix[has]
    return rows.astype(np.float64).mean(axis=0) if len(rows) else None


def preference_vector(profile: Profile, dim: int, now: datetime | None = None, half_life_days: float = HALF_LIFE_DAYS,
                      mean: np.ndarray | None = None) -> np.ndarray:
    """w of the module docstring: the topic prior, refined by the rated papers and the pool ``mean``
    (``pool_mean``; None: no pool negative)."""
    w0 = topic_prior(profile, dim, now, half_life_days)
    rated = [s for s in profile.signals if s.kind not in ("topic", "author") and s.weight != 0]
    if not rated:
        return w0
    x = np.stack([s.vector for s in rated]).astype(np.float64)
    y = np.array([1.0 if s.weight > 0 else 0.0 for s in rated])
    strength = np.array([abs(s.weight) * decay(s.at, now, half_life_days) for s in rated])
    n_pos, n_neg = max(1, int(y.sum())), max(1, int(len(y) - y.sum()))
    weight = np.where(y == 1, len(y) / (2 * n_pos), len(y) / (2 * n_neg)) * strength
    if mean is not None and POOL_NEGATIVE > 0:
        x, y, weight = np.vstack([x, mean[None, :]]), np.append(y, 0.0), np.append(weight, POOL_NEGATIVE)
    beta = _fit_dual(x @ x.T + BIAS**2, x @ w0, y, weight)
    weights: np.ndarray = w0 + x.T @ beta
    return weights


def topic_prior(profile: Profile, dim: int, now: datetime | None = None, half_life_days: float = HALF_LIFE_DAYS) -> np.ndarray:
    """w₀: the unit sum of the decayed topic vectors (zeros without a topic phrase); shared with the
    batched fit (``bot.taste.batched``)."""
    w0 = np.zeros(dim, dtype=np.float64)
    for s in profile.signals:
        if s.kind == "topic" and s.weight > 0:
            w0 += TOPIC_WEIGHT * s.weight * decay(s.at, now, half_life_days) * s.vector
    norm = float(np.linalg.norm(w0))
    if norm > 0:
        w0 /= norm
    return w0


def _fit_dual(gram: np.ndarray, base: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Newton steps for the weighted, prior-centred logistic regression in its n-dim dual form."""
    n = len(y)
    beta = np.zeros(n)
    eye = np.eye(n)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(base + gram @ beta)))
        residual = weight * (p - y)
        curvature = weight * p * (1 - p)
        step = np.linalg.solve(curvature[:, None] * gram + PRIOR_PULL * eye, residual + PRIOR_PULL * beta)
        beta -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return beta


def near_copy(similarity: np.ndarray | float) -> np.ndarray | float:
    """0 below NEAR_COPY, rising to 1 for identical vectors: the MMR penalty's shape."""
    return np.maximum(0.0, similarity - NEAR_COPY) / (1.0 - NEAR_COPY)


def rank_personal(
    papers: Sequence[Paper],
    vectors: Mapping[str, np.ndarray],
    profile: Profile,
    reference_day: date,
    *,
    count: int,
    settings: TasteSettings = TasteSettings(),
    now: datetime | None = None,
) -> list[RankedPaper]:
    """The top ``count`` of ``papers`` for ``profile`` (papers without a vector rank by trending only)."""
    papers = filter_papers(papers, settings)
    if settings.cap is not None:
        count = min(count, settings.cap)
    if not papers or count <= 0:
        return []
    trending = rank_trending(papers, reference_day)
    if profile.empty:
        return trending[:count]
    matrix, has, trend = prepare_pool(trending, vectors)
    return rank_prepared(trending, matrix, has, trend, profile, settings=settings, count=count, now=now)


def prepare_pool(trending: Sequence[RankedPaper], vectors: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The channel-independent part of ranking a pool, in trending order (a stable order for ties):
    the papers' vectors as rows (zeros where missing), which have one, and rank-normalised trending."""
    papers = [r.paper for r in trending]
    dim = len(next(iter(vectors.values()))) if vectors else 0
    has = np.array([p.arxiv_id in vectors for p in papers])
    matrix = np.stack([vectors.get(p.arxiv_id, np.zeros(dim, dtype=np.float32)) for p in papers]).astype(np.float32)
    return matrix, has, _rank_normalise(np.array([r.score for r in trending]))


def rank_prepared(
    trending: Sequence[RankedPaper],
    matrix: np.ndarray,
    has: np.ndarray,
    trend: np.ndarray,
    profile: Profile,
    *,
    count: int,
    settings: TasteSettings = TasteSettings(),
    now: datetime | None = None,
) -> list[RankedPaper]:
    """``rank_personal`` after its channel-independent part: the pool's trending order, the
    matching vector rows (``has``: which papers have one) and rank-normalised trending scores.

    Shared with the scheduler's ``PersonalRanker``, which prepares a pool once for many channels.
    """
    papers = [r.paper for r in trending]
    rel, _ = relevance(matrix, profile, now, settings.half_life_days, has)
    if SMOOTH_LEARNED and (profile.likes or profile.dislikes):  # smoothed over the pool (bot/taste/smoothing.py)
        rel = smooth(matrix, rel, has)
    rel = np.where(has, rel, rel.min() - 1 if len(rel) else 0)
    by_author: dict[int, str] = {}
    for s in profile.signals:
        if s.kind == "author" and s.weight > 0:
            for i, p in enumerate(papers):
                if _matches(p, (), (s.label,)):
                    rel[i] += AUTHOR_BOOST
                    by_author.setdefault(i, s.label)
    t = min(1.0, max(0.0, settings.trending))
    relevance_rank = _rank_normalise(rel)
    score = (1 - t) * relevance_rank + t * trend  # digest_reason below weighs the same two parts
    order = np.argsort(-score, kind="stable")
    if settings.threshold is not None:
        order = order[rel[order] >= settings.threshold]
    candidates = order[: max(count * 6, count + 1)].tolist()  # all that MMR (count*6) and exploration (count*4) look at
    chosen = _mmr(candidates, score, matrix, count, settings.diversity)
    explored = None
    if settings.explore and len(profile.signals) < EXPLORE_BELOW and count >= 3 and len(candidates) > count:
        chosen = chosen[: count - 1]
        pool = [i for i in candidates[: count * 4] if i not in chosen]
        known = np.stack([s.vector for s in profile.signals] + [matrix[i] for i in chosen])
        novelty = [(float((matrix[i] @ known.T).max()), i) for i in pool]
        explored = min(novelty)[1]
        chosen.append(explored)

    def reason(i: int) -> str:  # for the posted few only (bot.taste.reasons), not the whole pool
        return digest_reason(arxiv_id=papers[i].arxiv_id, vector=matrix[i] if has[i] else None, signals=profile.signals,
                             trending_why=trending[i].why, relevance_part=(1 - t) * float(relevance_rank[i]),
                             trending_part=t * float(trend[i]), author=by_author.get(i), explored=i == explored)

    return ranked_items(trending, score, chosen, reason)


def ranked_items(trending: Sequence[RankedPaper], score: np.ndarray, chosen: Sequence[int],
                 reason: Callable[[int], str]) -> list[RankedPaper]:
    """The chosen pool rows as ranked papers with their one-line reason (``reason(i)``: one channel's
    ``digest_reason`` for row i — the same words whether one channel or a batch was ranked)."""
    return [RankedPaper(trending[i].paper, float(score[i]), reason(i)) for i in chosen]


def _mmr(candidates: list[int], score: np.ndarray, matrix: np.ndarray, count: int, lam: float) -> list[int]:
    """Greedy MMR over the top candidates; each pick updates the running max similarity to the chosen once."""
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
        value = np.where(taken, -np.inf, base - lam * near_copy(maxsim))
        pick = int(np.argmax(value))
    return chosen
