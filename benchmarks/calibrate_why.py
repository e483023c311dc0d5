"""Calibrate the "why" threshold: how close a rated paper must be before a reason names it.

For every paper of the later listings days, a simulated channel rates ``--rated`` random papers of
the earlier days; the paper's nearest rated paper is "related" when both share the primary arXiv
category and "unrelated" when their primary archives differ (cs.CV vs math.OC, …) or their primary
categories differ; pairs (of any paper, not only the nearest) that share an author are a stricter
"related". Prints the cosine quantiles of both and the share of each above candidate
thresholds: the threshold in ``bot.taste.reasons`` is the one that unrelated pairs rarely pass.

    PYTHONPATH=$PWD python benchmarks/calibrate_why.py --listings ../shared/fixtures/arxiv_metadata --cache .cache/why
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bot.plural import counted
from bot.taste.onnx_embedder import OnnxEmbedder
from paperbot.bench.listings import Day, cached_embeddings, load_listings
from paperbot.bench.taste import CATEGORY_NAMES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", default="../shared/fixtures/arxiv_metadata")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--rated", type=int, default=10, help="papers a simulated channel has rated")
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    days = load_listings(args.listings)
    papers = [p for d in days for p in d.papers]
    vectors = cached_embeddings(papers, OnnxEmbedder(), args.cache)
    rng = np.random.default_rng(0)
    earlier = [p for d in days[:3] for p in d.papers]
    later = [p for d in days[3:] for p in d.papers]
    e_matrix = np.stack([vectors[p.arxiv_id] for p in earlier])
    l_matrix = np.stack([vectors[p.arxiv_id] for p in later])
    same: list[float] = []
    other: list[float] = []
    for _ in range(args.trials):
        rated = rng.choice(len(earlier), size=args.rated, replace=False)
        sims = l_matrix @ e_matrix[rated].T
        nearest = sims.argmax(axis=1)
        for i, j in enumerate(nearest):
            a, b = later[i].categories[:1], earlier[rated[j]].categories[:1]
            (same if a == b else other).append(float(sims[i, j]))
    by_author: dict[str, list[int]] = {}
    for j, p in enumerate(earlier):
        for author in p.authors:
            by_author.setdefault(author, []).append(j)
    shared = [float(l_matrix[i] @ e_matrix[j]) for i, p in enumerate(later)
              for j in {j for a in p.authors for j in by_author.get(a, ())}]
    groups = (("same primary category", same), ("different primary category", other),
              ("shares an author (any pair)", shared))
    for name, values in groups:
        arr = np.array(values)
        q = np.quantile(arr, [0.5, 0.9, 0.95, 0.99])
        print(f"{name:28s} n={len(arr):6d}  median {q[0]:.3f}  p90 {q[1]:.3f}  p95 {q[2]:.3f}  p99 {q[3]:.3f}")
    print("threshold  same-category pass  different-category pass  shared-author pass")
    for t in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
        print(f"  {t:.2f}     {np.mean(np.array(same) >= t):6.1%}            {np.mean(np.array(other) >= t):6.1%}"
              f"                 {np.mean(np.array(shared) >= t):6.1%}")

    embedder = OnnxEmbedder()
    matrix = np.stack([vectors[p.arxiv_id] for p in papers])
    on: list[float] = []
    off: list[float] = []
    for category, phrase in CATEGORY_NAMES.items():
        sims = matrix @ embedder.encode_sync([phrase])[0]
        for p, sim in zip(papers, sims):
            (on if p.categories[:1] == (category,) else off).append(float(sim))
    print("topic phrase (the category's arXiv name) against papers of that primary category / of others")
    for name, values in (("on topic", on), ("off topic", off)):
        q = np.quantile(np.array(values), [0.5, 0.9, 0.95, 0.99])
        print(f"{name:28s} n={len(values):6d}  median {q[0]:.3f}  p90 {q[1]:.3f}  p95 {q[2]:.3f}  p99 {q[3]:.3f}")
    for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        print(f"  {t:.2f}     on-topic pass {np.mean(np.array(on) >= t):6.1%}   off-topic pass {np.mean(np.array(off) >= t):6.1%}")
    one_like(days, vectors, rng)


def one_like(days: list[Day], vectors: dict[str, np.ndarray], rng: np.random.Generator, trials: int = 200) -> None:
    """The issue's symptom: after one 👍, how many of the next day's 5 items name that paper, and how
    many of those are not really close (below ``LIKE_THRESHOLD``)."""
    from bot.taste.ranking import Profile, Signal, rank_personal
    from bot.taste.reasons import LIKE_THRESHOLD

    named = total = loose = 0
    for _ in range(trials):
        d = int(rng.integers(0, len(days) - 1))
        liked = days[d].papers[int(rng.integers(len(days[d].papers)))]
        profile = Profile([Signal(vectors[liked.arxiv_id], 1.0, "reaction", liked.title, None, liked.arxiv_id)])
        for r in rank_personal(days[d + 1].papers, vectors, profile, days[d + 1].day, count=5):
            total += 1
            if liked.title[:30] in r.why:
                named += 1
                loose += float(vectors[liked.arxiv_id] @ vectors[r.paper.arxiv_id]) < LIKE_THRESHOLD
    print(f"after one like ({counted(trials, 'draw')}): {named} of {counted(total, 'item')} name the liked paper ({named / total:.1%}); "
          f"{loose} of them below {LIKE_THRESHOLD}")


if __name__ == "__main__":
    main()
