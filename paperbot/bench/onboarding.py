"""`paperbot bench taste --tune N`: does rating N `/papers tune` candidates first make the digests better?

The taste benchmark's protocol (``paperbot.bench.taste``) with one day moved in front: the first
listing is the week before the channel starts — the pool `/papers tune` draws from — and is never
posted; days 2–5 are the online digests (5 posts a day, 👍 to relevant, 👎 to irrelevant papers,
paperbot learning from them); day 6 is scored (P@5, nDCG@10; online P is the share of relevant
papers among the days 2–5 posts). Every arm gets the same days; they differ only in what the channel
rated before its first digest:

- ``no tuning``: nothing;
- ``tune N``: the N candidates ``bot.taste.onboarding.diverse_picks`` chooses from the first day
  (near the channel's topic phrase first, in the ``topic`` cold start, as the product does);
- ``random N``: N papers of the first day drawn at random (``--seeds`` draws);
- ``digest N``: paperbot's own top N of the first day, as if it had been one more digest day.

So ``tune N − no tuning`` is what the ratings are worth, and ``tune N − random N`` /
``tune N − digest N`` whether choosing the candidates for diversity is what earns it. With
``--wider`` each of the six day orders is used in turn (every day is the tune day once) and
categories with ≥ 20 papers are channels.
"""
from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.domain import Paper
from bot.plural import counted
from bot.taste.backend_names import Backend
from bot.taste.backends import make_embedder
from bot.taste.embedder import DEFAULT_MODEL
from bot.taste.onboarding import diverse_picks
from paperbot.bench.listings import Day, cached_embeddings, load_listings
from paperbot.bench.taste import (
    CATEGORY_NAMES,
    MIN_PAPERS,
    POST,
    WIDER_MIN_PAPERS,
    Bench,
    Feedback,
    _at,
    ndcg,
    paired,
    relevant,
    topics_of,
)

NONE = "no tuning"


def rate(fb: Feedback, category: str, papers: Sequence[Paper], day: Day) -> None:
    """The channel's reactions to ``papers``: 👍 to the relevant, 👎 to the rest (what tune's note asks)."""
    for paper in papers:
        liked = relevant(category, paper)
        (fb.liked if liked else fb.disliked).append(paper)
        fb.reactions.append((paper, "👍" if liked else "👎", _at(day)))


def run_arm(bench: Bench, category: str, topics: Sequence[str], before: Sequence[Paper], tune_day: Day) -> tuple[float, float, float]:
    """One channel: ``before`` rated on the tune day, then the online days and the scored day."""
    fb = Feedback([], [], [])
    rate(fb, category, before, tune_day)
    ranker = bench.paperbot(topics)
    posted = posted_relevant = 0
    for d, day in enumerate(bench.days[:-1]):
        by_id = {p.arxiv_id: p for p in day.papers}
        shown = [by_id[i] for i in ranker(d, day, fb, POST)]
        posted += len(shown)
        posted_relevant += sum(relevant(category, p) for p in shown)
        rate(fb, category, shown, day)
    last = bench.days[-1]
    ranked = ranker(len(bench.days) - 1, last, fb, 10)
    truth = {p.arxiv_id: relevant(category, p) for p in last.papers}
    rel = [truth[i] for i in ranked]
    return sum(rel[:5]) / 5, ndcg(rel, sum(truth.values())), posted_relevant / max(1, posted)


def candidates(arm: str, n: int, tune_day: Day, bench: Bench, topics: Sequence[str], category: str,
               seed: int) -> list[Paper]:
    """What the channel rates before day 1 in ``arm``."""
    vectors = bench.vectors
    papers = tune_day.papers
    if arm == NONE:
        return []
    if arm.startswith("tune"):
        topic_vectors = np.stack([bench.topic_vector(t) for t in topics]) if topics else None
        picks = diverse_picks(np.stack([vectors[p.arxiv_id] for p in papers]), n, topics=topic_vectors)
        return [papers[p.index] for p in picks]
    if arm.startswith("random"):
        return random.Random(f"tune-{seed}-{category}").sample(papers, min(n, len(papers)))
    by_id = {p.arxiv_id: p for p in papers}
    return [by_id[i] for i in bench.paperbot(topics)(0, tune_day, Feedback([], [], []), n)]


