"""``rank_prepared`` for many channels at once: the planner's fast path for thousands of channels.

One channel at a time, planning 10,000 channels spent most of its time in numpy call overhead on
tiny arrays (a 6×6 Newton solve, a 300-vector sort, a 30-row MMR step, per channel). Here the same
steps run over a batch of channels: the logistic fits are stacked by size and solved together,
relevance is each channel's own matrix-vector product (a stacked ``X @ Wᵀ`` rounds differently, and
nearly every channel has relevances closer than that), the rank normalisation and the
blend with trending are row-wise array operations, top-k is ``argpartition`` (ties broken by pool
position, as the stable sort of the one-channel path does), and MMR steps all channels of a batch
together. The result is ``rank_prepared``'s, item for item (``tests/taste/test_batched_ranking.py``);
the only differences are in the last bits of float sums, which decide nothing but exact ties.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np

from bot.domain import Paper, RankedPaper
from bot.taste import ranking as taste_ranking
from bot.taste.batched_reasons import reasons_many
from bot.taste.ranking import (
    AUTHOR_BOOST,
    BIAS,
    EXPLORE_BELOW,
    NEAR_COPY,
    NEWTON_STEPS,
    POOL_NEGATIVE,
    PRIOR_PULL,
    Profile,
    TasteSettings,
    _matches,
    _mmr,
    decay,
    near_copy,
    pool_mean,
    topic_prior,
)

TIE_TOLERANCE = 1e-4  # relative gap under which float rounding could swap two values (MMR, exploration)
GRAM_UP_TO = 4000  # pools up to this many papers share one paper × paper similarity matrix in MMR


@dataclass(frozen=True)
class Pool:
    """A pool's channel-independent part (``prepare_pool``), in trending order."""

    trending: Sequence[RankedPaper]
    matrix: np.ndarray  # papers × dim, float32
    has: np.ndarray  # which papers have a vector
    trend: np.ndarray  # rank-normalised trending scores

    @cached_property
    def papers(self) -> list[Paper]:
        return [r.paper for r in self.trending]

    @cached_property
    def ids(self) -> list[str]:
        return [r.paper.arxiv_id for r in self.trending]

    @cached_property
    def whys(self) -> list[str]:
        return [r.why for r in self.trending]

    @cached_property
    def mean(self) -> np.ndarray | None:
        """``pool_mean``: the fit's pool negative, the same for every channel."""
        return pool_mean(self.matrix, self.has)


