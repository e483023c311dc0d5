"""Today's and this week's top papers for a channel.

"Today" is the latest day that has papers (arXiv and HF are quiet on weekends), and the
digest names that day. A scheduled digest never repeats a paper already posted to, reacted to
or seeded in the channel (``bot.scheduling.seen``); an on-demand one shows exactly what was asked,
and says on each such item how it was met before ("posted here on Nov 5", "you rated it 👍").
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from bot.calendar import describe_day, iso_week, parse_week, week_bounds
from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Digest, RankedPaper, Requester
from bot.errors import NotFoundError, UsageError
from bot.plural import counted
from bot.ports import Store
from bot.ranking.trending import rank_trending
from bot.scheduling.seen import SeenMark, member_seen_key, note_for, seen_by
from bot.taste.explain import Explanation, explain
from bot.taste.reasons import RATED_ITSELF

if TYPE_CHECKING:
    from bot.usecases.taste import TasteUseCases

DEFAULT_COUNT = 5




class DigestUseCases:
    def __init__(
        self, store: Store, *, clock: Clock = utc_now, default_count: int = DEFAULT_COUNT, taste: TasteUseCases | None = None
    ) -> None:
        self._store = store
        self._taste = taste
        self._clock = clock
        self._default_count = default_count

    async def _latest_day(self) -> date:
        day = await self._store.latest_announced_day(on_or_before=self._clock().date())
        if day is None:
            raise NotFoundError("No papers are stored yet. Fetch some first (`paperbot fetch`).")
        return day

    async def today(
        self,
        channel: ChannelRef | None,
        *,
        count: int | None = None,
        day: date | None = None,
        scheduled: bool = False,
        member: Requester | None = None,
    ) -> Digest:
        """Top ``count`` papers of ``day`` (default: latest day with papers).

        With ``scheduled`` the papers already posted to ``channel`` are left out, so a day
        whose papers all went out yields an empty digest instead of repeats. With a taste engine
        the channel's profile ranks them (``member``: that member's own profile); else trending.
        """
        count = count or self._default_count
        latest = await self._latest_day()
        target = day or latest
        papers = await self._store.papers_announced_between(target, target)
        if day is not None and not papers:
            raise NotFoundError(
                f"No papers are stored for {describe_day(day)}. The latest day with papers is {describe_day(latest)}."
            )
        if scheduled and channel is not None:
            seen = await seen_by(self._store, [p.arxiv_id for p in papers], [channel.key])
            papers = [p for p in papers if p.arxiv_id not in seen.get(channel.key, set())]
        if self._taste is not None and channel is not None:
            ranked = await self._taste.rank(papers, target, count, channel=channel, member=member)
        else:
            ranked = rank_trending(papers, target)[:count]
        if not scheduled and channel is not None and ranked:
            ranked = await self._say_seen(ranked, channel, member)
        note = None
        if not ranked:
            note = f"No new papers since the last digest (latest day with papers: {describe_day(target)})."
        elif target != self._clock().date():
            note = "Latest day with papers." if day is None else None
        return Digest(title=f"Top {counted(len(ranked), 'paper')} of {describe_day(target)}", items=tuple(ranked), day=target, note=note)

    async def _say_seen(self, ranked: list[RankedPaper], channel: ChannelRef, member: Requester | None) -> list[RankedPaper]:
        """The items this channel (or ``member``) already met, with a word on how (on-demand digests only)."""
        mine = member_seen_key(channel.platform, channel.workspace, member.user_id) if member is not None else None
        keys = [channel.key] + ([mine] if mine else [])
        marks: dict[str, list[SeenMark]] = {}
        for mark in await self._store.seen_among([r.paper.arxiv_id for r in ranked], keys):
            marks.setdefault(mark.arxiv_id, []).append(mark)
        out = []
        for item in ranked:
            note = note_for(marks.get(item.paper.arxiv_id, []), member=mine)
            if note and item.why in ("", RATED_ITSELF):
                out.append(replace(item, why=note))
            else:
                out.append(replace(item, why=f"{item.why} · {note}" if note else item.why))
        return out

    async def explain(self, arxiv_id: str, channel: ChannelRef, member: Requester | None = None) -> Explanation:
        """`/papers why`: ``arxiv_id``'s place in this channel's (or ``member``'s) ranking of its day."""
        if self._taste is None:
            raise UsageError("personalization is off ([embedding] enabled = false in the configuration), "
                             "so papers rank by trending alone: see /papers today.")
        paper = await self._store.get_paper(arxiv_id)
        if paper is None:
            raise NotFoundError(f"{arxiv_id} is not stored here. Try /papers paper {arxiv_id} to fetch it first.")
        day = paper.announced_on or await self._latest_day()
        papers = await self._store.papers_announced_between(day, day)
        if all(p.arxiv_id != paper.arxiv_id for p in papers):
            papers = [*papers, paper]
        ranked = await self._taste.rank(papers, day, len(papers), channel=channel, member=member)
        position = next((i + 1 for i, r in enumerate(ranked) if r.paper.arxiv_id == arxiv_id), None)
        reason = ranked[position - 1].why if position else ""
        settings = await self._taste.settings(channel)
        profile = await (self._taste.member_profile(member) if member is not None else self._taste.channel_profile(channel))
        vectors = await self._taste.vectors(papers)
        return explain(paper, papers, vectors, profile, settings, day, position=position, reason=reason, now=self._clock())

    async def week(self, *, count: int | None = None, week: str | None = None) -> Digest:
        """Top papers of an ISO week, ranked with recency decay as of the week's last day with papers."""
        count = count or self._default_count
        latest = await self._latest_day()
        week = parse_week(week) if week else iso_week(latest)
        start, end = week_bounds(week)
        papers = await self._store.papers_announced_between(start, end)
        if not papers:
            raise NotFoundError(f"No papers are stored for week {week} ({describe_day(start)} – {describe_day(end)}).")
        reference = max(p.announced_on for p in papers if p.announced_on) if papers else end
        ranked = rank_trending(papers, reference)[:count]
        return Digest(
            title=f"Top {counted(len(ranked), 'paper')} of week {week} ({describe_day(start)} – {describe_day(end)})",
            items=tuple(ranked),
            week=week,
        )
