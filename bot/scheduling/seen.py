"""What a channel or a member has already seen or rated, so scheduled digests never repeat it.

A channel *saw* a paper posted to it and *rated* one reacted to there (🔖 included) or seeded with
`/papers like`; a member saw what their DM digests carried and rated what they reacted to in any
channel of the workspace, or seeded. Scheduled channel digests and DM digests leave all of these
out (``Planner``, ``DmPlanner``); an on-demand digest (`/papers today`) may show them and says so
on the item (``note_for``).

One store query (``DeliveryStore.seen_among``, or ``seen_ids`` when only the ids matter) answers for every channel and member at once,
restricted to a planning pool's papers, so a pass over 10,000 channels stays one round trip per chunk
of paper ids.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

POSTED, REACTED, SEEDED = "posted", "reacted", "seeded"


@dataclass(frozen=True)
class SeenMark:
    """One way ``key`` met ``arxiv_id``: posted there, reacted to with ``emoji``, or seeded (`/papers like`).

    ``key`` is a channel key, or ``member_seen_key`` of a member."""

    key: str
    arxiv_id: str
    how: str
    at: datetime | None = None
    emoji: str | None = None


class SeenStore(Protocol):
    async def seen_among(self, arxiv_ids: Iterable[str], keys: Iterable[str] | None = None) -> list[SeenMark]:
        """Every ``SeenMark`` on one of ``arxiv_ids`` (only for ``keys`` when given): posts by channel
        key; reactions by channel key and by the reacting member's ``member_seen_key``; `/papers like`
        seeds by channel key or member key."""
        ...

    async def seen_ids(self, arxiv_ids: Iterable[str], keys: Iterable[str] | None = None) -> dict[str, set[str]]:
        """``fold(self.seen_among(arxiv_ids, keys))``: only which ids each key met (a planning pass
        needs no more, and builds no marks for its tens of thousands of rows)."""
        ...


def member_seen_key(platform: str, workspace: str, user_id: str) -> str:
    """A member's key among ``SeenMark`` keys: never equal to a channel key."""
    return f"member:{platform}:{workspace}:{user_id}"


def fold(marks: Iterable[SeenMark]) -> dict[str, set[str]]:
    """Key → the arXiv ids it saw or rated (what the planners leave out)."""
    out: dict[str, set[str]] = {}
    for mark in marks:
        out.setdefault(mark.key, set()).add(mark.arxiv_id)
    return out


async def seen_by(store: SeenStore, arxiv_ids: Iterable[str], keys: Iterable[str] | None = None) -> dict[str, set[str]]:
    """``fold`` of the store's marks on ``arxiv_ids``: one call for all the channels of a planning pass."""
    ids = set(arxiv_ids)
    return await store.seen_ids(ids, keys) if ids else {}


def _day(at: datetime | None) -> str:
    return f" on {at:%b} {at.day}" if at is not None else ""


def note_for(marks: Sequence[SeenMark], *, member: str | None = None) -> str | None:
    """The words an on-demand digest adds to an item already met: "you rated it 👍", "posted here on
    Nov 5", "you liked it with /papers like". The member's own ratings (``member``: their seen key) come first."""
    mine = [m for m in marks if m.key == member and m.how == REACTED]
    if mine:
        return f"you rated it {mine[-1].emoji}"
    if any(m.key == member and m.how == SEEDED for m in marks):
        return "you liked it with /papers like"
    posted = sorted((m for m in marks if m.how == POSTED), key=lambda m: (m.at is None, m.at.timestamp() if m.at else 0.0))
    rated = [m for m in marks if m.how == REACTED and m.key != member]
    if posted:
        return f"posted here{_day(posted[0].at)}" + (f", rated {rated[-1].emoji}" if rated else "")
    if rated:
        return f"rated {rated[-1].emoji} here"
    if any(m.how == SEEDED for m in marks):
        return "liked here with /papers like"
    return None
