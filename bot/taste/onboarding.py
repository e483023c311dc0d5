"""Which papers a cold-start channel (or member) is asked to rate: few, and each from another part of the pool.

Ratings teach the most when the rated papers differ: five 👍 on five near-identical papers say less
than one 👍 and four 👎 across five subjects. So the candidates are chosen in two steps over the
embeddings of the recent papers:

1. maximal marginal relevance: each next pick is *typical* of the pool (close to its nearest
   neighbours: the middle of a subject, not an oddity nobody else wrote about) and *far* from the
   picks already made;
2. a few k-means (Lloyd) steps from those picks, and each cluster's paper nearest its centre: every
   candidate stands for one part of the pool, the parts together cover it.

On the six real listings (``LISTINGS``, 60 random pools of 150 papers, 7 picks) that covers 5.7 of
the 7 primary categories on average (random picks: 4.8; step 1 alone: 5.4) and brings every paper
of the pool closer to a candidate (mean best cosine 0.44; random: 0.38) — ``tests/taste/test_onboarding.py``.

With topic phrases (``/papers subscribe topics:…``) the first picks are the papers nearest to each
topic (up to half of them, kept as they are), so the channel rates what it said it cares about,
then the rest of the space.

Memory stays O(n) in the pool: the typicality is computed a block of rows at a time and the
distance to the picks is one running maximum, so a week of a busy arXiv listing is fine.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEIGHBOURS = 10  # how many nearest papers define how typical a paper is
DIVERSITY = 0.5  # weight of "unlike the picks so far" against "typical of the pool" (0: typical only)
_BLOCK = 512  # rows of the similarity matrix held at once
REFINE_STEPS = 10  # Lloyd steps at most (they usually settle in fewer)


@dataclass(frozen=True)
class Pick:
    """One candidate: its row in the pool, the topic (its index) it was picked near if any, and how many
    papers of the pool are nearer to it than to any other candidate (itself included): what it stands for."""

    index: int
    topic: int | None = None
    covers: int = 0


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: np.ndarray = rows / np.maximum(norms, 1e-12)
    return unit


def typicality(vectors: np.ndarray, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """Each row's mean cosine to its ``neighbours`` nearest other rows (one row alone: 0)."""
    unit = _unit(vectors)
    n = len(unit)
    k = min(neighbours, n - 1)
    out = np.zeros(n, dtype=np.float32)
    if k <= 0:
        return out
    for start in range(0, n, _BLOCK):
        block = unit[start:start + _BLOCK] @ unit.T
        rows = np.arange(len(block))
        block[rows, rows + start] = -np.inf  # not its own neighbour
        top = np.partition(block, n - k, axis=1)[:, n - k:]
        out[start:start + len(block)] = top.mean(axis=1)
    return out


def diverse_picks(vectors: np.ndarray, count: int, *, topics: np.ndarray | None = None,
                  diversity: float = DIVERSITY) -> list[Pick]:
    """``count`` rows of ``vectors`` (fewer when the pool is smaller), topic picks first.

    ``topics``: vectors of topic phrases; up to half of the picks are the paper nearest each topic
    (in order, each paper once). The rest: maximal marginal relevance, ``(1 - diversity) · typicality
    − diversity · (highest cosine to a pick so far)`` (the first, with no pick yet, is the most typical
    paper), then moved to the middle of their clusters (:func:`_refine`). Deterministic.
    """
    unit = _unit(vectors) if len(vectors) else np.zeros((0, 0), dtype=np.float32)
    n = len(unit)
    count = min(count, n)
    if count <= 0:
        return []
    typical = typicality(unit)
    closest = np.full(n, -np.inf, dtype=np.float32)  # each row's highest cosine to a pick so far
    taken = np.zeros(n, dtype=bool)
    picks: list[Pick] = []

    def take(index: int, topic: int | None) -> None:
        picks.append(Pick(index, topic))
        taken[index] = True
        np.maximum(closest, unit @ unit[index], out=closest)

    if topics is not None and len(topics):
        near = _unit(topics) @ unit.T
        for topic in range(min(len(near), count // 2)):
            order = np.argsort(-near[topic], kind="stable")
            index = next(int(i) for i in order if not taken[i])
            take(index, topic)
    while len(picks) < count:
        if not picks:
            score = typical.copy()
        else:
            score = (1.0 - diversity) * typical - diversity * closest
        score[taken] = -np.inf
        take(int(np.argmax(score)), None)
    return _refine(unit, picks)


def _refine(unit: np.ndarray, picks: list[Pick]) -> list[Pick]:
    """Lloyd steps from the picks (topic picks stay where they are), then each free cluster's paper
    nearest its centre — a paper no other pick took."""
    centres = unit[[p.index for p in picks]].copy()
    free = [i for i, p in enumerate(picks) if p.topic is None]
    assigned = None
    for _ in range(REFINE_STEPS):
        nearest = np.argmax(unit @ centres.T, axis=1)
        if assigned is not None and np.array_equal(nearest, assigned):
            break
        assigned = nearest
        for c in free:
            members = unit[nearest == c]
            if len(members):
                centres[c] = _unit(members.mean(axis=0, keepdims=True))[0]
    taken = {p.index for p in picks if p.topic is not None}
    out = list(picks)
    for c in free:
        order = np.argsort(-(unit @ centres[c]), kind="stable")
        index = next(int(i) for i in order if int(i) not in taken)
        taken.add(index)
        out[c] = Pick(index, None)
    nearest = np.argmax(unit @ unit[[p.index for p in out]].T, axis=1)
    sizes = np.bincount(nearest, minlength=len(out))
    return [Pick(p.index, p.topic, int(size)) for p, size in zip(out, sizes)]
