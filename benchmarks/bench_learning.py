"""Learning rules tried for issue #16 ("learning that holds up"), measured on the taste benchmark.

Not the product: each trial swaps ``bot.taste.ranking``'s fit, smoothing or exploration for one
candidate rule for the length of this process, runs paperbot's two rows (reactions only, with a
topic) of the protocol and its variants, and prints the paired comparisons against
zotero-arxiv-daily and the phrase alone, as ``paperbot bench taste --variants`` does. The
baselines' rows do not depend on the rule; they are computed once and kept in ``--cache``.
Figures and the conclusions drawn from them: benchmarks/README.md ("Learning rules tried").

    python benchmarks/bench_learning.py --listings LISTINGS --wider --trials before,product,smooth-fixed
    python benchmarks/bench_learning.py --listings LISTINGS --trials before,product,pool-negative
    python benchmarks/bench_learning.py --listings LISTINGS --ceiling

``--ceiling`` runs no trial: it prints, per variant, how far the all-labels ceiling's P@5 is above the
phrase alone's, paired over channels, against one paired standard error — whether "beat the phrase by
more than one s.e." is within reach even of a learner that sees every label.

``product`` is the product's ranking and the ``product-…`` / ``product+…`` trials are rules on top of
it; every other trial is a rule on top of ``before``, the fit before its bias and pool negative
(``BIAS = POOL_NEGATIVE = 0``), on which they were measured.
The ``product+topic-text-…`` trials change not the fit but the text a topic phrase is embedded as
(the bench's topic vectors); the phrase-alone row uses the same vectors, so under them it is rerun
per trial instead of taken from ``--cache``.
Choose on ``--wider``; the 13 protocol channels only report.
"""
from __future__ import annotations

import argparse
import pickle
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.domain import RankedPaper
from bot.taste import ranking as R
from bot.taste import smoothing
from bot.taste.backends import make_embedder
from bot.taste.embedder import DEFAULT_MODEL
from paperbot.bench import taste as T
from paperbot.bench.listings import cached_embeddings, load_listings