def rank_prepared_many(pool: Pool, profiles: Sequence[Profile], settings: Sequence[TasteSettings],
                       counts: Sequence[int], now: datetime | None = None,
                       skip: Sequence[AbstractSet[str]] | None = None) -> list[list[RankedPaper]]:
    """``rank_prepared(pool…, profiles[b], count=counts[b], settings=settings[b], now=now)`` for every b,
    without the papers of ``skip[b]`` (ranked, then left out before their reasons are worded)."""
    batch, (n_papers, dim) = len(profiles), pool.matrix.shape
    if batch == 0:
        return []
    skip = skip or [frozenset()] * batch
    if taste_ranking.SMOOTH_LEARNED:  # the smoothing is per channel: rank one at a time (a bench setting)
        return [[r for r in taste_ranking.rank_prepared(pool.trending, pool.matrix, pool.has, pool.trend, profile,
                                                        count=count, settings=setting, now=now)
                 if r.paper.arxiv_id not in left_out]
                for profile, setting, count, left_out in zip(profiles, settings, counts, skip, strict=True)]
    if n_papers == 0:
        return [[] for _ in profiles]
    weights, scored = preference_vectors(profiles, settings, dim, now, pool.mean)
    rel = np.zeros((batch, n_papers), dtype=np.float32)
    # relevance is each channel's own matrix-vector product, as ``relevance`` computes it: a stacked
    # product rounds differently, and with a day's hundreds of papers nearly every channel has two
    # relevances closer than that rounding (all 10,000 of the planning benchmark's), so each would
    # be recomputed anyway
    w32 = weights.astype(pool.matrix.dtype)
    for b in np.nonzero(scored)[0].tolist():
        rel[b] = pool.matrix @ w32[b]
    rel = np.where(pool.has[None, :], rel, (rel.min(axis=1) - 1)[:, None])
    by_author = _author_boosts(pool, profiles, rel)
    t = np.array([min(1.0, max(0.0, s.trending)) for s in settings])
    relevance_rank = _rank_normalise_rows(rel)
    score = (1 - t)[:, None] * relevance_rank + t[:, None] * pool.trend[None, :]
    candidates = _candidates(score, rel, settings, counts)
    chosen = _mmr_many(candidates, score, pool.matrix, counts, settings)
    explored = _explore_many(chosen, candidates, profiles, settings, counts, pool.matrix)
    ids = pool.ids
    chosen = [[i for i in rows if ids[i] not in left_out] if left_out else rows for rows, left_out in zip(chosen, skip, strict=True)]
    words = reasons_many(pool.ids, pool.whys, pool.matrix, pool.has, pool.trend, profiles, relevance_rank, t,
                         by_author, explored, chosen)
    papers = pool.papers
    return [[RankedPaper(papers[i], s, w) for i, s, w in zip(rows, score[b, rows].tolist(), words[b], strict=True)]
            for b, rows in enumerate(chosen)]


