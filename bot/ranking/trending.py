"""Trending score v0: community attention with a recency decay, and the words that explain it.

    popularity = upvotes + 2·comments + 5·log10(1 + github_stars)
    score      = (1 + popularity) / (age_days + 2) ** 1.5

``age_days`` counts whole days between the paper's announce day and the day the digest
is for. The shape is Hacker News' gravity: a paper needs ever more attention to stay
on top as it ages, so a week's top is not simply last Monday's list. Comments weigh
double an upvote (a discussion is a stronger signal than a click); stars enter on a
log scale because repositories of famous labs collect thousands regardless of the paper.
Papers seen only on arXiv have popularity 0 and sort by recency, then by id (stable).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from bot.domain import Paper, RankedPaper
from bot.plural import counted, plural

GRAVITY = 1.5
COMMENT_WEIGHT = 2.0
STAR_WEIGHT = 5.0


def popularity(paper: Paper) -> float:
    """Upvotes, comments and GitHub stars folded into one number (see module docstring)."""
    return (
        (paper.upvotes or 0)
        + COMMENT_WEIGHT * (paper.num_comments or 0)
        + STAR_WEIGHT * math.log10(1 + (paper.github_stars or 0))
    )


def age_days(paper: Paper, reference_day: date) -> int:
    """Whole days from announcement to ``reference_day``; unknown or future → 0."""
    if paper.announced_on is None:
        return 0
    return max(0, (reference_day - paper.announced_on).days)


def trending_score(paper: Paper, reference_day: date) -> float:
    return float((1.0 + popularity(paper)) / (age_days(paper, reference_day) + 2) ** GRAVITY)


def _compact(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 1000 else str(n)


def trending_why(paper: Paper, reference_day: date) -> str:
    """A few words on why this paper ranks where it does."""
    parts: list[str] = []
    if paper.upvotes:
        parts.append(f"{_compact(paper.upvotes)} {plural(paper.upvotes, 'upvote')}")
    if paper.num_comments:
        parts.append(counted(paper.num_comments, 'comment'))
    if paper.github_stars:
        parts.append(f"★{_compact(paper.github_stars)} on GitHub")
    if not parts:
        reason = "new on arXiv, no community signal yet"
    else:
        reason = "trending: " + ", ".join(parts)
    age = age_days(paper, reference_day)
    if age >= 1:
        reason += f" ({counted(age, 'day')} old)"
    return reason


def rank_trending(papers: Iterable[Paper], reference_day: date) -> list[RankedPaper]:
    """All ``papers`` ordered by trending score (ties: newer announce day, then id)."""
    ranked = [RankedPaper(p, trending_score(p, reference_day), trending_why(p, reference_day)) for p in papers]
    ranked.sort(
        key=lambda r: (-r.score, -(r.paper.announced_on.toordinal() if r.paper.announced_on else 0), r.paper.arxiv_id)
    )
    return ranked