# The fit before the bias and the pool negative (BIAS = POOL_NEGATIVE = 0): the first round's rules
# and the second round's were measured on top of it, and keep their meaning here.
BEFORE: dict[str, Any] = {"intercept": 0.0, "pool_negative": 0.0}
# fifth round: how the topic phrase p is embedded (RULE["topic_text"]: the texts it is embedded as; several
# give the unit mean of their vectors, prompt ensembling as in CLIP's zero-shot classifiers). The first
# template is the product's bare phrase. Trials product+topic-text-<name>.
TEMPLATES = ("{p}", "A paper about {p}.", "Research on {p}", "arXiv paper: {p}", "{p}: new methods and results")
TOPIC_TEXTS: dict[str, tuple[str, ...]] = {
    "bare": TEMPLATES[:1], "paper": TEMPLATES[1:2], "research": TEMPLATES[2:3], "arxiv": TEMPLATES[3:4],
    "methods": TEMPLATES[4:], "ensemble": TEMPLATES, "ensemble-4": TEMPLATES[1:],
}
# name → the rule's settings (the keys read below; {} is the product's ranking)
TRIALS: dict[str, dict[str, Any]] = {
    "product": {}, "before": BEFORE,
    "product-pull-1.5": {"pull": 1.5}, "product-pull-4": {"pull": 4.0},  # the product with another PRIOR_PULL
    # third round: the first round's two runners-up on top of the product's fit (bias and pool negative)
    "product+smooth-by-count": {"smooth": (0.5, 10)},
    "product+explore-top10": {"explore_pool": 2},
    "product+explore-top10+smooth-by-count": {"explore_pool": 2, "smooth": (0.5, 10)},
    # fourth round, on top of the product's fit. Rank fusion with the phrase: relevance = s·rank(x·w₀) +
    # (1 − s)·rank(x·w), s = k/(k + n), n the channel's ratings (with a topic and n ≥ 1 only)
    "product+fusion-3": {"fusion": 3.0}, "product+fusion-6": {"fusion": 6.0}, "product+fusion-12": {"fusion": 12.0},
    # self-training from the phrase: the pool's top m by x·w₀ as 👍 of weight ω in the fit while the
    # channel has fewer than N ratings (and at least n_min): (m, ω, N, n_min)
    "product+self-m3-0.5": {"self": (3, 0.5, 10, 1)}, "product+self-m5-0.25": {"self": (5, 0.25, 10, 1)},
    "product+self-m3-0.25": {"self": (3, 0.25, 10, 1)}, "product+self-m5-0.5": {"self": (5, 0.5, 10, 1)},
    "product+self-m3-0.5-N25": {"self": (3, 0.5, 25, 1)},
    "product+self-m3-0.5-cold": {"self": (3, 0.5, 10, 0)},  # also before the first rating (pseudo-relevance feedback)
    # sixth round, on top of the product's fit. (a) the learned part w − w₀ confined to the span of the day's
    # pool's top k principal directions and w₀'s residual (+mean: and the pool mean's): (k, extra axes)
    "product+subspace-16": {"subspace": (16, ("w0",))}, "product+subspace-32": {"subspace": (32, ("w0",))},
    "product+subspace-64": {"subspace": (64, ("w0",))}, "product+subspace-32+mean": {"subspace": (32, ("w0", "mean"))},
    "product+subspace-64+mean": {"subspace": (64, ("w0", "mean"))}, "product+subspace-128": {"subspace": (128, ("w0",))},
    # (b) PRIOR_PULL ×½ and ×2 (2.5 → 1.25, 5)
    "product-pull-1.25": {"pull": 1.25}, "product-pull-5": {"pull": 5.0},
    # (c) stacking: a per-channel logistic over [x·w₀, the fit's score, max cos to 👍, max cos to 👎], fitted on the
    # rated papers' leave-one-out features, its weights pulled (strength λ) towards the fit's score alone: λ
    "product+stack-3": {"stack": 3.0}, "product+stack-10": {"stack": 10.0},
} | {f"product+topic-text-{name}": {"topic_text": templates} for name, templates in TOPIC_TEXTS.items()
} | {name: BEFORE | rule for name, rule in {
    # first round
    "no-explore": {"explore_below": 0},  # no exploration slot at all
    "explore-top10": {"explore_pool": 2},  # the exploration slot chosen among the top count·2, not count·4
    "label-smoothing": {"eps": 0.1},  # targets 0.1 / 0.9
    "prior-scale-2": {"scale": 2.0},  # w₀ of norm 2: a stronger topic
    "pull-by-count": {"pull_n": (5, -0.5)},  # PRIOR_PULL·√(5/n): the prior yields faster as ratings accumulate
    "robust-rank": {"robust_rank": (10, 1.0)},  # from 10 ratings: down-weight a rating the others rank on the other side
    "balance-half": {"bal": 0.5},  # the class balance's weights to the power ½: 👎 weigh more against 👍
    "no-balance": {"bal": 0.0},  # every rating weighs its decayed signal only
    "smooth-fixed": {"smooth": (0.5, None)},  # `--smooth`: label propagation, α = 0.5
    "smooth-by-count": {"smooth": (0.5, 10)},  # α = 0.5·10/(10 + rated): smooth while ratings are few
    "smooth-growing": {"smooth": (0.5, -10)},  # α = 0.5·min(1, rated/10): smooth once ratings are many
    # second round
    "loo-prior-or-fit": {"select": ("loo", (2.5, np.inf))},  # per channel: the fit or the prior alone, by LOO log-loss
    "evidence-pull": {"select": ("evidence", (1.0, 2.5, 6.25, 15.6, 39.0))},  # per channel: the pull by Laplace evidence
    "explore-variance": {"explore_var": True},  # the slot: the largest posterior variance, not the least max-cosine
    "knn-blend": {"knn": 0.5},  # z(x·w) + ½·z(mean cos to 👍 − mean cos to 👎)
    "knn-blend-1": {"knn": 1.0},
    "center-pool": {"center": True},  # rated vectors and the prior's logits centred on the day's pool mean
    "intercept-0.5": {"intercept": 0.5},  # a constant feature of 0.5 in the fit: a penalised bias
    "intercept-1": {"intercept": 1.0},
    "intercept-2": {"intercept": 2.0},
    "intercept-3": {"intercept": 3.0},
    "pool-negative-0.3": {"pool_negative": 0.3},  # the day's pool mean as one more 👎, of weight 0.3
    "pool-negative": {"pool_negative": 1.0},
    "pool-negative-3": {"pool_negative": 3.0},
    "intercept-1+pool-negative-0.5": {"intercept": 1.0, "pool_negative": 0.5},
    "intercept-1+pool-negative": {"intercept": 1.0, "pool_negative": 1.0},  # the product's since (BIAS, POOL_NEGATIVE)
    "intercept-1+pool-negative-2": {"intercept": 1.0, "pool_negative": 2.0},
    "intercept-1+explore-top10": {"intercept": 1.0, "explore_pool": 2},
    "intercept-1+smooth-by-count": {"intercept": 1.0, "smooth": (0.5, 10)},
}.items() if isinstance(rule, dict)}  # all are dicts: the check narrows for mypy, which types these mixed ones as object
RULE: dict[str, Any] = {}
POOL_MEAN: list[np.ndarray] = []  # the day's pool mean, set by ``relevance`` for the rules that use it
POOL: list[np.ndarray] = []  # the day's pool (its vectors), set by ``relevance`` for self-training
_graphs: dict[tuple[int, bytes], np.ndarray] = {}
_bases: dict[tuple[int, bytes, int], np.ndarray] = {}  # (pool size, first rows, k) → its top k principal directions
_topic_vectors: dict[tuple[tuple[str, ...], str], np.ndarray] = {}  # (templates, phrase) → vector


