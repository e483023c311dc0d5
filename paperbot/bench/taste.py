"""`paperbot bench taste`: the online-digest protocol (benchmarks/README.md, "Taste benchmark").

One simulated channel per arXiv category with ≥ 40 papers over the listings; a paper is
relevant iff it carries the category. Days 1–5: each recommender posts its top 5 of the day,
the channel reacts 👍 to relevant and 👎 to irrelevant posts, and the recommender learns only
from those. Day 6: the whole day is ranked; P@5 and nDCG@10. Online precision: share of
relevant papers among the 25 posted on days 1–5. Averaged over channels and seeds.

Two reference rows frame paperbot's figures: ``topic phrase only`` (its ranking, never learning)
and ``all labels (ceiling)`` (a learner that sees every label of the earlier days, not just the
reactions to its five posts): the span between them is what learning from reactions can add.

Variants (``variants=``, `--variants`) rerun the protocol with one thing changed, as rows of their
own: ``k3`` (3 posts a day instead of 5), ``flip20`` (each reaction flipped with probability 0.2: a
👎 that meant 👍 and the reverse), ``reversed`` (the day order reversed: the first day is scored),
``two-categories`` (a channel is two categories, a paper relevant if it carries either; paperbot's
topic is both names). Each set of rows comes with paired comparisons per channel (``paired``).

paperbot is ranked by ``bot.taste.ranking.rank_personal`` — the function the digest use case
calls — with reactions turned into signals by the same emoji table and topic phrases embedded
by the same embedder.
"""
from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path
from random import Random
from typing import Any

import numpy as np

from bot.domain import Paper
from bot.plural import counted
from bot.taste import ranking as taste_ranking
from bot.taste.backend_names import Backend
from bot.taste.backends import make_embedder
from bot.taste.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder, paper_text
from bot.taste.onnx_embedder import OnnxEmbedder
from bot.taste.ranking import Profile, Signal, TasteSettings, rank_personal
from bot.taste.signals import DEFAULT_EMOJI
from paperbot.bench.listings import Day, cached_embeddings, load_listings

POST = 5
TOPIC_ONLY = "topic phrase only"  # paperbot's ranking that never learns: what the phrase alone gives
CEILING = "all labels (ceiling)"  # learns from every label of the earlier days: what no channel gives
MIN_PAPERS = 40
WIDER_MIN_PAPERS = 20  # `--wider`: smaller categories too
CATEGORY_NAMES = {
    "cs.AI": "Artificial Intelligence", "cs.AR": "Hardware Architecture", "cs.CC": "Computational Complexity",
    "cs.CE": "Computational Engineering, Finance, and Science", "cs.CG": "Computational Geometry",
    "cs.CL": "Computation and Language", "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision and Pattern Recognition", "cs.CY": "Computers and Society", "cs.DB": "Databases",
    "cs.DC": "Distributed, Parallel, and Cluster Computing", "cs.DL": "Digital Libraries",
    "cs.DM": "Discrete Mathematics", "cs.DS": "Data Structures and Algorithms", "cs.ET": "Emerging Technologies",
    "cs.FL": "Formal Languages and Automata Theory", "cs.GL": "General Literature", "cs.GR": "Graphics",
    "cs.GT": "Computer Science and Game Theory", "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval", "cs.IT": "Information Theory", "cs.LG": "Machine Learning",
    "cs.LO": "Logic in Computer Science", "cs.MA": "Multiagent Systems", "cs.MM": "Multimedia",
    "cs.MS": "Mathematical Software", "cs.NA": "Numerical Analysis", "cs.NE": "Neural and Evolutionary Computing",
    "cs.NI": "Networking and Internet Architecture", "cs.OS": "Operating Systems", "cs.PF": "Performance",
    "cs.PL": "Programming Languages", "cs.RO": "Robotics", "cs.SC": "Symbolic Computation",
    "cs.SD": "Sound", "cs.SE": "Software Engineering", "cs.SI": "Social and Information Networks",
    "cs.SY": "Systems and Control", "eess.AS": "Audio and Speech Processing", "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing", "eess.SY": "Systems and Control", "stat.ML": "Machine Learning",
    "stat.ME": "Methodology", "stat.TH": "Statistics Theory", "math.OC": "Optimization and Control",
    "math.IT": "Information Theory", "math.NA": "Numerical Analysis", "q-bio.NC": "Neurons and Cognition",
    "physics.comp-ph": "Computational Physics", "quant-ph": "Quantum Physics",
}


