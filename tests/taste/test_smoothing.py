"""Transductive smoothing of learned scores over the day's pool (bot/taste/smoothing.py)."""
from __future__ import annotations

import numpy as np

from bot.taste import smoothing
from bot.taste.smoothing import neighbours, smooth


def _pool() -> np.ndarray:
    """Two tight clusters of four papers each, unit vectors."""
    rng = np.random.default_rng(0)
    a, b = np.eye(8)[0], np.eye(8)[1]
    rows = [c + 0.05 * rng.standard_normal(8) for c in (a, a, a, a, b, b, b, b)]
    return np.stack([r / np.linalg.norm(r) for r in rows]).astype(np.float32)


def test_neighbours_are_the_papers_of_the_same_cluster() -> None:
    idx = neighbours(_pool(), np.ones(8, dtype=bool), k=3)
    assert all(set(idx[i]) == {0, 1, 2, 3} - {i} for i in range(4))
    assert all(set(idx[i]) == {4, 5, 6, 7} - {i} for i in range(4, 8))


def test_an_outlier_score_is_pulled_towards_its_neighbours() -> None:
    matrix = _pool()
    scores = np.array([1.0, 1.0, 1.0, -1.0, 0.0, 0.0, 0.0, 0.9])  # paper 3 and paper 7 disagree with their cluster
    smoothing.NEIGHBOURS = 3
    try:
        out = smooth(matrix, scores, np.ones(8, dtype=bool))
    finally:
        smoothing.NEIGHBOURS = 10
    assert out[3] > scores[3] and out[7] < scores[7]
    assert out[:3].min() > out[4:7].max()  # the clusters keep their order


def test_papers_without_a_vector_and_constant_scores_are_left_as_they_are() -> None:
    matrix = _pool()
    has = np.ones(8, dtype=bool)
    has[5] = False
    matrix[5] = 0
    scores = np.arange(8, dtype=float)
    out = smooth(matrix, scores, has)
    assert out[5] == 5.0 and 5 not in neighbours(matrix, has, k=3)[4]
    flat = np.full(8, 0.3)
    assert np.array_equal(smooth(matrix, flat, has), flat)


def test_the_graph_is_built_once_per_pool_matrix() -> None:
    matrix = _pool()
    has = np.ones(8, dtype=bool)
    smoothing._graphs.clear()
    smooth(matrix, np.arange(8, dtype=float), has)
    smooth(matrix, -np.arange(8, dtype=float), has)
    assert len(smoothing._graphs) == 1
    smooth(matrix.copy(), np.arange(8, dtype=float), has)
    assert len(smoothing._graphs) == 2
