"""``digest_reason`` for every posted paper of a batch of channels at once (``bot.taste.batched``).

One call per posted paper spent most of a 10,000-channel planning pass's ranking time stacking each
channel's signal vectors again for every paper (``reasons.nearest``). Here each channel's liked and
topic signals are gathered once, the cosines of every (posted paper, signal) pair are one product,
and the nearest signal of each paper is a segment reduction. The words are ``digest_reason``'s,
built by the same helpers (``like_reason``, ``topic_reason``); where a cosine is closer to a
threshold, or to the runner-up, than float rounding could move it, that paper's reason is the
one-call ``digest_reason`` itself, so the result is the same string for string
(``tests/taste/test_batched_ranking.py``).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from bot.taste.ranking import Profile, Signal
from bot.taste.reasons import (
    CLOSE_TO,
    EXPLORING,
    FITS_RATINGS,
    LIKE_THRESHOLD,
    RATED,
    RATED_ITSELF,
    TOPIC_RIGHT_ON,
    TOPIC_THRESHOLD,
    VERY_CLOSE,
    Near,
    author_reason,
    digest_reason,
    like_reason,
    topic_reason,
)

ROUNDING = 1e-4  # the float32 products here are within ~1e-6 of the float64 ones digest_reason takes
_LIKE_EDGES = np.array([LIKE_THRESHOLD, CLOSE_TO, VERY_CLOSE])
_TOPIC_EDGES = np.array([TOPIC_THRESHOLD, TOPIC_RIGHT_ON])


class _Nearest:
    """Per (channel, paper) pair: the nearest of the channel's signals of one kind, its cosine, and
    whether rounding could change the words: another label within rounding of the nearest (an exact
    tie of one label — the same paper rated by several members — cannot), or a cosine by a threshold.

    Channels with as many posted papers and signals are one stacked product (papers × signals each)."""

    def __init__(self, chosen: Sequence[Sequence[int]], signals: Sequence[Sequence[Signal]],
                 matrix: np.ndarray, edges: np.ndarray) -> None:
        starts = np.cumsum([0] + [len(rows) for rows in chosen])
        count = int(starts[-1])
        self.index = np.full(count, -1)
        self.cosine = np.zeros(count)
        self.unsure = np.zeros(count, dtype=bool)
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for b, rows in enumerate(chosen):
            if rows and signals[b]:
                groups[(len(rows), len(signals[b]))].append(b)
        labels: dict[str, int] = {}
        for (k, _), owners in groups.items():
            papers = matrix[np.array([chosen[b] for b in owners], dtype=np.int64)]  # owners × k × dim
            vectors = np.array([[s.vector for s in signals[b]] for b in owners], dtype=np.float32)  # owners × n × dim
            label = np.array([[labels.setdefault(s.label, len(labels)) for s in signals[b]] for b in owners])
            sims = (papers @ vectors.transpose(0, 2, 1)).astype(np.float64)  # owners × k × n
            first = sims.argmax(axis=2)  # the first of equal maxima, as the stable sort of ``nearest``
            best = np.take_along_axis(sims, first[:, :, None], axis=2)[:, :, 0]
            band = sims >= best[:, :, None] - ROUNDING
            named = np.broadcast_to(label[:, None, :], sims.shape)
            mixed = (np.where(band, named, np.iinfo(np.int64).max).min(axis=2)
                     != np.where(band, named, -1).max(axis=2))
            near_edge = (np.abs(best[:, :, None] - edges[None, None, :]) < 2 * ROUNDING).any(axis=2)
            at = (starts[np.array(owners)][:, None] + np.arange(k)[None, :]).ravel()
            self.index[at] = first.ravel()
            self.cosine[at] = best.ravel()
            self.unsure[at] = (mixed | near_edge).ravel()


def reasons_many(trending_ids: Sequence[str], trending_why: Sequence[str], matrix: np.ndarray, has: np.ndarray,
                 trend: np.ndarray, profiles: Sequence[Profile], relevance_rank: np.ndarray, t: np.ndarray,
                 by_author: Sequence[Mapping[int, str]], explored: Sequence[int | None],
                 chosen: Sequence[Sequence[int]]) -> list[list[str]]:
    """``digest_reason`` of each row in ``chosen[b]`` for channel b, as ``rank_prepared`` calls it.

    Which branch of ``digest_reason`` each (channel, paper) pair takes is decided for all pairs at
    once (array masks, in ``digest_reason``'s order); only the reasons that name a signal, or
    that rounding could change, are worded one pair at a time."""
    n_papers = len(trending_ids)
    at_row = {arxiv_id: i for i, arxiv_id in enumerate(trending_ids)}
    liked: list[list[Signal]] = []
    topics: list[list[Signal]] = []
    rated = np.zeros(len(profiles), dtype=bool)
    itself: list[int] = []  # b · n_papers + i: pool row i is a paper channel b liked (rated here before)
    for b, profile in enumerate(profiles):
        mine: list[Signal] = []
        phrases: list[Signal] = []
        for sig in profile.signals:
            if sig.kind in RATED:
                if sig.weight != 0:
                    rated[b] = True
                if sig.weight > 0:
                    mine.append(sig)
                    row = at_row.get(sig.arxiv_id) if sig.arxiv_id is not None else None
                    if row is not None:
                        itself.append(b * n_papers + row)
            elif sig.kind == "topic" and sig.weight > 0:
                phrases.append(sig)
        liked.append(mine)
        topics.append(phrases)
    lengths = [len(rows) for rows in chosen]
    out: list[list[str]] = [[] for _ in chosen]
    if not sum(lengths):
        return out
    like = _Nearest(chosen, liked, matrix, _LIKE_EDGES)
    topic = _Nearest(chosen, topics, matrix, _TOPIC_EDGES)
    rows_b = np.repeat(np.arange(len(chosen)), lengths)
    rows_i = np.fromiter((i for rows in chosen for i in rows), dtype=np.int64, count=len(rows_b))
    tb = np.asarray(t, dtype=np.float64)[rows_b]
    relevance_part = (1 - tb) * relevance_rank[rows_b, rows_i]  # the same float64 operations as rank_prepared's
    trending_part = tb * trend[rows_i]
    explored_row = np.array([-1 if e is None else e for e in explored], dtype=np.int64)[rows_b]
    authored = np.zeros(len(rows_b), dtype=bool)
    for b in (b for b, named in enumerate(by_author) if named):
        at = np.nonzero(rows_b == b)[0]
        authored[at] = [int(i) in by_author[b] for i in rows_i[at]]
    # digest_reason's branches, first match wins
    branch = np.select(
        [authored, rows_i == explored_row, np.isin(rows_b * n_papers + rows_i, itself), ~has[rows_i],
         like.unsure | topic.unsure, (like.index >= 0) & (like.cosine >= LIKE_THRESHOLD), ~(relevance_part >= trending_part),
         (topic.index >= 0) & (topic.cosine >= TOPIC_THRESHOLD), rated[rows_b], topic.index >= 0],
        [_AUTHOR, _EXPLORED, _ITSELF, _TRENDING, _UNSURE, _LIKE, _TRENDING, _TOPIC, _FITS, _TOPIC],
        _TRENDING,
    )
    words: list[str] = [_WORDS[k] for k in branch.tolist()]
    for j in np.nonzero(branch == _TRENDING)[0].tolist():
        words[j] = trending_why[rows_i[j]]
    for j in np.nonzero(branch >= _AUTHOR)[0].tolist():  # the few worded one pair at a time
        b, i, k = int(rows_b[j]), int(rows_i[j]), int(branch[j])
        if k == _AUTHOR:
            words[j] = author_reason(by_author[b][i])
        elif k == _UNSURE:
            words[j] = digest_reason(arxiv_id=trending_ids[i], vector=matrix[i], signals=profiles[b].signals,
                                     trending_why=trending_why[i], relevance_part=float(relevance_part[j]),
                                     trending_part=float(trending_part[j]), author=None, explored=False)
        elif k == _LIKE:
            words[j] = like_reason(Near(liked[b][int(like.index[j])], float(like.cosine[j])))
        else:
            words[j] = topic_reason(Near(topics[b][int(topic.index[j])], float(topic.cosine[j])))
    start = 0
    for b, length in enumerate(lengths):
        out[b] = words[start:start + length]
        start += length
    return out


# the branches' codes: the constant words first, then those worded per pair
_EXPLORED, _ITSELF, _FITS, _TRENDING, _AUTHOR, _UNSURE, _LIKE, _TOPIC = range(8)
_WORDS = [EXPLORING, RATED_ITSELF, FITS_RATINGS, "", "", "", "", ""]
