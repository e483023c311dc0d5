"""Plan due digests: decide and store which papers go where, before anything is sent.

Fast path for many channels: the papers of a day are loaded and ranked once, and the
"already seen or rated here" filter is one query for all channels (``bot.scheduling.seen``), and the
channels of one pool are ranked together (``Ranker.rank_many``; ``_rank_all``). What a channel must not
get is made in one place (``_excluded``): ranking asks for that many more papers, ``_plan_one`` drops them.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from bot.calendar import describe_day, iso_week
from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Paper, RankedPaper
from bot.metrics import metrics
from bot.plural import counted
from bot.ports import Store
from bot.ranking.trending import rank_trending
from bot.scheduling.ports import EMPTY, PLANNED, SKIPPED, DeliveryStore, DigestPlan, PlannedItem
from bot.scheduling.schedule import DEFAULT_GRACE, ScheduledSubscription, occurrences
from bot.scheduling.seen import seen_by

_log = logging.getLogger(__name__)

# a planning pool: the papers' day (daily) or ISO week (weekly), and their trending order
Pool = tuple[date | None, str | None, list[RankedPaper]]


class Ranker(Protocol):
    """Ranks a day's papers for one channel (``bot.scheduling.personal.PersonalRanker``); without
    one, digests are ranked by trending, the same for every channel."""

    async def prepare(self, channels: Iterable[ChannelRef], papers: Sequence[Paper]) -> None:
        """Load what ranking ``channels`` needs (profiles, vectors) once per planning pass."""
        ...

    def reset(self) -> None:
        """Forget what ``prepare`` loaded that may have changed since (profiles)."""
        ...

    def __call__(self, channel: ChannelRef, papers: Sequence[Paper], day: date, count: int | None = None) -> list[RankedPaper]:
        """The channel's ranking of ``papers``, best first, at most ``count``."""
        ...

    def rank_many(self, channels: Sequence[ChannelRef], papers: Sequence[Paper], day: date,
                  counts: Sequence[int], skip: Sequence[AbstractSet[str]] | None = None) -> list[list[RankedPaper]]:
        """``self(channel, papers, day, count)`` for many channels of one pool at once (batched),
        without the papers of ``skip[j]`` for channel j: they keep their place while ranking (what
        follows them is as if they were there) but are left out, so no reason is worded for them."""
        ...


@dataclass(frozen=True)
class PlanSettings:
    grace: timedelta = DEFAULT_GRACE
    empty_day_note: bool = False


@dataclass(frozen=True)
class PlanReport:
    planned: int = 0
    empty: int = 0
    skipped: int = 0

    @classmethod
    def of(cls, plans: Sequence[DigestPlan]) -> PlanReport:
        """How many of ``plans`` are to be sent, empty, and skipped (every planner's one summary, so
        the metrics count them here: planned, and skipped as failed — missed during downtime)."""
        for platform in {p.channel.platform for p in plans}:
            metrics().digests_planned(platform, sum(p.status == PLANNED and p.channel.platform == platform for p in plans))
        for plan in plans:
            if plan.status == SKIPPED:
                metrics().digest_failed(plan.channel.platform)
        return cls(sum(p.status == PLANNED for p in plans), sum(p.status == EMPTY for p in plans),
                   sum(p.status == SKIPPED for p in plans))

    def __add__(self, other: PlanReport) -> PlanReport:
        return PlanReport(self.planned + other.planned, self.empty + other.empty, self.skipped + other.skipped)


_Sub = TypeVar("_Sub")


@lru_cache(maxsize=256)
def _title(count: int, paper_day: date | None, week: str | None) -> str:
    """A digest's headline: the same few for every channel of a pass, so worded once each."""
    if week:
        return f"Top {counted(count, 'paper')} of week {week}"
    return f"Top {counted(count, 'paper')} of {describe_day(paper_day)}" if paper_day else "No papers yet"


