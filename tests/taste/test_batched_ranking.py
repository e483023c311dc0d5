"""The batched ranking is the one-channel ranking, item for item, over varied profiles and settings."""
from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from bot.domain import Paper
from bot.ranking.trending import rank_trending
from bot.taste.batched import Pool, rank_prepared_many
from bot.taste.ranking import Profile, Signal, TasteSettings, prepare_pool, rank_prepared

DAY = date(2025, 11, 7)
NOW = datetime(2025, 11, 7, 9, tzinfo=UTC)
AUTHORS = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def pool_of(rng: np.random.Generator, n: int = 150, dim: int = 48) -> tuple[Pool, np.ndarray]:
    papers = [Paper(f"2511.{i:05d}", f"Paper {i}", abstract="x", announced_on=DAY, upvotes=int(rng.integers(0, 20)),
                    authors=(AUTHORS[i % 3],) if i % 7 == 0 else (), sources=frozenset({"sample"})) for i in range(n)]
    m = rng.standard_normal((n, dim)).astype(np.float32)
    m[5] = m[4]  # an exact duplicate: a tie the batched path must break as the stable sort does
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    vectors = {p.arxiv_id: m[i] for i, p in enumerate(papers) if i % 41 != 3}  # a few papers without a vector
    trending = rank_trending(papers, DAY)
    matrix, has, trend = prepare_pool(trending, vectors)
    return Pool(trending, matrix, has, trend), m


def profile_of(rng: np.random.Generator, m: np.ndarray, k: int) -> Profile:
    at = datetime(2025, 10, int(rng.integers(1, 30)), tzinfo=UTC)
    signals = []
    for j, r in enumerate(rng.integers(0, len(m), int(rng.integers(0, 10)))):
        kind = "like" if j % 5 == 4 else "reaction"
        weight = 1.0 if (j + k) % 3 else -1.0 if kind == "reaction" else 1.0
        signals.append(Signal(m[r], weight * float(rng.uniform(0.5, 1.5)), kind, f"Paper {r}", at, f"2511.{r:05d}"))
    if k % 4 == 0:
        topic = rng.standard_normal(m.shape[1]).astype(np.float32)
        signals.append(Signal(topic / np.linalg.norm(topic), 1.0, "topic", f"topic {k}", None))
    if k % 9 == 0:
        signals.append(Signal(m[0], 1.0, "author", AUTHORS[k % 3], None))
    if k % 23 == 0:
        signals = [s for s in signals if s.kind == "author"]  # author only: no relevance but the boost
    return Profile(signals)


def settings_of(k: int) -> TasteSettings:
    return TasteSettings(trending=float(k % 5) / 4, diversity=0.0 if k % 11 == 0 else 0.15 if k % 2 else 1.0,
                         explore=k % 6 != 0, threshold=0.05 if k % 13 == 0 else None,
                         half_life_days=30.0 if k % 3 else 7.0)


def test_a_batch_of_varied_channels_ranks_as_one_channel_at_a_time() -> None:
    rng = np.random.default_rng(11)
    pool, m = pool_of(rng)
    profiles = [profile_of(rng, m, k) for k in range(300)]
    settings = [settings_of(k) for k in range(300)]
    counts = [[5, 7, 3, 1, 10][k % 5] for k in range(300)]
    got = rank_prepared_many(pool, profiles, settings, counts, now=NOW)
    assert len(got) == 300
    for k in range(300):
        want = rank_prepared(pool.trending, pool.matrix, pool.has, pool.trend, profiles[k], count=counts[k],
                             settings=settings[k], now=NOW)
        assert [(r.paper.arxiv_id, r.why) for r in got[k]] == [(r.paper.arxiv_id, r.why) for r in want], k
        assert [r.score for r in got[k]] == [r.score for r in want], k
    whys = {r.why.split(" ")[0] for rows in got for r in rows}
    assert {"exploring:", "by", "fits", "rated", "on", "trending:"} <= whys  # every kind of reason occurred


def test_tied_scores_break_by_pool_position_as_the_stable_sort_does() -> None:
    rng = np.random.default_rng(5)
    pool, m = pool_of(rng, n=60)
    flat = Pool(pool.trending, pool.matrix, pool.has, np.zeros(len(pool.trend)))  # every trending score tied
    profiles = [Profile([Signal(m[4], 1.0, "reaction", "Paper 4", None, "2511.00004")])] * 3
    settings = [TasteSettings(trending=1.0, explore=False), TasteSettings(trending=1.0, diversity=0.0, explore=False),
                TasteSettings(trending=0.0, explore=False)]
    got = rank_prepared_many(flat, profiles, settings, [5, 5, 5], now=NOW)
    for k in range(3):
        want = rank_prepared(flat.trending, flat.matrix, flat.has, flat.trend, profiles[k], count=5, settings=settings[k], now=NOW)
        assert [r.paper.arxiv_id for r in got[k]] == [r.paper.arxiv_id for r in want]
    assert [r.paper.arxiv_id for r in got[1]] == [r.paper.arxiv_id for r in flat.trending[:5]]


def test_skipped_papers_keep_their_place_but_are_left_out() -> None:
    rng = np.random.default_rng(3)
    pool, m = pool_of(rng)
    profiles = [profile_of(rng, m, k) for k in range(60)]
    settings = [settings_of(k) for k in range(60)]
    full = rank_prepared_many(pool, profiles, settings, [7] * 60, now=NOW)
    skip = [{r.paper.arxiv_id for r in rows[k % 3::3]} for k, rows in enumerate(full)]  # some of what each would get
    got = rank_prepared_many(pool, profiles, settings, [7] * 60, now=NOW, skip=skip)
    assert sum(map(len, skip)) > 60
    for k in range(60):
        assert [(r.paper.arxiv_id, r.score, r.why) for r in got[k]] == [
            (r.paper.arxiv_id, r.score, r.why) for r in full[k] if r.paper.arxiv_id not in skip[k]], k


def test_the_keyed_row_sort_is_the_stable_argsort() -> None:
    """``_stable_order_rows`` (int64 keys) orders float32 rows as ``argsort(kind="stable")``: ties by
    position, -0.0 equal to +0.0, infinities at the ends, NaN rows through the float sort."""
    from bot.taste.batched import _stable_order_rows

    rng = np.random.default_rng(3)
    values = rng.standard_normal((40, 57)).astype(np.float32)
    values[:, 10:20] = values[:, :10]  # exact ties
    values[1, :] = 0.0
    values[2, ::2] = -0.0
    values[3, [4, 9]] = [np.inf, -np.inf]
    values[4, :] = np.round(values[4, :])  # many ties
    assert (_stable_order_rows(values) == values.argsort(axis=1, kind="stable")).all()
    assert (_stable_order_rows(values.astype(np.float64)) == values.argsort(axis=1, kind="stable")).all()
    values[5, 7] = -np.nan
    assert (_stable_order_rows(values) == values.argsort(axis=1, kind="stable")).all()