@dataclass
class Feedback:
    """What a recommender may learn from: its own posts and the channel's reactions to them."""

    liked: list[Paper]
    disliked: list[Paper]
    reactions: list[tuple[Paper, str, datetime]]


@dataclass(frozen=True)
class Variant:
    """One change to the protocol; ``protocol`` is the protocol itself."""

    name: str
    post: int = POST  # posts a day on days 1–5
    flip: float = 0.0  # probability that a reaction says the opposite of the paper's relevance
    reverse: bool = False  # the day order reversed
    pairs: bool = False  # channels of two categories


PROTOCOL = Variant("protocol")
VARIANTS = {v.name: v for v in (Variant("k3", post=3), Variant("flip20", flip=0.2), Variant("reversed", reverse=True),
                                Variant("two-categories", pairs=True))}
# the rows a variant reruns: the ones its comparisons are about (random and arxiv-sanity-lite stay protocol-only)
VARIANT_RECOMMENDERS = ("zotero-arxiv-daily", "paperbot", TOPIC_ONLY, CEILING)
# paired comparisons: (row, its baseline), both as (recommender, cold start)
PAIRS = ((("paperbot", "reactions"), ("zotero-arxiv-daily", "reactions")), (("paperbot", "topic"), (TOPIC_ONLY, "topic")))


def parse_variants(text: str | None) -> list[str]:
    """``all``, ``none`` or a comma-separated list of variant names; a plain error names the accepted ones."""
    if not text or text.strip() == "none":
        return []
    if text.strip() == "all":
        return list(VARIANTS)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant {', '.join(repr(n) for n in unknown)}; "
                         f"accepted: all, none, or a comma-separated list of {', '.join(VARIANTS)}")
    return names


def relevant(channel: str, paper: Paper) -> bool:
    """A channel is one category, or two joined by ``+`` (relevant if the paper carries either)."""
    return any(c in paper.categories for c in channel.split("+"))


def topics_of(channel: str) -> list[str]:
    return [CATEGORY_NAMES.get(c, c) for c in channel.split("+")]


def paired(per_channel: dict[str, float], baseline: dict[str, float]) -> dict[str, Any]:
    """Per-channel differences ``per_channel − baseline``: mean ± standard error, wins/ties/losses."""
    diffs = np.array([per_channel[c] - baseline[c] for c in per_channel if c in baseline])
    se = float(diffs.std(ddof=1) / np.sqrt(len(diffs))) if len(diffs) > 1 else None
    return {"mean_difference": float(diffs.mean()) if len(diffs) else 0.0, "standard_error": se,
            "wins": int((diffs > 1e-9).sum()), "ties": int((np.abs(diffs) <= 1e-9).sum()),
            "losses": int((diffs < -1e-9).sum()), "channels": len(diffs),
            "beyond_one_se": bool(se is not None and diffs.mean() > se)}


