"""`/papers tune`'s choice of candidates (``bot.taste.onboarding``) on the six real listings, real MiniLM.

Diverse means here: the picks span the listings' primary categories (cs.CV, cs.GR, cs.IT, cs.CL,
cs.CE, cs.AI, cs.GT) better than random picks and far better than the most typical papers alone,
and every paper of a pool has a candidate closer to it than random picks give.
"""
from __future__ import annotations

import numpy as np
import pytest

from bot.domain import Paper
from bot.taste.embedder import paper_text
from bot.taste.onboarding import diverse_picks, typicality
from bot.taste.onnx_embedder import OnnxEmbedder
from paperbot.bench.listings import load_listings
from tests.harness.fixtures_paths import ARXIV_METADATA as LISTINGS

PICKS = 7


@pytest.fixture(scope="module")
def listings(real_embedder: OnnxEmbedder) -> tuple[list[Paper], np.ndarray]:
    papers = [p for day in load_listings(LISTINGS) for p in day.papers]
    return papers, real_embedder.encode_sync([paper_text(p) for p in papers])


def categories(papers: list[Paper], rows: list[int] | np.ndarray) -> set[str | None]:
    return {papers[i].primary_category for i in rows}


def represented(vectors: np.ndarray, rows: list[int] | np.ndarray) -> float:
    """How close, on average, each paper of the pool is to its nearest pick (cosine)."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return float(np.mean(np.max(unit @ unit[list(rows)].T, axis=1)))


def test_the_picks_span_the_categories_of_the_listings(listings: tuple[list[Paper], np.ndarray]) -> None:
    papers, vectors = listings
    assert len(categories(papers, range(len(papers)))) == 7
    picks = [p.index for p in diverse_picks(vectors, PICKS)]
    assert len(set(picks)) == PICKS
    most_typical = np.argsort(-typicality(vectors))[:PICKS]
    assert len(categories(papers, picks)) >= 5
    assert len(categories(papers, picks)) >= len(categories(papers, most_typical)) + 2
    picked = diverse_picks(vectors, PICKS)
    assert sum(p.covers for p in picked) == len(papers) and all(p.covers >= 1 for p in picked)


def test_over_many_pools_the_picks_beat_random_ones(listings: tuple[list[Paper], np.ndarray]) -> None:
    """The figures of ``bot.taste.onboarding``'s docstring: 60 random pools of 150 papers."""
    papers, vectors = listings
    rng = np.random.default_rng(1)
    ours, chance, ours_near, chance_near = [], [], [], []
    for _ in range(60):
        pool = rng.choice(len(papers), 150, replace=False)
        sub = vectors[pool]
        picks = [p.index for p in diverse_picks(sub, PICKS)]
        random_picks = rng.choice(len(pool), PICKS, replace=False)
        ours.append(len(categories(papers, pool[picks])))
        chance.append(len(categories(papers, pool[random_picks])))
        ours_near.append(represented(sub, picks))
        chance_near.append(represented(sub, random_picks))
    assert np.mean(ours) >= np.mean(chance) + 0.5, (np.mean(ours), np.mean(chance))
    assert np.mean(ours_near) >= np.mean(chance_near) + 0.03, (np.mean(ours_near), np.mean(chance_near))


def test_a_topic_phrase_seeds_the_first_pick(listings: tuple[list[Paper], np.ndarray],
                                             real_embedder: OnnxEmbedder) -> None:
    papers, vectors = listings
    topic = real_embedder.encode_sync(["game theory: equilibria, auctions and mechanism design"])
    picks = diverse_picks(vectors, PICKS, topics=topic)
    first = picks[0]
    assert first.topic == 0 and all(p.topic is None for p in picks[1:])
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert first.index == int(np.argmax(unit @ (topic[0] / np.linalg.norm(topic[0]))))
    assert papers[first.index].primary_category == "cs.GT"
    assert len(categories(papers, [p.index for p in picks])) >= 5  # and the rest still spread out


def test_topics_take_at_most_half_of_the_picks(listings: tuple[list[Paper], np.ndarray]) -> None:
    _, vectors = listings
    picks = diverse_picks(vectors, 4, topics=vectors[:6])
    assert [p.topic for p in picks] == [0, 1, None, None]
    assert [p.index for p in picks[:2]] == [0, 1]  # a paper is nearest to its own vector
    assert len({p.index for p in picks}) == 4


def test_small_pools() -> None:
    rows = np.eye(3, 8, dtype=np.float32)
    assert sorted(p.index for p in diverse_picks(rows, 7)) == [0, 1, 2]
    assert diverse_picks(np.zeros((0, 8), dtype=np.float32), 7) == []
    assert [p.index for p in diverse_picks(rows[:1], 7)] == [0]