def topic_vector(self: T.Bench, phrase: str) -> np.ndarray:
    """``Bench.topic_vector`` under RULE["topic_text"]: the phrase embedded as each template's text,
    the unit mean of their vectors (one template: its vector as is; none: the bare phrase)."""
    templates: tuple[str, ...] = RULE.get("topic_text", ("{p}",))
    key = (templates, phrase)
    if key not in _topic_vectors:
        assert self.embedder is not None
        vectors: np.ndarray = self.embedder.encode_sync([t.format(p=phrase) for t in templates])
        mean = vectors.astype(np.float64).mean(axis=0)
        _topic_vectors[key] = vectors[0] if len(vectors) == 1 else (mean / np.linalg.norm(mean)).astype(vectors.dtype)
    vector: np.ndarray = _topic_vectors[key]
    return vector


def _fit(gram: np.ndarray, base: np.ndarray, y: np.ndarray, weight: np.ndarray, pull: float) -> np.ndarray:
    """``ranking._fit_dual`` with label-smoothed targets and a given pull."""
    beta = np.zeros(len(y))
    eye = np.eye(len(y))
    eps = RULE.get("eps", 0.0)
    target = y * (1 - 2 * eps) + eps
    for _ in range(R.NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(base + gram @ beta)))
        step = np.linalg.solve((weight * p * (1 - p))[:, None] * gram + pull * eye, weight * (p - target) + pull * beta)
        beta -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return beta


def _loss(logit: np.ndarray, y: np.ndarray, weight: np.ndarray) -> float:
    """Weighted log-loss of logits against 0/1 labels."""
    return float((weight * (np.logaddexp(0.0, logit) - y * logit)).sum())


def _select_pull(gram: np.ndarray, base: np.ndarray, y: np.ndarray, weight: np.ndarray) -> float:
    """RULE["select"]: the pull (of a grid; ∞ is the prior alone) by leave-one-out log-loss or Laplace evidence."""
    how, grid = RULE["select"]
    n = len(y)
    best, chosen = np.inf, R.PRIOR_PULL
    for pull in grid:
        if how == "loo":
            if not np.isfinite(pull):
                held = base
            else:
                held = np.empty(n)
                for i in range(n):
                    keep = np.arange(n) != i
                    b = _fit(gram[np.ix_(keep, keep)], base[keep], y[keep], weight[keep], pull)
                    held[i] = base[i] + gram[i, keep] @ b
            value = _loss(held, y, weight)
        else:
            if not np.isfinite(pull):
                value = _loss(base, y, weight)
            else:
                b = _fit(gram, base, y, weight, pull)
                logit = base + gram @ b
                p = 1.0 / (1.0 + np.exp(-logit))
                curv = weight * p * (1 - p)
                _, logdet = np.linalg.slogdet(np.eye(n) + curv[:, None] * gram / pull)
                value = _loss(logit, y, weight) + 0.5 * pull * float(b @ gram @ b) + 0.5 * logdet
        if value < best - 1e-12:
            best, chosen = value, pull
    return chosen


