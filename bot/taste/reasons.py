"""Why a paper ranks where it does, in words a member can check: the reasons a digest shows and
`/papers why` spells out.

A reason names a liked paper only when that paper is really close (cosine ≥ ``LIKE_THRESHOLD``,
calibrated on the real model and listings: docs/design/ranking.md "Reasons") and then the NEAREST
rated paper, never merely the first. Otherwise it names what actually drove the score: a followed
author, the exploration slot, the trending part (with the upvotes/stars it used), or the topic phrase
and the channel's ratings as a whole. Strength is said in words ("close to", "a bit like"), not cosines.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.taste.ranking import Signal

# Cosines (all-MiniLM-L6-v2, title + abstract) calibrated on the benchmark's six real listings by
# benchmarks/calibrate_why.py (docs/design/ranking.md "Reasons"): a paper's nearest of 10 rated papers
# of another primary category reaches 0.60 for 2.5 % of papers (0.55: 8.3 %), one of the same category for 7.5 %.
LIKE_THRESHOLD = 0.60  # at or above: the reason may name that liked paper ("a bit like")
CLOSE_TO = 0.70  # "close to" (0.2 % of other-category nearest pairs)
VERY_CLOSE = 0.80  # "very close to" (no other-category pair)
# a topic phrase against a paper: the category's arXiv name reaches 0.25 for 15 % of that category's
# papers and 2.3 % of others' (a short phrase matches a document less closely than two abstracts do)
TOPIC_THRESHOLD = 0.25
TOPIC_RIGHT_ON = 0.40
RATED = ("reaction", "like")
RATED_ITSELF = "rated here before"  # an on-demand digest replaces it with how (``bot.scheduling.seen.note_for``)
EXPLORING = "exploring: unlike what the channel has rated so far"
FITS_RATINGS = "fits this channel's ratings as a whole (no rated paper is close to it)"


def strength(cosine: float, *, topic: bool = False) -> str:
    """The words for how close a paper is to a rated paper (or, ``topic``, to a topic phrase)."""
    if topic:
        return "right on" if cosine >= TOPIC_RIGHT_ON else "on" if cosine >= TOPIC_THRESHOLD else "loosely on"
    if cosine >= VERY_CLOSE:
        return "very close to"
    if cosine >= CLOSE_TO:
        return "close to"
    if cosine >= LIKE_THRESHOLD:
        return "a bit like"
    return "not close to"


def short(title: str, limit: int = 50) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Near:
    """A signal and its cosine to the paper being explained."""

    signal: Signal
    cosine: float

    @property
    def words(self) -> str:
        return strength(self.cosine, topic=self.signal.kind == "topic")


def nearest(vector: np.ndarray, signals: Sequence[Signal], *, kinds: Sequence[str] = RATED, positive: bool = True,
            exclude: str | None = None, count: int = 1) -> list[Near]:
    """The ``count`` signals of ``kinds`` most like ``vector``, nearest first (``exclude``: the paper's own id)."""
    pool = [s for s in signals if s.kind in kinds and (s.weight > 0) == positive and s.weight != 0
            and (exclude is None or s.arxiv_id != exclude)]
    if not pool:
        return []
    sims = np.stack([s.vector for s in pool]).astype(np.float64) @ np.asarray(vector, dtype=np.float64)
    return [Near(pool[i], float(sims[i])) for i in np.argsort(-sims, kind="stable")[:count]]


def close_like(vector: np.ndarray, signals: Sequence[Signal], exclude: str | None = None) -> Near | None:
    """The nearest liked paper when it is really close (``LIKE_THRESHOLD``), else None."""
    found = nearest(vector, signals, exclude=exclude)
    return found[0] if found and found[0].cosine >= LIKE_THRESHOLD else None


def author_reason(author: str) -> str:
    """A followed author's paper: the boost that ranked it."""
    return f"by followed author {author}"


def like_reason(near: Near) -> str:
    return f"{near.words} \"{short(near.signal.label)}\" (liked before)"


def topic_reason(near: Near) -> str:
    return f"{near.words} topic '{near.signal.label}'"


def digest_reason(
    *,
    arxiv_id: str,
    vector: np.ndarray | None,
    signals: Sequence[Signal],
    trending_why: str,
    relevance_part: float,
    trending_part: float,
    author: str | None = None,
    explored: bool = False,
) -> str:
    """A posted paper's one-line reason. ``relevance_part`` and ``trending_part`` are the two terms of
    its blended score ((1 − t)·relevance rank and t·trending rank): the larger one drove the rank."""
    if author is not None:
        return author_reason(author)
    if explored:
        return EXPLORING
    if any(s.arxiv_id == arxiv_id and s.kind in RATED and s.weight > 0 for s in signals):
        return RATED_ITSELF  # its own rating ranks it (scheduled digests never show it again)
    if vector is not None and (near := close_like(vector, signals, exclude=arxiv_id)) is not None:
        return like_reason(near)
    if vector is not None and relevance_part >= trending_part:
        topics = nearest(vector, signals, kinds=("topic",))
        if topics and topics[0].cosine >= TOPIC_THRESHOLD:
            return topic_reason(topics[0])
        if any(s.kind in RATED and s.weight != 0 for s in signals):
            return FITS_RATINGS
        if topics:
            return topic_reason(topics[0])  # "loosely on topic …": the phrase alone ranked it, weakly
    return trending_why
