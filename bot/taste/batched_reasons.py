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
    """``digest_reason`` of each row in ``chosen[b]`` for channel b, as ``rank_prepared`` calls it."""
    liked = [[s for s in p.signals if s.kind in RATED and s.weight > 0] for p in profiles]
    topics = [[s for s in p.signals if s.kind == "topic" and s.weight > 0] for p in profiles]
    pairs = [(b, i) for b, rows in enumerate(chosen) for i in rows]
    like = _Nearest(chosen, liked, matrix, _LIKE_EDGES)
    topic = _Nearest(chosen, topics, matrix, _TOPIC_EDGES)
    out: list[list[str]] = [[] for _ in chosen]
    if not pairs:
        return out
    liked_ids = [{s.arxiv_id for s in rows} for rows in liked]
    rated = [any(s.kind in RATED and s.weight != 0 for s in p.signals) for p in profiles]
    rows_b, rows_i = np.array(pairs, dtype=np.int64).T
    tb = np.asarray(t, dtype=np.float64)[rows_b]
    relevance_part = (1 - tb) * relevance_rank[rows_b, rows_i]  # the same float64 operations as rank_prepared's
    trending_part = tb * trend[rows_i]
    relevance_wins = (relevance_part >= trending_part).tolist()
    unsure = (like.unsure | topic.unsure).tolist()
    like_index, like_cosine = like.index.tolist(), like.cosine.tolist()
    topic_index, topic_cosine = topic.index.tolist(), topic.cosine.tolist()
    with_vector = has.tolist()
    for j, (b, i) in enumerate(pairs):
        author = by_author[b].get(i)
        if author is not None:
            words = f"by followed author {author}"
        elif i == explored[b]:
            words = EXPLORING
        elif trending_ids[i] in liked_ids[b]:
            words = RATED_ITSELF
        elif not with_vector[i]:
            words = trending_why[i]
        elif unsure[j]:
            words = digest_reason(arxiv_id=trending_ids[i], vector=matrix[i], signals=profiles[b].signals,
                                  trending_why=trending_why[i], relevance_part=float(relevance_part[j]),
                                  trending_part=float(trending_part[j]), author=None, explored=False)
        elif like_index[j] >= 0 and like_cosine[j] >= LIKE_THRESHOLD:
            words = like_reason(Near(liked[b][like_index[j]], like_cosine[j]))
        elif relevance_wins[j]:
            near = Near(topics[b][topic_index[j]], topic_cosine[j]) if topic_index[j] >= 0 else None
            if near is not None and near.cosine >= TOPIC_THRESHOLD:
                words = topic_reason(near)
            elif rated[b]:
                words = FITS_RATINGS
            elif near is not None:
                words = topic_reason(near)
            else:
                words = trending_why[i]
        else:
            words = trending_why[i]
        out[b].append(words)
    return out