def _subspace(w0: np.ndarray) -> np.ndarray:
    """RULE["subspace"]: an orthonormal basis (d × k′) of the day's pool's top k principal directions
    (the centred pool's right singular vectors, cached per pool) and the residuals of the extra axes."""
    k, extra = RULE["subspace"]
    pool = POOL[0]
    key = (len(pool), pool[:2].tobytes(), k)
    if key not in _bases:
        _, _, vt = np.linalg.svd(pool - pool.mean(axis=0), full_matrices=False)
        _bases[key] = vt[:k].T
    basis: np.ndarray = _bases[key]
    axes = [a for name, a in (("w0", w0), ("mean", POOL_MEAN[0])) if name in extra and a.any()]
    for axis in axes:  # Gram–Schmidt: the axis's part outside the span so far, as one more column
        residual = axis - basis @ (basis.T @ axis)
        if np.linalg.norm(residual) > 1e-9:
            basis = np.hstack([basis, (residual / np.linalg.norm(residual))[:, None]])
    return basis


def preference_vector(profile: R.Profile, dim: int, now: datetime | None = None,
                      half_life_days: float = R.HALF_LIFE_DAYS) -> np.ndarray:
    """``ranking.preference_vector`` under RULE."""
    w0: np.ndarray = R.topic_prior(profile, dim, now, half_life_days) * float(RULE.get("scale", 1.0))
    rated = [s for s in profile.signals if s.kind not in ("topic", "author") and s.weight != 0]
    n = len(rated)
    m, omega, below, n_min = RULE.get("self", (0, 0.0, 0, 0))
    pseudo = m > 0 and n_min <= n < below and POOL and bool(w0.any())
    if not rated and not pseudo:
        return w0
    dim_ = len(w0)
    x = np.stack([s.vector for s in rated]).astype(np.float64) if rated else np.zeros((0, dim_))
    y = np.array([1.0 if s.weight > 0 else 0.0 for s in rated])
    strength = np.array([abs(s.weight) * R.decay(s.at, now, half_life_days) for s in rated])
    n_pos, n_neg = max(1, int(y.sum())), max(1, int(n - y.sum()))
    weight = np.where(y == 1, n / (2 * n_pos), n / (2 * n_neg)) ** float(RULE.get("bal", 1.0)) * strength
    if pseudo:  # the day's top m by the phrase, as weak 👍
        pool = POOL[0]
        top = np.argsort(-(pool @ w0), kind="stable")[:m]
        x, y, weight = np.vstack([x, pool[top]]), np.append(y, np.ones(len(top))), np.append(weight, np.full(len(top), omega))
    pull = RULE.get("pull", R.PRIOR_PULL)
    if "pull_n" in RULE:
        pull *= (n / RULE["pull_n"][0]) ** RULE["pull_n"][1]
    if RULE.get("center") and POOL_MEAN:
        x = x - POOL_MEAN[0]
    if RULE.get("pool_negative", R.POOL_NEGATIVE) > 0 and POOL_MEAN:
        x = np.vstack([x, POOL_MEAN[0][None, :]])
        y = np.append(y, 0.0)
        weight = np.append(weight, RULE.get("pool_negative", R.POOL_NEGATIVE))
    gram, base = x @ x.T + RULE.get("intercept", R.BIAS) ** 2, x @ w0
    if "subspace" in RULE and POOL:  # w = w₀ + Q·v: the fit sees the rated papers' coordinates Qᵀx only
        q = _subspace(w0)
        z = x @ q
        beta_q = _fit(z @ z.T + RULE.get("intercept", R.BIAS) ** 2, base, y, weight, pull)
        confined: np.ndarray = w0 + q @ (z.T @ beta_q)
        return confined
    if "select" in RULE:
        pull = _select_pull(gram, base, y, weight)
        if not np.isfinite(pull):
            return w0
    beta = _fit(gram, base, y, weight, pull)
    if "robust_rank" in RULE and n >= RULE["robust_rank"][0] and 0 < y.sum() < n:
        f = base + gram @ beta - np.diag(gram) * beta  # each rating's score without its own term
        pos, neg = f[y == 1], f[y == 0]
        agree = np.where(y == 1, (f[:, None] > neg[None, :]).mean(axis=1), (f[:, None] < pos[None, :]).mean(axis=1))
        beta = _fit(gram, base, y, weight * np.minimum(1.0, 2 * agree) ** RULE["robust_rank"][1], pull)
    out: np.ndarray = w0 + x.T @ beta
    return out