def preference_vectors(profiles: Sequence[Profile], settings: Sequence[TasteSettings], dim: int,
                       now: datetime | None, mean: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each profile's ``preference_vector`` (with the pool ``mean``) as a row, and which profiles have
    one (any rated or topic signal; the others score zero, as ``relevance`` does). Fits of the same
    size are solved together."""
    weights = np.zeros((len(profiles), dim), dtype=np.float64)
    scored = np.zeros(len(profiles), dtype=bool)
    # by number of rated signals: (b, w0, each rated signal's row in ``distinct``, label, decayed strength)
    by_size: dict[int, list[tuple[int, np.ndarray, list[int], list[float], list[float]]]] = defaultdict(list)
    zero = np.zeros(dim, dtype=np.float64)
    # the rated papers' distinct vectors (a pass's profiles rate a few hundred papers between them,
    # and share each paper's one array): each problem's vectors and Gram matrix are gathered from these
    table: dict[int, int] = {}
    distinct: list[np.ndarray] = []
    for b, (profile, s) in enumerate(zip(profiles, settings, strict=True)):
        # one pass: the rated signals, a liked topic, and any other signal that scores (a disliked topic or author)
        rows: list[int] = []
        labels: list[float] = []
        strengths: list[float] = []
        has_topic = other = False
        half_life = s.half_life_days
        for sig in profile.signals:
            if sig.kind == "topic":
                has_topic = has_topic or sig.weight > 0
                other = other or sig.weight < 0
            elif sig.kind == "author":
                other = other or sig.weight < 0
            elif sig.weight != 0:
                row = table.get(id(sig.vector))
                if row is None:
                    row = table[id(sig.vector)] = len(distinct)
                    distinct.append(sig.vector)
                rows.append(row)
                labels.append(1.0 if sig.weight > 0 else 0.0)
                strengths.append(abs(sig.weight) * decay(sig.at, now, half_life))
        if not (rows or has_topic or other):
            continue
        scored[b] = True
        w0 = topic_prior(profile, dim, now, half_life) if has_topic else zero  # no topic: topic_prior's zeros
        if rows:
            by_size[len(rows)].append((b, w0, rows, labels, strengths))
        else:
            weights[b] = w0
    if not distinct:
        return weights, scored
    pooled: int | None = None  # the pool mean's row in ``vectors``, when it takes part as a 👎
    if mean is not None and POOL_NEGATIVE > 0:
        pooled = len(distinct)
        distinct.append(mean)
    vectors = np.stack(distinct).astype(np.float64)
    gram_all = vectors @ vectors.T
    for n, group in by_size.items():
        # ``dual_problem`` of each member, stacked: vectors, labels, class-balanced decayed weights
        at = np.array([rows for _, _, rows, _, _ in group], dtype=np.intp)
        y = np.array([labels for _, _, _, labels, _ in group])
        strength = np.array([strengths for _, _, _, _, strengths in group])
        w0s = np.stack([w0 for _, w0, _, _, _ in group])
        n_pos = np.maximum(1, y.sum(axis=1).astype(int))[:, None]
        n_neg = np.maximum(1, n - y.sum(axis=1).astype(int))[:, None]
        weight = np.where(y == 1, n / (2 * n_pos), n / (2 * n_neg)) * strength
        if pooled is not None:  # the pool negative: one more 👎, the same row for each member
            at = np.concatenate([at, np.full((len(group), 1), pooled, dtype=np.intp)], axis=1)
            y = np.concatenate([y, np.zeros((len(group), 1))], axis=1)
            weight = np.concatenate([weight, np.full((len(group), 1), float(POOL_NEGATIVE))], axis=1)
        x = vectors[at]
        gram = gram_all[at[:, :, None], at[:, None, :]] + BIAS**2  # the bias: a constant feature
        beta = _fit_dual_many(gram, (x @ w0s[:, :, None])[:, :, 0], y, weight)
        fitted = w0s + (beta[:, None, :] @ x)[:, 0, :]
        weights[[b for b, _, _, _, _ in group]] = fitted
    return weights, scored


def _fit_dual_many(gram: np.ndarray, base: np.ndarray, y: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``_fit_dual`` for a stack of same-size problems; each stops when its own step is small."""
    count, n = y.shape
    beta = np.zeros((count, n))
    eye = np.eye(n)
    running = np.arange(count)
    for _ in range(NEWTON_STEPS):
        g, b = gram[running], beta[running]
        p = 1.0 / (1.0 + np.exp(-(base[running] + (g @ b[:, :, None])[:, :, 0])))
        w, target = weight[running], y[running]
        residual = w * (p - target)
        curvature = w * p * (1 - p)
        step = np.linalg.solve(curvature[:, :, None] * g + PRIOR_PULL * eye,
                               (residual + PRIOR_PULL * b)[:, :, None])[:, :, 0]
        beta[running] = b - step
        running = running[np.abs(step).max(axis=1) >= 1e-6]
        if not len(running):
            break
    return beta


def _author_boosts(pool: Pool, profiles: Sequence[Profile], rel: np.ndarray) -> list[dict[int, str]]:
    """AUTHOR_BOOST on followed authors' papers (in place), and which author each boosted row names."""
    out: list[dict[int, str]] = []
    papers = pool.papers
    for b, profile in enumerate(profiles):
        named: dict[int, str] = {}
        for s in profile.signals:
            if s.kind == "author" and s.weight > 0:
                for i, p in enumerate(papers):
                    if _matches(p, (), (s.label,)):
                        rel[b, i] += AUTHOR_BOOST
                        named.setdefault(i, s.label)
        out.append(named)
    return out


def _stable_order_rows(values: np.ndarray) -> np.ndarray:
    """``values.argsort(axis=1, kind="stable")``. For float32 rows: each value's bits mapped to an
    int32 of the same order (-0.0 made +0.0 first, as they compare equal), its column index in the
    low 32 bits of an int64 key — keys are then distinct, so numpy's vectorised sort of the keys
    gives the stable order, ~4 times faster than the stable (merge) sort of the floats."""
    if values.dtype != np.float32 or values.shape[1] >= 2**31 or np.isnan(values).any():  # NaN: the float sort's place
        return values.argsort(axis=1, kind="stable")
    bits = (values + np.float32(0.0)).view(np.int32)
    key = (bits ^ ((bits >> 31) & np.int32(0x7FFFFFFF))).astype(np.int64)
    key <<= 32
    key |= np.arange(values.shape[1], dtype=np.int64)
    key.sort(axis=1)
    key &= np.int64(0xFFFFFFFF)
    return key


def _rank_normalise_rows(values: np.ndarray) -> np.ndarray:
    """``_rank_normalise`` of each row."""
    rows, n = values.shape
    order = _stable_order_rows(values)
    ranks = np.empty(values.shape)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(n, dtype=np.float64), values.shape), axis=1)
    ranks /= max(1, n - 1)
    ranks[np.ptp(values, axis=1) == 0] = 0.0
    return ranks