def run(listings: str | Path, n: int, *, seeds: int = 3, cache_dir: Path | None = None, model: str = DEFAULT_MODEL,
        backend: Backend = "sentence-transformers", wider: bool = False, embedder: Any = None,
        progress: Callable[[str], None] = lambda s: None) -> dict[str, Any]:
    """The four arms on every channel and both cold starts; ``embedder`` defaults to ``model`` run by ``backend``."""
    days = load_listings(listings)
    papers = [p for day in days for p in day.papers]
    embedder = embedder or make_embedder(backend, model)
    vectors = cached_embeddings(papers, embedder, cache_dir)
    topic_cache: dict[str, np.ndarray] = {}
    channels = Bench(days, vectors, embedder).channels(WIDER_MIN_PAPERS if wider else MIN_PAPERS)
    if wider:
        channels = [c for c in channels if c in CATEGORY_NAMES]
    orders = [days[i:] + days[:i] for i in range(len(days))] if wider else [days]
    arms = [NONE, f"tune {n}", f"random {n}", f"digest {n}"]
    runs: dict[tuple[str, str], dict[str, list[tuple[float, float, float]]]] = {}
    for o, order in enumerate(orders):
        tune_day, bench = order[0], Bench(order[1:], vectors, embedder, topic_cache)
        for cold in ("reactions", "topic"):
            for category in channels:
                topics = topics_of(category) if cold == "topic" else []
                for arm in arms:
                    for seed in range(seeds if arm.startswith("random") else 1):
                        before = candidates(arm, n, tune_day, bench, topics, category, seed)
                        runs.setdefault((arm, cold), {}).setdefault(category, []).append(
                            run_arm(bench, category, topics, before, tune_day))
        progress(f"tune bench: day order {o + 1}/{len(orders)} done")
    rows: list[dict[str, Any]] = []
    for (arm, cold), per_channel in runs.items():
        flat = np.array([r for rs in per_channel.values() for r in rs])
        rows.append({"arm": arm, "cold_start": cold, "p_at_5": float(flat[:, 0].mean()),
                     "ndcg_at_10": float(flat[:, 1].mean()), "online_precision": float(flat[:, 2].mean()),
                     "per_channel_p_at_5": {c: float(np.mean([r[0] for r in rs])) for c, rs in per_channel.items()},
                     "per_channel_online": {c: float(np.mean([r[2] for r in rs])) for c, rs in per_channel.items()}})
    by = {(r["arm"], r["cold_start"]): r for r in rows}
    comparisons = []
    for cold in ("reactions", "topic"):
        for against in (NONE, f"random {n}", f"digest {n}"):
            mine, base = by[(f"tune {n}", cold)], by[(against, cold)]
            comparisons.append({"cold_start": cold, "against": against,
                                "p_at_5": paired(mine["per_channel_p_at_5"], base["per_channel_p_at_5"]),
                                "online_precision": paired(mine["per_channel_online"], base["per_channel_online"])})
    return {"listings": str(listings), "papers": len(papers), "channels": channels, "tune": n, "seeds": seeds,
            "day_orders": len(orders), "model": embedder.model_name, "results": rows, "paired": comparisons}


def format_table(report: dict[str, Any]) -> str:
    lines = [f"tune benchmark: {counted(report['papers'], 'paper')}, {counted(len(report['channels']), 'channel')}, "
             f"{counted(report['day_orders'], 'day order')}, N = {report['tune']} rated before day 1 "
             f"(random: {counted(report['seeds'], 'draw')}), "
             f"model {report['model']}",
             f"{'before day 1':<16}{'cold start':<12}{'P@5':>7}{'nDCG@10':>9}{'online P':>10}"]
    for r in report["results"]:
        lines.append(f"{r['arm']:<16}{r['cold_start']:<12}{r['p_at_5']:>7.3f}{r['ndcg_at_10']:>9.3f}{r['online_precision']:>10.3f}")
    for c in report["paired"]:
        parts = []
        for key, label in (("p_at_5", "P@5"), ("online_precision", "online P")):
            d = c[key]
            se = f" ± {d['standard_error']:.3f}" if d["standard_error"] is not None else ""
            parts.append(f"{label} {round(d['mean_difference'], 3) + 0.0:+.3f}{se} (won/tied/lost {d['wins']}/{d['ties']}/{d['losses']})")
        lines.append(f"  paired, tune {report['tune']} − {c['against']} ({c['cold_start']}): " + "; ".join(parts))
    return "\n".join(lines)


def main(listings: str, n: int, *, seeds: int = 3, as_json: bool = False, cache_dir: str | None = None,
         wider: bool = False, backend: Backend = "sentence-transformers") -> int:
    if not 1 <= n <= 50:
        print("paperbot bench taste: --tune takes a number of candidates from 1 to 50", file=sys.stderr)
        return 2
    cache = Path(cache_dir) if cache_dir else Path.home() / ".cache" / "paperbot" / "bench"
    report = run(listings, n, seeds=seeds, cache_dir=cache, wider=wider, backend=backend,
                 progress=lambda s: print(s, file=sys.stderr))
    print(json.dumps(report, indent=2) if as_json else format_table(report))
    return 0