def relevance(matrix: np.ndarray, profile: R.Profile, now: datetime | None = None,
              half_life_days: float = R.HALF_LIFE_DAYS) -> tuple[np.ndarray, list[R.Signal]]:
    """``ranking.relevance`` under RULE, smoothing included (every bench paper has a vector)."""
    positives = [s for s in profile.signals if s.weight > 0 and s.kind != "author"]
    if not positives and not any(s.weight < 0 for s in profile.signals):
        return np.zeros(len(matrix)), positives
    POOL_MEAN[:] = [matrix.astype(np.float64).mean(axis=0)]
    POOL[:] = [matrix.astype(np.float64)]
    rel = matrix @ preference_vector(profile, matrix.shape[1], now, half_life_days).astype(matrix.dtype)
    rated = profile.likes + profile.dislikes
    if "stack" in RULE and rated >= 3:
        rel = _stack(matrix, profile, rel, now, half_life_days)
    if "fusion" in RULE and rated:
        w0 = R.topic_prior(profile, matrix.shape[1], now, half_life_days)
        if w0.any():
            share = RULE["fusion"] / (RULE["fusion"] + rated)
            rel = share * R._rank_normalise(matrix @ w0) + (1 - share) * R._rank_normalise(rel)
    if "knn" in RULE and rated:
        likes = [s.vector for s in profile.signals if s.kind in ("reaction", "like") and s.weight > 0]
        dislikes = [s.vector for s in profile.signals if s.weight < 0 and s.kind != "topic"]
        vote = (matrix @ np.stack(likes).T).mean(axis=1) if likes else np.zeros(len(matrix))
        if dislikes:
            vote = vote - (matrix @ np.stack(dislikes).T).mean(axis=1)

        def z(v: np.ndarray) -> np.ndarray:
            standardised: np.ndarray = (v - v.mean()) / (v.std() + 1e-12)
            return standardised
        rel = z(rel) + RULE["knn"] * z(vote)
    if "smooth" in RULE and rated:
        alpha, n0 = RULE["smooth"]
        if n0 is not None:
            alpha = alpha * n0 / (n0 + rated) if n0 > 0 else alpha * min(1.0, rated / -n0)
        key = (len(matrix), matrix[:2].tobytes())
        if key not in _graphs:
            _graphs[key] = smoothing.neighbours(matrix, np.ones(len(matrix), dtype=bool))
        rel = (1 - alpha) * rel + alpha * rel[_graphs[key]].mean(axis=1)
    return rel, positives