def _candidates(score: np.ndarray, rel: np.ndarray, settings: Sequence[TasteSettings],
                counts: Sequence[int]) -> list[list[int]]:
    """Each row's first ``max(count·6, count+1)`` pool rows by descending score, ties by position
    (``argsort(-score, kind="stable")``), without those under the channel's threshold."""
    rows, n = score.shape
    wanted = [max(c * 6, c + 1) for c in counts]
    k = min(n, max(wanted))
    neg = -score
    if k < n:
        top = np.argpartition(neg, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(neg, top, axis=1)
        order = np.take_along_axis(top, np.lexsort((top, values), axis=1), axis=1)
        # a tie across the partition's edge could leave out an earlier row with the same score
        edge = np.take_along_axis(neg, order[:, -1:], axis=1)
        exact = (neg <= edge).sum(axis=1) == k
    else:
        order = np.argsort(neg, axis=1, kind="stable")
        exact = np.ones(rows, dtype=bool)
    out = []
    for b, s in enumerate(settings):
        if s.threshold is not None or not exact[b]:
            full = np.argsort(neg[b], kind="stable")
            if s.threshold is not None:
                full = full[rel[b][full] >= s.threshold]
            out.append(full[: wanted[b]].tolist())
        else:
            out.append(order[b, : wanted[b]].tolist())
    return out


def _mmr_many(candidates: Sequence[list[int]], score: np.ndarray, matrix: np.ndarray, counts: Sequence[int],
              settings: Sequence[TasteSettings]) -> list[list[int]]:
    """``_mmr`` of every row; rows with the same digest size and pool size step together."""
    out: list[list[int]] = [[] for _ in candidates]
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for b, cands in enumerate(candidates):
        count, lam = counts[b], settings[b].diversity
        if lam <= 0:
            out[b] = list(cands[:count])
        elif cands[: count * 6]:
            groups[(count, len(cands[: count * 6]))].append(b)
    similarity = matrix @ matrix.T if len(matrix) <= GRAM_UP_TO else None  # the pool's, shared by every channel
    for (count, size), rows in groups.items():
        pool = np.array([candidates[b][: count * 6] for b in rows], dtype=int)
        lams = np.array([settings[b].diversity for b in rows])[:, None]
        sub = matrix[pool] if similarity is None else None
        base = score[np.array(rows)[:, None], pool]
        every = np.arange(len(rows))
        taken = np.zeros(pool.shape, dtype=bool)
        maxsim = np.full(pool.shape, -np.inf)
        pick = np.zeros(len(rows), dtype=int)
        chosen = np.empty((len(rows), min(count, size)), dtype=int)
        unsure = np.zeros(len(rows), dtype=bool)
        for step in range(min(count, size)):
            chosen[:, step] = pool[every, pick]
            taken[every, pick] = True
            if similarity is not None:
                sims = similarity[pool, chosen[:, step][:, None]]
            else:
                assert sub is not None
                sims = (sub @ sub[every, pick][:, :, None])[:, :, 0]
            maxsim = np.maximum(maxsim, sims)
            value = np.where(taken, -np.inf, base - lams * near_copy(maxsim))
            pick = value.argmax(axis=1)
            # a near-tie for the next pick where a similarity penalty applies: rounding could decide it
            if size > 1:
                top2 = np.sort(value, axis=1)[:, -2:]
                penalised = ((maxsim > NEAR_COPY - TIE_TOLERANCE) & ~taken).any(axis=1)
                with np.errstate(invalid="ignore"):  # -inf − -inf once every candidate is taken: no tie
                    unsure |= penalised & (top2[:, 1] - top2[:, 0] < TIE_TOLERANCE * (np.abs(top2[:, 1]) + 1.0))
        for j, b in enumerate(rows):
            out[b] = _mmr(candidates[b], score[b], matrix, count, settings[b].diversity) if unsure[j] else chosen[j].tolist()
    return out


def _explore_many(chosen: list[list[int]], candidates: Sequence[list[int]], profiles: Sequence[Profile],
                  settings: Sequence[TasteSettings], counts: Sequence[int], matrix: np.ndarray) -> list[int | None]:
    """``rank_prepared``'s exploration slot for every row that gets one (in place in ``chosen``):
    rows with as many signals, picks and candidates are scored together; a near-tie goes through
    the one-channel ``_explore``."""
    explored: list[int | None] = [None] * len(chosen)
    groups: dict[tuple[int, int, int], list[tuple[int, list[int], list[int]]]] = defaultdict(list)
    for b, profile in enumerate(profiles):
        count, cands = counts[b], candidates[b]
        if settings[b].explore and len(profile.signals) < EXPLORE_BELOW and count >= 3 and len(cands) > count:
            kept = chosen[b][: count - 1]
            looked = [i for i in cands[: count * 4] if i not in kept]
            groups[(len(profile.signals), len(kept), len(looked))].append((b, kept, looked))
    dim = matrix.shape[1]
    for (n_signals, n_kept, n_looked), members in groups.items():
        known = np.concatenate([
            np.array([[s.vector for s in profiles[b].signals] for b, _, _ in members]).reshape(len(members), n_signals, dim),
            matrix[np.array([kept for _, kept, _ in members], dtype=int).reshape(len(members), n_kept)],
        ], axis=1)
        rows = np.array([lk for _, _, lk in members], dtype=int)
        novelty = (matrix[rows] @ known.transpose(0, 2, 1)).max(axis=2)  # members × looked-at
        ordered = np.sort(novelty, axis=1)
        close = (ordered[:, 1] - ordered[:, 0] < TIE_TOLERANCE * (np.abs(ordered[:, 0]) + 1.0)) if n_looked > 1 \
            else np.zeros(len(members), dtype=bool)
        least = np.where(novelty == ordered[:, :1], rows, np.iinfo(np.int64).max).min(axis=1)
        for j, (b, kept, _) in enumerate(members):
            if close[j]:
                chosen[b], explored[b] = _explore(kept, candidates[b][: counts[b] * 4], profiles[b], matrix)
            else:
                chosen[b], explored[b] = kept + [int(least[j])], int(least[j])
    return explored


def _explore(chosen: list[int], looked_at: list[int], profile: Profile, matrix: np.ndarray) -> tuple[list[int], int]:
    """``rank_prepared``'s exploration slot: the candidate least like anything known or chosen."""
    pool = [i for i in looked_at if i not in chosen]
    known = np.stack([s.vector for s in profile.signals] + [matrix[i] for i in chosen])
    novelty = (matrix[pool] @ known.T).max(axis=1)
    if len(novelty) > 1 and np.diff(np.sort(novelty)[:2])[0] < TIE_TOLERANCE * (abs(float(novelty.min())) + 1.0):
        novelty = np.array([float((matrix[i] @ known.T).max()) for i in pool])  # a near-tie: the one-channel products
    least = novelty.min()
    explored = min(i for i, v in zip(pool, novelty, strict=True) if v == least)
    return chosen + [explored], explored