async def unplanned_occurrences(
    subs: Iterable[_Sub], outbox: DeliveryStore, now: datetime, grace: timedelta, *,
    schedule: Callable[[_Sub], ScheduledSubscription], key: Callable[[_Sub], str],
) -> list[tuple[_Sub, date, datetime]]:
    """(subscription, local day, due instant) for every occurrence from one missed day past the grace
    period up to ``now`` that has no outbox row yet (under ``key``): what a planner still has to plan.

    Shared by the channel, DM and recap planners; ``schedule`` gives each subscription's schedule.
    """
    due = [(sub, occ.local_day, occ.due_at) for sub in subs
           for occ in occurrences(schedule(sub), now, grace + timedelta(days=1))]
    if not due:
        return []
    known = await outbox.planned_keys(min(day for _, day, _ in due))
    return [d for d in due if (key(d[0]), d[1]) not in known]


def missed_plan(channel: ChannelRef, day: date, due_at: datetime, now: datetime, grace: timedelta, **kw: Any) -> DigestPlan:
    """The row recording an occurrence missed by more than the grace period (after downtime): skipped."""
    return DigestPlan(channel, day, due_at, "", (), status=SKIPPED, error=f"missed by {now - due_at} (grace {grace})", **kw)


class Planner:
    def __init__(
        self,
        store: Store,
        schedule_store: DeliveryStore,
        *,
        clock: Clock = utc_now,
        settings: PlanSettings = PlanSettings(),
        ranker: Ranker | None = None,
    ) -> None:
        self._store = store
        self._sched = schedule_store
        self._clock = clock
        self._settings = settings
        self._ranker = ranker

    async def plan_due(self, platforms: Iterable[str] | None = None) -> PlanReport:
        """Plan every due digest (only for ``platforms`` when given: those this process can deliver)."""
        now = self._clock()
        wanted = set(platforms) if platforms is not None else None
        grace = self._settings.grace
        subs = [s for s in await self._sched.scheduled_subscriptions()
                if not s.options.paused and (wanted is None or s.subscription.channel.platform in wanted)]
        due = await unplanned_occurrences(subs, self._sched, now, grace,
                                          schedule=lambda sub: sub, key=lambda sub: sub.subscription.channel.key)
        if not due:
            return PlanReport()
        plans: list[DigestPlan] = []
        late = [d for d in due if now - d[2] > grace]
        if late:
            _log.warning("skipping %d digests missed by more than the grace period %s (after downtime): %s%s",
                         len(late), grace, ", ".join(f"{s.subscription.channel} {d}" for s, d, _ in late[:5]),
                         " …" if len(late) > 5 else "")
        for sub, day, due_at in late:
            _log.debug("skipping the %s digest of %s: missed by %s", day, sub.subscription.channel, now - due_at)
            plans.append(missed_plan(sub.subscription.channel, day, due_at, now, grace))
        timely = [d for d in due if now - d[2] <= grace]
        pools = await self._pools({(sub.options.weekly, day) for sub, day, _ in timely})
        all_ids = {p.arxiv_id for _, _, ranked in pools.values() for p in (r.paper for r in ranked)}
        # posted, reacted to or seeded here: never again (only the due channels' keys: no member's)
        posted = await seen_by(self._sched, all_ids, {sub.subscription.channel.key for sub, _, _ in timely})
        if self._ranker is not None and timely:
            self._ranker.reset()
            pool_papers = [r.paper for _, _, ranked in pools.values() for r in ranked]
            await self._ranker.prepare([sub.subscription.channel for sub, _, _ in timely], pool_papers)
        excluded = {sub.subscription.channel.key: self._excluded(sub, posted) for sub, _, _ in timely}
        ranked = self._rank_all(timely, pools, excluded)
        for (sub, day, due_at), items in zip(timely, ranked, strict=True):
            plans.append(self._plan_one(sub, day, due_at, pools[(sub.options.weekly, day)], items,
                                        excluded[sub.subscription.channel.key]))
        new = await self._sched.save_plans(plans, now)
        report = PlanReport.of(plans)
        _log.info("planned %d digests (%d new rows; %d empty, %d skipped)", report.planned, new, report.empty, report.skipped)
        return report

    async def _pools(self, keys: set[tuple[bool, date]]) -> dict[tuple[bool, date], Pool]:
        """For each (weekly, local day): the papers' day (or week) and the channel-independent ranking."""
        out: dict[tuple[bool, date], Pool] = {}
        for weekly, day in keys:
            if weekly:
                start, end = day - timedelta(days=7), day - timedelta(days=1)
                papers = await self._store.papers_announced_between(start, end)
                out[(weekly, day)] = (None, iso_week(end), rank_trending(papers, end))
            else:
                latest = await self._store.latest_announced_day(on_or_before=day)
                papers = await self._store.papers_announced_between(latest, latest) if latest else []
                out[(weekly, day)] = (latest, None, rank_trending(papers, latest) if latest else [])
        return out

    @staticmethod
    def _excluded(sub: ScheduledSubscription, posted: dict[str, set[str]]) -> set[str]:
        """The papers this channel's digest must not contain: the one place a per-channel exclusion
        set is made; ranking asks for that many more papers, and ``_plan_one`` drops them."""
        return posted.get(sub.subscription.channel.key, set())

    def _rank_all(self, timely: Sequence[tuple[ScheduledSubscription, date, datetime]],
                  pools: dict[tuple[bool, date], Pool], excluded: dict[str, set[str]]) -> list[list[RankedPaper]]:
        """Each due channel's ranking of its pool: trending as is without a ranker, else the
        channels of one pool ranked together (``Ranker.rank_many``), each asking for as many papers
        as may be posted (its count plus the pool's papers it must not get)."""
        out: list[list[RankedPaper]] = [pools[(sub.options.weekly, day)][2] for sub, day, _ in timely]
        if self._ranker is None:
            return out
        by_pool: dict[tuple[bool, date], list[int]] = {}
        for j, (sub, day, _) in enumerate(timely):
            if pools[(sub.options.weekly, day)][2]:
                by_pool.setdefault((sub.options.weekly, day), []).append(j)
        for key, rows in by_pool.items():
            paper_day, _, trending = pools[key]
            papers = [r.paper for r in trending]
            subs = [timely[j][0] for j in rows]
            ids = {p.arxiv_id for p in papers}
            counts = [s.subscription.count + len(ids & excluded[s.subscription.channel.key]) for s in subs]
            ranked = self._ranker.rank_many([s.subscription.channel for s in subs], papers, paper_day or key[1], counts,
                                            [excluded[s.subscription.channel.key] for s in subs])
            for j, items in zip(rows, ranked, strict=True):
                out[j] = items
        return out

    def _plan_one(self, sub: ScheduledSubscription, day: date, due_at: datetime, pool: Pool,
                  ranked: Sequence[RankedPaper], seen: set[str]) -> DigestPlan:
        subscription, options = sub.subscription, sub.options
        channel = subscription.channel
        paper_day, week, _ = pool
        chosen = []
        threshold, count = options.threshold, subscription.count
        for item in ranked:
            arxiv_id = item.paper.arxiv_id
            if (seen and arxiv_id in seen) or (threshold is not None and item.score < threshold):
                continue
            chosen.append(PlannedItem(arxiv_id, item.score, item.why))
            if len(chosen) >= count:
                break
        kind = "weekly" if options.weekly else "daily"
        title = _title(len(chosen), paper_day, week)
        if chosen:
            return DigestPlan(channel, day, due_at, title, tuple(chosen), kind=kind, digest_day=paper_day, week=week)
        if self._settings.empty_day_note:
            return DigestPlan(channel, day, due_at, title, (), kind=kind, digest_day=paper_day, week=week,
                              note="No new papers today.")
        return DigestPlan(channel, day, due_at, title, (), status=EMPTY, kind=kind, digest_day=paper_day, week=week)
