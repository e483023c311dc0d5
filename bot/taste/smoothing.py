"""Transductive smoothing: a day's papers that sit close together should score alike.

A channel rates five papers a day, so the learned relevance x·w is noisy: one lucky or mistaken
reaction moves w a long way. The day's candidates themselves carry information the ratings do not:
papers on one subject form tight neighbourhoods in embedding space. Label propagation over the
day's k-nearest-neighbour graph (Zhou et al. 2004, "Learning with local and global consistency")
pulls each paper's score towards its neighbours' scores:

    f ← (1 − ALPHA)·s + ALPHA·(mean of f over the paper's NEIGHBOURS nearest papers), STEPS times

so a paper whose neighbourhood the channel likes rises, and an outlier that happens to line up
with w sinks. The graph depends only on the pool, not the channel: it is built once per pool
matrix (cached by identity, as the planner ranks thousands of channels against one pool) and each
channel's smoothing is then STEPS gathers of n × NEIGHBOURS scores.
"""
from __future__ import annotations

import weakref

import numpy as np

ALPHA = 0.5  # weight of the neighbours' scores against the paper's own
NEIGHBOURS = 10
STEPS = 1
_CACHE_SIZE = 8

_graphs: list[tuple[weakref.ref[np.ndarray], bytes, np.ndarray]] = []


def neighbours(matrix: np.ndarray, has: np.ndarray, k: int | None = None) -> np.ndarray:
    """Row i: the indices of the k papers most like paper i (itself excluded; only papers with a vector).

    Papers without a vector get themselves as neighbours (smoothing leaves them as they are)."""
    n = len(matrix)
    k = min(NEIGHBOURS if k is None else k, int(has.sum()) - 1)
    if k <= 0:
        return np.arange(n)[:, None]
    sim = matrix @ matrix.T
    sim[:, ~has] = -np.inf
    np.fill_diagonal(sim, -np.inf)
    idx = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    idx[~has] = np.arange(n)[~has, None]
    return idx


def _graph(matrix: np.ndarray, has: np.ndarray) -> np.ndarray:
    key = has.tobytes()
    for ref, mask, idx in _graphs:
        if ref() is matrix and mask == key:
            return idx
    idx = neighbours(matrix, has)
    _graphs.insert(0, (weakref.ref(matrix), key, idx))
    del _graphs[_CACHE_SIZE:]
    return idx


def smooth(matrix: np.ndarray, scores: np.ndarray, has: np.ndarray, *, alpha: float | None = None,
           steps: int | None = None) -> np.ndarray:
    """``scores`` propagated over the pool's neighbour graph (module docstring); constant scores stay."""
    alpha = ALPHA if alpha is None else alpha
    steps = STEPS if steps is None else steps
    if alpha <= 0 or steps <= 0 or len(scores) < 2 or np.ptp(scores) == 0:
        return scores
    idx = _graph(matrix, has)
    base = scores.astype(np.float64)
    f = base
    for _ in range(steps):
        f = (1 - alpha) * base + alpha * f[idx].mean(axis=1)
    return np.where(has, f, base)