def _stack(matrix: np.ndarray, profile: R.Profile, fitted: np.ndarray, now: datetime | None,
           half_life_days: float) -> np.ndarray:
    """RULE["stack"]: the pool's scores θ·z, z the standardised features [x·w₀, the fit's score, max cos to 👍,
    max cos to 👎] (a feature left out when it is constant: no topic, or under two ratings of its side).
    θ: a logistic fit on the rated papers' features, each computed without that paper (the fit refitted
    without it, the max cosines over the others), weighed as the fit weighs them, pulled towards the fit's
    score alone (θ₀ = (0, 1, 0, 0)) with strength λ: with few ratings it stays the product's ranking."""
    rated = [s for s in profile.signals if s.kind not in ("topic", "author") and s.weight != 0]
    n, dim = len(rated), matrix.shape[1]
    w0 = R.topic_prior(profile, dim, now, half_life_days)
    pool = matrix.astype(np.float64)
    x = np.stack([s.vector for s in rated]).astype(np.float64)
    y = np.array([1.0 if s.weight > 0 else 0.0 for s in rated])
    loo = np.array([x[i] @ preference_vector(R.Profile([s for s in profile.signals if s is not rated[i]]), dim, now,
                                             half_life_days) for i in range(n)])
    columns: list[tuple[np.ndarray, np.ndarray]] = [(pool @ w0, x @ w0)] if w0.any() else []
    columns.append((fitted.astype(np.float64), loo))
    fit_column = len(columns) - 1
    cos = x @ x.T
    np.fill_diagonal(cos, -np.inf)  # a rated paper's max cosine is over the others
    for side in (1.0, 0.0):
        if (y == side).sum() >= 2:
            columns.append(((pool @ x[y == side].T).max(axis=1), cos[:, y == side].max(axis=1)))
    mu = np.array([c[0].mean() for c in columns])
    sd = np.array([c[0].std() + 1e-12 for c in columns])
    zp = (np.stack([c[0] for c in columns], axis=1) - mu) / sd
    zr = np.hstack([(np.stack([c[1] for c in columns], axis=1) - mu) / sd, np.ones((n, 1))])  # and an intercept
    strength = np.array([abs(s.weight) * R.decay(s.at, now, half_life_days) for s in rated])
    n_pos, n_neg = max(1, int(y.sum())), max(1, int(n - y.sum()))
    weight = np.where(y == 1, n / (2 * n_pos), n / (2 * n_neg)) * strength
    prior = np.zeros(zr.shape[1])
    prior[fit_column] = 1.0
    pull = np.full(zr.shape[1], float(RULE["stack"]))
    pull[-1] = 1e-3  # the intercept nearly free
    theta = prior.copy()
    for _ in range(R.NEWTON_STEPS * 2):
        p = 0.5 * (1.0 + np.tanh(0.5 * (zr @ theta)))  # the logistic, without overflow: one side alone drives the intercept far
        gradient = zr.T @ (weight * (p - y)) + pull * (theta - prior)
        hessian = (zr * (weight * p * (1 - p))[:, None]).T @ zr + np.diag(pull)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    stacked: np.ndarray = zp @ theta[:-1]
    return stacked


