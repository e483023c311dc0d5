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
    tie of one label — the same paper rated by several members — cannot), or a cosine by a threshold."""

    def __init__(self, pairs: Sequence[tuple[int, int]], signals: Sequence[Sequence[Signal]],
                 matrix: np.ndarray, edges: np.ndarray) -> None:
        count = len(pairs)
        self.index = np.full(count, -1)
        self.cosine = np.zeros(count)
        self.unsure = np.zeros(count, dtype=bool)
        sizes = np.array([len(signals[b]) for b, _ in pairs], dtype=int)
        present = np.nonzero(sizes)[0]
        if not len(present):
            return
        kept = [pairs[j] for j in present.tolist()]
        owners = sorted({b for b, _ in kept})
        first_row = dict(zip(owners, np.cumsum([0] + [len(signals[b]) for b in owners[:-1]]).tolist(), strict=True))
        flat = [s for b in owners for s in signals[b]]
        labels: dict[str, int] = {}
        label_of = np.array([labels.setdefault(s.label, len(labels)) for s in flat])
        stacked = np.stack([s.vector for s in flat]).astype(np.float32, copy=False)
        size = sizes[present]
        starts = np.concatenate(([0], np.cumsum(size)[:-1]))
        within = np.arange(int(size.sum())) - np.repeat(starts, size)
        signal_row = np.repeat(np.array([first_row[b] for b, _ in kept], dtype=np.int64), size) + within
        paper_row = np.repeat(np.array([i for _, i in kept], dtype=np.int64), size)
        sims = np.einsum("nd,nd->n", stacked[signal_row], matrix[paper_row]).astype(np.float64)
        best = np.maximum.reduceat(sims, starts)
        first = np.minimum.reduceat(np.where(sims == np.repeat(best, size), within, np.iinfo(np.int64).max), starts)
        band = sims >= np.repeat(best, size) - ROUNDING
        label = label_of[signal_row]
        mixed = (np.minimum.reduceat(np.where(band, label, np.iinfo(np.int64).max), starts)
                 != np.maximum.reduceat(np.where(band, label, -1), starts))
        self.index[present] = first
        self.cosine[present] = best
        self.unsure[present] = mixed | (np.abs(best[:, None] - edges[None, :]) < 2 * ROUNDING).any(axis=1)


def reasons_many(trending_ids: Sequence[str], trending_why: Sequence[str], matrix: np.ndarray, has: np.ndarray,
                 trend: np.ndarray, profiles: Sequence[Profile], relevance_rank: np.ndarray, t: np.ndarray,
                 by_author: Sequence[Mapping[int, str]], explored: Sequence[int | None],
                 chosen: Sequence[Sequence[int]]) -> list[list[str]]:
    """``digest_reason`` of each row in ``chosen[b]`` for channel b, as ``rank_prepared`` calls it."""
    liked = [[s for s in p.signals if s.kind in RATED and s.weight > 0] for p in profiles]
    topics = [[s for s in p.signals if s.kind == "topic" and s.weight > 0] for p in profiles]
    pairs = [(b, i) for b, rows in enumerate(chosen) for i in rows]
    like = _Nearest(pairs, liked, matrix, _LIKE_EDGES)
    topic = _Nearest(pairs, topics, matrix, _TOPIC_EDGES)
    out: list[list[str]] = [[] for _ in chosen]
    liked_ids = [{s.arxiv_id for s in rows} for rows in liked]
    rated = [any(s.kind in RATED and s.weight != 0 for s in p.signals) for p in profiles]
    for j, (b, i) in enumerate(pairs):
        tb = float(t[b])
        relevance_part, trending_part = (1 - tb) * float(relevance_rank[b, i]), tb * float(trend[i])
        author = by_author[b].get(i)
        if author is not None:
            words = f"by followed author {author}"
        elif i == explored[b]:
            words = EXPLORING
        elif trending_ids[i] in liked_ids[b]:
            words = RATED_ITSELF
        elif not has[i]:
            words = trending_why[i]
        elif like.unsure[j] or topic.unsure[j]:
            words = digest_reason(arxiv_id=trending_ids[i], vector=matrix[i], signals=profiles[b].signals,
                                  trending_why=trending_why[i], relevance_part=relevance_part,
                                  trending_part=trending_part, author=None, explored=False)
        elif like.index[j] >= 0 and like.cosine[j] >= LIKE_THRESHOLD:
            words = like_reason(Near(liked[b][like.index[j]], float(like.cosine[j])))
        elif relevance_part >= trending_part:
            near = Near(topics[b][topic.index[j]], float(topic.cosine[j])) if topic.index[j] >= 0 else None
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
