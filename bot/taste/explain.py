"""`/papers why <id>`: one paper's rank for a channel (or a member), taken apart.

The same parts ``rank_prepared`` blends — relevance from the profile (with a followed author's boost),
trending, the channel's ``trending`` weight — each told in words and with its number, and the rated
papers and topics nearest to the paper with their strength words (``bot.taste.reasons``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from bot.domain import Paper
from bot.ranking.trending import popularity, rank_trending, trending_score
from bot.taste.ranking import (
    AUTHOR_BOOST,
    Profile,
    TasteSettings,
    _matches,
    _rank_normalise,
    filter_papers,
    prepare_pool,
    relevance,
)
from bot.taste.reasons import LIKE_THRESHOLD, Near, nearest, short, strength


@dataclass(frozen=True)
class Explanation:
    """What `/papers why` tells about one paper of one day's pool."""

    paper: Paper
    day: date
    position: int | None  # 1-based in the channel's ranking of the day; None: filtered out
    pool_size: int
    reason: str  # the line a digest shows
    relevance: float | None  # x·w (+ the followed-author boost); None: no profile, or no vector
    relevance_rank: float  # 0–1 among the day's papers
    trending: float
    trending_rank: float
    trending_why: str
    blend: float  # the channel's trending weight t
    liked: tuple[Near, ...] = ()
    disliked: tuple[Near, ...] = ()
    topics: tuple[Near, ...] = ()
    author: str | None = None
    filtered: bool = False

    @property
    def score(self) -> float:
        return (1 - self.blend) * self.relevance_rank + self.blend * self.trending_rank


def _percentile(rank: float) -> str:
    top = max(1, round((1 - rank) * 100))
    return f"top {top}%" if top <= 50 else f"bottom {101 - top}%"


def relevance_words(rank: float) -> str:
    """How relevant, said against the day's other papers (rank-normalised relevance)."""
    if rank >= 0.95:
        return "among the most relevant of the day"
    if rank >= 0.75:
        return "more relevant than most"
    if rank >= 0.4:
        return "middling"
    return "less relevant than most"


def explain(paper: Paper, papers: Sequence[Paper], vectors: Mapping[str, np.ndarray], profile: Profile,
            settings: TasteSettings, day: date, *, position: int | None, reason: str,
            now: datetime | None = None) -> Explanation:
    """Take ``paper``'s rank among ``papers`` apart (``position`` and ``reason``: from the real ranking)."""
    kept = filter_papers(papers, settings)
    filtered = all(p.arxiv_id != paper.arxiv_id for p in kept)
    pool = kept if not filtered else [*kept, paper]
    trending = rank_trending(pool, day)
    index = next(i for i, r in enumerate(trending) if r.paper.arxiv_id == paper.arxiv_id)
    t = min(1.0, max(0.0, settings.trending))
    trend_rank = _rank_normalise(np.array([r.score for r in trending]))
    common = dict(paper=paper, day=day, position=position, pool_size=len(kept), reason=reason,
                  trending=trending_score(paper, day), trending_why=trending[index].why, blend=t, filtered=filtered)
    if profile.empty:
        return Explanation(relevance=None, relevance_rank=0.0, trending_rank=float(trend_rank[index]), **common)  # type: ignore[arg-type]
    matrix, has, trend = prepare_pool(trending, vectors)
    rel, _ = relevance(matrix, profile, now, settings.half_life_days, has)
    rel = np.where(has, rel, rel.min() - 1 if len(rel) else 0)
    author = None
    for s in profile.signals:
        if s.kind == "author" and s.weight > 0:
            for i, r in enumerate(trending):
                if _matches(r.paper, (), (s.label,)):
                    rel[i] += AUTHOR_BOOST
                    if i == index and author is None:
                        author = s.label
    vector = matrix[index] if has[index] else None
    near = (lambda **kw: tuple(nearest(vector, profile.signals, exclude=paper.arxiv_id, **kw))) if vector is not None else None
    return Explanation(
        relevance=float(rel[index]) if has[index] else None, relevance_rank=float(_rank_normalise(rel)[index]),
        trending_rank=float(trend[index]), author=author,
        liked=near(count=3) if near else (), disliked=near(count=1, positive=False) if near else (),
        topics=near(kinds=("topic",), count=2) if near else (), **common)  # type: ignore[arg-type]


def lines(e: Explanation, *, whose: str = "this channel") -> list[str]:
    """The explanation as short lines a person reads (the numbers beside the words)."""
    p = e.paper
    liked, disliked = ("you liked", "you disliked") if whose == "you" else ("liked here", "disliked here")
    out = [f"Why {p.arxiv_id} \"{short(p.title, 80)}\" ranks where it does for {whose}:"]
    if e.filtered:
        out.append("• Left out by the channel's include/exclude settings: it is not posted here.")
    elif e.position is not None:
        out.append(f"• #{e.position} of {e.pool_size} papers of {e.day:%b} {e.day.day}; a digest says: {e.reason}.")
    if e.relevance is None:
        out.append("• Relevance: none yet — nothing rated, no topic or author here, so the order is trending's."
                   if e.relevance_rank == 0.0 and not (e.liked or e.topics) else "• Relevance: no vector for this paper yet.")
    else:
        out.append(f"• Relevance: {relevance_words(e.relevance_rank)} ({e.relevance:.2f}; "
                   f"{_percentile(e.relevance_rank)} of the day).")
    if e.author:
        out.append(f"• By followed author {e.author} (+{AUTHOR_BOOST:g} relevance).")
    for n in e.liked:
        out.append(f"• {strength(n.cosine).capitalize()} \"{short(n.signal.label)}\", {liked} ({n.cosine:.2f}).")
    for n in e.disliked:
        if n.cosine >= LIKE_THRESHOLD:
            out.append(f"• {strength(n.cosine).capitalize()} \"{short(n.signal.label)}\", {disliked} ({n.cosine:.2f}).")
    for n in e.topics:
        out.append(f"• {n.words.capitalize()} topic '{n.signal.label}' ({n.cosine:.2f}).")
    pop = popularity(p)
    trend = e.trending_why.removeprefix("trending: ")
    out.append(f"• Trending: {trend} — popularity {pop:.1f}, score {e.trending:.3f} "
               f"({_percentile(e.trending_rank)} of the day).")
    out.append(f"• Blend: {1 - e.blend:.0%} relevance, {e.blend:.0%} trending (the `trending` setting, "
               f"{e.blend:g}; change it with /papers settings trending:…).")
    return out