def rank_prepared(trending: Sequence[RankedPaper], matrix: np.ndarray, has: np.ndarray, trend: np.ndarray,
                  profile: R.Profile, *, count: int, settings: R.TasteSettings = R.TasteSettings(),
                  now: datetime | None = None) -> list[RankedPaper]:
    """``ranking.rank_prepared`` under RULE, without what the bench does not use (authors, thresholds, reasons)."""
    rel, _ = relevance(matrix, profile, now, settings.half_life_days)
    rel = np.where(has, rel, rel.min() - 1 if len(rel) else 0)
    t = min(1.0, max(0.0, settings.trending))
    score = (1 - t) * R._rank_normalise(rel) + t * trend
    candidates = np.argsort(-score, kind="stable")[: max(count * 6, count + 1)].tolist()
    chosen = R._mmr(candidates, score, matrix, count, settings.diversity)
    if len(profile.signals) < RULE.get("explore_below", R.EXPLORE_BELOW) and count >= 3 and len(candidates) > count:
        chosen = chosen[: count - 1]
        pool = [i for i in candidates[: count * RULE.get("explore_pool", 4)] if i not in chosen]
        known = np.stack([s.vector for s in profile.signals] + [matrix[i] for i in chosen])
        if RULE.get("explore_var"):  # x·Σ·x of the Laplace posterior, every known vector observed at p = ½
            k = (known @ known.T).astype(np.float64)
            kx = (matrix[pool] @ known.T).astype(np.float64)
            inv = np.linalg.solve(k + 4 * R.PRIOR_PULL * np.eye(len(known)), kx.T)
            var = 1.0 - (kx * inv.T).sum(axis=1)
            chosen.append(pool[int(np.argmax(var))])
        else:
            chosen.append(min((float((matrix[i] @ known.T).max()), i) for i in pool)[1])
    return R.ranked_items(trending, score, chosen, lambda i: "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", required=True)
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "paperbot" / "bench"))
    parser.add_argument("--wider", action="store_true")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", default="product", help=f"comma-separated: {', '.join(TRIALS)}")
    parser.add_argument("--variants", default="protocol,k3,flip20,reversed,two-categories")
    parser.add_argument("--ceiling", action="store_true",
                        help="print the all-labels ceiling's paired lead over the phrase alone per variant, no trials")
    args = parser.parse_args()
    R.rank_prepared = rank_prepared  # rank_personal looks it up at call time
    T.Bench.topic_vector = topic_vector  # type: ignore[method-assign]  # the phrase's vector under RULE
    days = load_listings(args.listings)
    embedder = make_embedder("sentence-transformers", DEFAULT_MODEL)
    vectors = cached_embeddings([p for d in days for p in d.papers], embedder, Path(args.cache))
    topics: dict[str, np.ndarray] = {}
    min_papers = T.WIDER_MIN_PAPERS if args.wider else T.MIN_PAPERS
    stored = Path(args.cache) / f"learning-baselines-{'wider' if args.wider else 'protocol'}-{args.seeds}.pkl"
    baselines: dict[str, Any] = pickle.loads(stored.read_bytes()) if stored.exists() else {}
    variants = args.variants.split(",")

    def rows(name: str, only: list[str]) -> list[dict[str, Any]]:
        variant = T.PROTOCOL if name == "protocol" else T.VARIANTS[name]
        return T._run(variant, seeds=args.seeds, days=days, vectors=vectors, embedder=embedder, topics=topics, only=only,
                      progress=lambda s: None, min_papers=min_papers, rotate=args.wider)[1]

    for name in variants:
        if name not in baselines:
            RULE.clear()
            baselines[name] = rows(name, ["zotero-arxiv-daily", T.TOPIC_ONLY])
            stored.write_bytes(pickle.dumps(baselines))
    if args.ceiling:  # the headroom: could even a learner seeing every label beat the phrase by one paired s.e.?
        print("variant: the ceiling's P@5 − the phrase alone's, paired over channels; * beyond one paired s.e.")
        for name in variants:
            ceiling = rows(name, [T.CEILING])[0]
            phrase = next(r for r in baselines[name] if r["recommender"] == T.TOPIC_ONLY)
            c = T.paired(ceiling["per_channel_p_at_5"], phrase["per_channel_p_at_5"])
            print(f"  {name:>14}: ceiling {ceiling['p_at_5']:.3f} (online P {ceiling['online_precision']:.3f}) − phrase "
                  f"{phrase['p_at_5']:.3f} = {c['mean_difference']:+.3f} ± {c['standard_error']:.3f}"
                  f"{'*' if c['beyond_one_se'] else ''} ({c['wins']}/{c['ties']}/{c['losses']})", flush=True)
        return
    print("trial: variant  R = P@5 reactions only [− zotero-arxiv-daily]  T = P@5 with a topic, oP = its online "
          "precision [− the phrase alone]; * beyond one paired s.e.")
    for trial in args.trials.split(","):
        RULE.clear()
        RULE.update(TRIALS[trial])
        print(f"== {trial} {TRIALS[trial]}")
        for name in variants:
            results = rows(name, ["paperbot"])
            reference = baselines[name]
            if "topic_text" in RULE:  # the phrase alone is embedded as the trial's templates too: its own row
                reference = [r for r in reference if r["recommender"] != T.TOPIC_ONLY] + rows(name, [T.TOPIC_ONLY])
            by_cold = {r["cold_start"]: r for r in results}
            line = f"  {name:>14}: R {by_cold['reactions']['p_at_5']:.3f}"
            for c in T.comparisons(results + reference):
                line += f" [{c['mean_difference']:+.3f} ± {c['standard_error']:.3f}{'*' if c['beyond_one_se'] else ''}]"
                if c["cold_start"] == "reactions":
                    line += f"  T {by_cold['topic']['p_at_5']:.3f} oP {by_cold['topic']['online_precision']:.3f}"
            phrase = next(r for r in reference if r["recommender"] == T.TOPIC_ONLY)
            print(line + f"  phrase P@5 {phrase['p_at_5']:.3f} oP {phrase['online_precision']:.3f}", flush=True)


if __name__ == "__main__":
    main()