def comparisons(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The paired comparisons of PAIRS that a set of rows allows."""
    rows = {(r["recommender"], r["cold_start"]): r for r in results}
    out = []
    for row, base in PAIRS:
        if row in rows and base in rows:
            out.append({"recommender": row[0], "cold_start": row[1], "against": base[0],
                        **paired(rows[row]["per_channel_p_at_5"], rows[base]["per_channel_p_at_5"])})
    return out


Ranker = Callable[[int, Day, Feedback, int], list[str]]  # (day index, day, feedback, k) → ranked ids


def _at(day: Day) -> datetime:
    return datetime.combine(day.day, dtime(12), tzinfo=UTC)


def ndcg(ranked: Sequence[bool], total_relevant: int, k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, rel in enumerate(ranked[:k]) if rel)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, total_relevant)))
    return dcg / ideal if ideal else 0.0


class Bench:
    def __init__(self, days: list[Day], vectors: dict[str, np.ndarray], embedder: SentenceTransformerEmbedder | OnnxEmbedder | None,
                 topic_cache: dict[str, np.ndarray] | None = None) -> None:
        """``topic_cache``: topic phrase → vector, shared by the benches of several day orders."""
        self.days = days
        self.vectors = vectors
        self.embedder = embedder
        self._topic_cache: dict[str, np.ndarray] = {} if topic_cache is None else topic_cache
        self._tfidf: list[Any] | None = None

    # recommenders -------------------------------------------------------------------------

    def random(self, rng: Random) -> Ranker:
        def rank(d: int, day: Day, fb: Feedback, k: int) -> list[str]:
            ids = [p.arxiv_id for p in day.papers]
            rng.shuffle(ids)
            return ids[:k]
        return rank

    def zotero(self, rng: Random) -> Ranker:
        def rank(d: int, day: Day, fb: Feedback, k: int) -> list[str]:
            ids = [p.arxiv_id for p in day.papers]
            if not fb.liked:
                rng.shuffle(ids)
                return ids[:k]
            liked = [p.arxiv_id for p in reversed(fb.liked)]  # newest first
            w = 1 / (1 + np.log10(np.arange(len(liked)) + 1))
            w /= w.sum()
            cand = np.stack([self.vectors[i] for i in ids])
            corpus = np.stack([self.vectors[i] for i in liked])
            scores = (cand @ corpus.T) @ w
            return [ids[i] for i in np.argsort(-scores, kind="stable")[:k]]
        return rank

    def _tfidf_for(self, d: int) -> Any:
        if self._tfidf is None:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self._tfidf = []
            for upto in range(len(self.days)):
                papers = [p for day in self.days[: upto + 1] for p in day.papers]
                # min_df 5 as specified; a tiny smoke corpus (< 100 papers) cannot satisfy min_df 5 with max_df 0.1
                vec = TfidfVectorizer(ngram_range=(1, 2), max_features=20000, min_df=5 if len(papers) >= 100 else 1,
                                      max_df=0.1, sublinear_tf=True, stop_words="english",
                                      strip_accents="unicode", token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b")
                matrix = vec.fit_transform([f"{p.title} {p.abstract} {', '.join(p.authors)}" for p in papers])
                self._tfidf.append(({p.arxiv_id: i for i, p in enumerate(papers)}, matrix))
        return self._tfidf[d]

    def arxiv_sanity(self, rng: Random) -> Ranker:
        """An SVM on tf-idf: liked posts are positives, every other paper seen so far a negative.

        "Seen so far" is every paper of the earlier days, as arxiv-sanity-lite trains on every
        untagged paper in its database. (Taking only the channel's posted non-liked papers as
        negatives instead scores within one standard error of this over 30 seeds.)
        """
        def rank(d: int, day: Day, fb: Feedback, k: int) -> list[str]:
            ids = [p.arxiv_id for p in day.papers]
            if not fb.liked:
                rng.shuffle(ids)
                return ids[:k]
            from sklearn.svm import LinearSVC

            index, matrix = self._tfidf_for(d)
            seen = [p.arxiv_id for prev in self.days[:d] for p in prev.papers]
            liked = {p.arxiv_id for p in fb.liked}
            y = np.array([1 if i in liked else 0 for i in seen])
            clf = LinearSVC(C=0.01, class_weight="balanced", max_iter=10000, tol=1e-6)
            clf.fit(matrix[[index[i] for i in seen]], y)
            scores = clf.decision_function(matrix[[index[i] for i in ids]])
            return [ids[i] for i in np.argsort(-scores, kind="stable")[:k]]
        return rank

    def topic_vector(self, phrase: str) -> np.ndarray:
        if phrase not in self._topic_cache:
            assert self.embedder is not None
            self._topic_cache[phrase] = self.embedder.encode_sync([phrase])[0]
        return self._topic_cache[phrase]

    def paperbot(self, topics: Sequence[str], *, learn: bool = True) -> Ranker:
        """paperbot's ranking; ``learn=False`` ignores the reactions (the topic phrases alone, for reference)."""
        def rank(d: int, day: Day, fb: Feedback, k: int) -> list[str]:
            signals = []
            for topic in topics:
                signals.append(Signal(self.topic_vector(topic), 1.0, "topic", topic))
            for paper, emoji, at in fb.reactions if learn else ():
                weight = DEFAULT_EMOJI.weight(emoji)
                if weight:
                    signals.append(Signal(self.vectors[paper.arxiv_id], weight, "reaction", paper.title, at, paper.arxiv_id))
            ranked = rank_personal(day.papers, self.vectors, Profile(signals), day.day, count=k,
                                   settings=TasteSettings(), now=_at(day))
            return [r.paper.arxiv_id for r in ranked]
        return rank

    def all_labels(self, category: str, topics: Sequence[str]) -> Ranker:
        """The reference no channel can reach: day 1 ranked by the topic phrase alone, then each day a
        logistic regression (balanced classes, default C) trained on *every* paper of the earlier days
        with its true label — hundreds of labels a day where a channel gives five.

        Its day-6 P@5 is the note's "ceiling of these labels" (≈ 0.55); its online precision is the
        most any learner on these embeddings can be expected to post on days 1–5.
        """
        def rank(d: int, day: Day, fb: Feedback, k: int) -> list[str]:
            ids = [p.arxiv_id for p in day.papers]
            matrix = np.stack([self.vectors[i] for i in ids])
            earlier = [p for prev in self.days[:d] for p in prev.papers]
            labels = np.array([relevant(category, p) for p in earlier])
            if d == 0 or labels.all() or not labels.any():
                scores = matrix @ sum(self.topic_vector(t) for t in topics)
            else:
                from sklearn.linear_model import LogisticRegression

                clf = LogisticRegression(class_weight="balanced", max_iter=1000)
                clf.fit(np.stack([self.vectors[p.arxiv_id] for p in earlier]), labels)
                scores = clf.decision_function(matrix)
            return [ids[i] for i in np.argsort(-scores, kind="stable")[:k]]
        return rank

    # protocol ----------------------------------------------------------------------------

    def channels(self, min_papers: int = MIN_PAPERS) -> list[str]:
        counts = Counter(c for day in self.days for p in day.papers for c in set(p.categories))
        return sorted(c for c, n in counts.items() if n >= min_papers)

    def run_channel(self, category: str, ranker: Ranker, *, post: int = POST, flip: float = 0.0,
                    rng: Random | None = None) -> tuple[float, float, float]:
        """One channel through the protocol; ``flip``: the share of reactions that say the opposite
        (drawn from ``rng``). Online precision and the scores count true relevance."""
        fb = Feedback([], [], [])
        posted_relevant = posted = 0
        for d, day in enumerate(self.days[:-1]):
            by_id = {p.arxiv_id: p for p in day.papers}
            for arxiv_id in ranker(d, day, fb, post):
                paper = by_id[arxiv_id]
                truth = relevant(category, paper)
                posted += 1
                posted_relevant += truth
                said = truth != (flip > 0 and rng is not None and rng.random() < flip)
                (fb.liked if said else fb.disliked).append(paper)
                fb.reactions.append((paper, "👍" if said else "👎", _at(day)))
        last = self.days[-1]
        ranked = ranker(len(self.days) - 1, last, fb, 10)
        cats = {p.arxiv_id: relevant(category, p) for p in last.papers}
        rel = [cats[i] for i in ranked]
        return sum(rel[:5]) / 5, ndcg(rel, sum(cats.values())), posted_relevant / max(1, posted)


def run(listings: str | Path, *, seeds: int = 3, cache_dir: Path | None = None, model: str = DEFAULT_MODEL,
        only: Sequence[str] = (), progress: Callable[[str], None] = lambda s: None,
        embedder: SentenceTransformerEmbedder | OnnxEmbedder | None = None, min_papers: int = MIN_PAPERS,
        prior_pull: float | None = None, wider: bool = False, variants: Sequence[str] = (), smooth: bool = False,
        protocol: bool = True, backend: Backend = "sentence-transformers") -> dict[str, Any]:
    """The whole protocol; ``embedder`` defaults to ``model`` run by ``backend`` (sentence-transformers,
    as the figures in benchmarks/README.md were measured; ``onnx`` gives the same vectors, ``onnx-int8`` its own).

    ``prior_pull``: run with another strength of the topic prior (``bot.taste.ranking.PRIOR_PULL``,
    restored afterwards), to see how sensitive the figures are to it.
    ``wider``: not the note's protocol but a larger sample of it, for choosing settings: every
    named category with ≥ WIDER_MIN_PAPERS papers, and each of the six rotations of the day order
    (each day is the scored day once). 13 channels × 5 scored papers make the protocol's P@5 move
    by ±0.1 with luck; this has about 9× the scored papers.
    ``variants``: names of VARIANTS to run as well (VARIANT_RECOMMENDERS only), under ``variants``;
    ``protocol=False`` skips the protocol's own rows.
    """
    default, smoothing = taste_ranking.PRIOR_PULL, taste_ranking.SMOOTH_LEARNED
    taste_ranking.PRIOR_PULL = default if prior_pull is None else prior_pull
    taste_ranking.SMOOTH_LEARNED = smooth  # ``smooth``: the label propagation the product leaves off
    try:
        days = load_listings(listings)
        papers = [p for day in days for p in day.papers]
        embedder = embedder or make_embedder(backend, model)
        vectors = cached_embeddings(papers, embedder, cache_dir)
        topics: dict[str, np.ndarray] = {}

        def rows(variant: Variant, keep: Sequence[str]) -> tuple[list[str], list[dict[str, Any]]]:
            return _run(variant, seeds=seeds, days=days, vectors=vectors, embedder=embedder, topics=topics, only=keep,
                        progress=progress, min_papers=WIDER_MIN_PAPERS if wider else min_papers, rotate=wider)

        report: dict[str, Any] = {"listings": str(listings), "papers": len(papers), "days": [str(d.day) for d in days],
                                  "seeds": seeds, "day_orders": len(days) if wider else 1, "model": embedder.model_name}
        if protocol:
            channels, results = rows(PROTOCOL, only)
            report.update(channels=channels, results=results, paired=comparisons(results))
        for name in variants:
            keep = [n for n in VARIANT_RECOMMENDERS if not only or n in only]
            channels, results = rows(VARIANTS[name], keep)
            report.setdefault("variants", []).append(
                {"variant": name, "channels": channels, "results": results, "paired": comparisons(results)})
        report.setdefault("channels", report["variants"][0]["channels"] if report.get("variants") else [])
        report.setdefault("results", [])
    finally:
        taste_ranking.PRIOR_PULL, taste_ranking.SMOOTH_LEARNED = default, smoothing
    report["prior_pull"] = default if prior_pull is None else prior_pull
    report["smoothing"] = smooth
    return report


def _ranker(bench: Bench, name: str, category: str, cold: str, rng: Random) -> Ranker:
    """The recommender ``name`` for one channel (its topic phrases are its categories' arXiv names)."""
    topics = topics_of(category)
    if name == "random":
        return bench.random(rng)
    if name == "arxiv-sanity-lite":
        return bench.arxiv_sanity(rng)
    if name == "zotero-arxiv-daily":
        return bench.zotero(rng)
    if name == "paperbot":
        return bench.paperbot(topics if cold == "topic" else ())
    if name == TOPIC_ONLY:
        return bench.paperbot(topics, learn=False)
    return bench.all_labels(category, topics)


def _channels(bench: Bench, variant: Variant, min_papers: int, rotate: bool) -> list[str]:
    channels = bench.channels(min_papers)
    if rotate or variant.pairs:
        channels = [c for c in channels if c in CATEGORY_NAMES]  # a topic phrase to give
    if variant.pairs:  # each channel with the next in name order: as many channels, none picked by hand
        channels = [f"{c}+{channels[(i + 1) % len(channels)]}" for i, c in enumerate(channels)] if len(channels) > 1 else []
    return channels


def _run(variant: Variant, *, seeds: int, days: list[Day], vectors: dict[str, np.ndarray],
         embedder: SentenceTransformerEmbedder | OnnxEmbedder, topics: dict[str, np.ndarray], only: Sequence[str],
         progress: Callable[[str], None], min_papers: int, rotate: bool = False) -> tuple[list[str], list[dict[str, Any]]]:
    """The rows of one variant: (its channels, one row per recommender and cold start)."""
    channels = _channels(Bench(days, vectors, embedder), variant, min_papers, rotate)
    base = list(reversed(days)) if variant.reverse else days
    orders = [base[i:] + base[:i] for i in range(len(base))] if rotate else [base]
    results: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    start = time.perf_counter()
    for order, seed in [(order, seed) for order in orders for seed in range(seeds)]:
        bench = Bench(order, vectors, embedder, topics)
        for cold in ("reactions", "topic"):
            for name in ("random", "arxiv-sanity-lite", "zotero-arxiv-daily", "paperbot", TOPIC_ONLY, CEILING):
                if only and name not in only:
                    continue
                if name not in ("paperbot", TOPIC_ONLY, CEILING) and cold == "topic":
                    continue  # the baselines take no topic: their figures are the same in both cold starts
                if name in (TOPIC_ONLY, CEILING) and cold != "topic":
                    continue
                learns_from_flips = variant.flip > 0 and name == "paperbot"
                if name in ("paperbot", TOPIC_ONLY, CEILING) and seed > 0 and not learns_from_flips:
                    continue  # deterministic (no random cold start): one run per channel is its average
                for category in channels:
                    rng = random.Random(f"{seed}-{category}-{name}")
                    flips = random.Random(f"flip-{seed}-{category}")  # the same mistakes for every recommender
                    ranker = _ranker(bench, name, category, cold, rng)
                    results.setdefault(f"{name}|{cold}", {}).setdefault(category, []).append(
                        bench.run_channel(category, ranker, post=variant.post, flip=variant.flip, rng=flips))
            progress(f"{variant.name}: day order from {order[0].day}, seed {seed + 1}/{seeds}: {cold} done "
                     f"({time.perf_counter() - start:.0f}s)")
    table = []
    for key, per_channel in results.items():
        name, cold = key.split("|")
        runs = np.array([r for rs in per_channel.values() for r in rs])
        per_channel_p5 = np.array([np.mean([r[0] for r in rs]) for rs in per_channel.values()])
        per_seed = np.array([np.mean([rs[i][0] for rs in per_channel.values()]) for i in range(len(next(iter(per_channel.values()))))])
        table.append({"recommender": name, "cold_start": cold, "p_at_5": float(runs[:, 0].mean()),
                      "p_at_5_seed_se": float(per_seed.std(ddof=1) / np.sqrt(len(per_seed))) if len(per_seed) > 1 else None,
                      "runs_per_channel": len(per_seed),
                      "p_at_5_channel_se": float(per_channel_p5.std(ddof=1) / np.sqrt(len(per_channel_p5))) if len(per_channel_p5) > 1 else None,
                      "ndcg_at_10": float(runs[:, 1].mean()), "online_precision": float(runs[:, 2].mean()),
                      "per_channel_p_at_5": {c: float(np.mean([r[0] for r in rs])) for c, rs in per_channel.items()}})
    return channels, table


def throughput(listings: str | Path, *, model: str = DEFAULT_MODEL, n: int = 512) -> dict[str, Any]:
    """Papers/s of the project's embedding path vs a bare SentenceTransformer.encode, same texts, same run."""
    import asyncio

    days = load_listings(listings)
    texts_papers = [p for day in days for p in day.papers][:n]
    texts = [paper_text(p) for p in texts_papers]
    embedder = SentenceTransformerEmbedder(model)
    bare = embedder.model  # the same loaded model
    bare.encode(texts[:32])  # warm-up
    timings: dict[str, list[float]] = {"project": [], "bare": []}
    for _ in range(2):
        t = time.perf_counter()
        asyncio.run(embedder.encode(texts))
        timings["project"].append(time.perf_counter() - t)
        t = time.perf_counter()
        bare.encode(texts, batch_size=32)
        timings["bare"].append(time.perf_counter() - t)
    project = len(texts) / min(timings["project"])
    base = len(texts) / min(timings["bare"])
    return {"texts": len(texts), "project_papers_per_s": project, "bare_papers_per_s": base, "ratio": project / base}


def format_table(report: dict[str, Any]) -> str:
    orders = report.get("day_orders", 1)
    runs = "runs" if orders > 1 else "seeds"
    lines = [f"taste benchmark: {counted(report['papers'], 'paper')}, {counted(len(report['channels']), 'channel')}, "
             + (f"{orders} day orders (--wider), " if orders > 1 else "")
             + f"{counted(report['seeds'], 'seed')}, model {report['model']}"
             + (f", prior pull {report['prior_pull']:g}" if "prior_pull" in report else "")]
    if report["results"]:
        lines += _rows(report["results"], runs)
    if report.get("paired"):
        lines += _paired(report["paired"])
    for v in report.get("variants", []):
        lines += [f"variant {v['variant']}: {VARIANT_TITLES[v['variant']]} ({counted(len(v['channels']), 'channel')})"]
        lines += _rows(v["results"], runs) + _paired(v["paired"])
    if "throughput" in report:
        t = report["throughput"]
        lines.append(f"embedding: project {t['project_papers_per_s']:.1f} papers/s vs bare encode "
                     f"{t['bare_papers_per_s']:.1f} papers/s on {t['texts']} abstracts (ratio {t['ratio']:.2f})")
    return "\n".join(lines)


VARIANT_TITLES = {"k3": "3 posts a day instead of 5", "flip20": "20 % of reactions flipped",
                  "reversed": "day order reversed (the first day scored)",
                  "two-categories": "channels of two categories (either one relevant)"}


def _rows(results: Sequence[dict[str, Any]], runs: str) -> list[str]:
    lines = [f"{'recommender':<22}{'cold start':<12}{'P@5':>7}{'nDCG@10':>9}{'online P':>10}   P@5 s.e.: channels | {runs}"]
    for r in results:
        se = r.get("p_at_5_seed_se")
        spread = f"± {se:.3f} ({r['runs_per_channel']} {runs})" if se is not None else "deterministic"
        ch = r.get("p_at_5_channel_se")
        over_channels = f"± {ch:.3f}" if ch is not None else "—"
        lines.append(f"{r['recommender']:<22}{r['cold_start']:<12}{r['p_at_5']:>7.3f}{r['ndcg_at_10']:>9.3f}"
                     f"{r['online_precision']:>10.3f}   {over_channels:<9}| {spread}")
    return lines


def _paired(pairs: Sequence[dict[str, Any]]) -> list[str]:
    """One line per paired comparison: the mean per-channel P@5 difference ± its standard error."""
    lines = []
    for c in pairs:
        se = c["standard_error"]
        verdict = "beyond 1 s.e." if c["beyond_one_se"] else "within 1 s.e."
        lines.append(f"  paired P@5, {c['recommender']} ({c['cold_start']}) − {c['against']}: "
                     f"{c['mean_difference']:+.3f} ± {se:.3f} over {c['channels']} channels, "
                     f"won/tied/lost {c['wins']}/{c['ties']}/{c['losses']} ({verdict})" if se is not None else
                     f"  paired P@5, {c['recommender']} ({c['cold_start']}) − {c['against']}: {c['mean_difference']:+.3f}")
    return lines


def main(listings: str, *, seeds: int = 3, as_json: bool = False, cache_dir: str | None = None,
         with_throughput: bool = True, only: Sequence[str] = (), prior_pull: float | None = None,
         wider: bool = False, variants: str | None = None, smooth: bool = False,
         backend: Backend = "sentence-transformers") -> int:
    import sys

    try:
        names = parse_variants(variants)
    except ValueError as error:
        print(f"paperbot bench taste: {error}", file=sys.stderr)
        return 2
    cache = Path(cache_dir) if cache_dir else Path.home() / ".cache" / "paperbot" / "bench"
    report = run(listings, seeds=seeds, cache_dir=cache, only=only, prior_pull=prior_pull, wider=wider,
                 variants=names, smooth=smooth, backend=backend, progress=lambda s: print(s, file=sys.stderr))
    if with_throughput:
        report["throughput"] = throughput(listings)
    print(json.dumps(report, indent=2) if as_json else format_table(report))
    return 0
