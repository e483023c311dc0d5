"""Plan personal DM digests: each member's own ranking, at their local time, never a paper twice.

A DM digest is an outbox row keyed ``dm:<platform>:<workspace>:<user>`` (kind "dm"), planned
once per member and local day like a channel's digest (same occurrences, grace and skip rules),
holding the latest day's papers ranked by the member's profile (``MemberRanker``; the one
``/papers today mine`` uses) minus every paper already in one of their DM digests or rated by them (``bot.scheduling.seen``). The DM
channel is opened only at send time (``ChatPlatform.open_dm``, see ``bot.scheduling.delivery``).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.calendar import describe_day
from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Paper, RankedPaper, Subscription
from bot.plural import counted
from bot.ports import Store
from bot.ranking.trending import rank_trending
from bot.scheduling.personal_ports import DM, DmSubscription, Member, PersonalStore, dm_key, dm_settings_channel
from bot.scheduling.planner import PlanReport, PlanSettings, missed_plan, unplanned_occurrences
from bot.scheduling.ports import EMPTY, DeliveryStore, DigestPlan, PlannedItem
from bot.scheduling.schedule import ScheduledSubscription, ScheduleOptions
from bot.scheduling.seen import member_seen_key, seen_by

if TYPE_CHECKING:
    from bot.usecases.taste import TasteUseCases

_log = logging.getLogger(__name__)

# (member, candidate papers, reference day, count) → the member's ranking, best first
MemberRanker = Callable[[Member, Sequence[Paper], date, int], Awaitable[list[RankedPaper]]]


def member_channel(member: Member) -> ChannelRef:
    """How a DM row names its target before the DM is opened: the member (channel = user id)."""
    return ChannelRef(member.platform, member.workspace, member.user_id)


def as_scheduled(sub: DmSubscription) -> ScheduledSubscription:
    """A DM subscription in the shape ``occurrences`` computes due instants for (DST-safe, weekdays)."""
    return ScheduledSubscription(
        Subscription(member_channel(sub.member), sub.post_time, sub.timezone, sub.count, created_at=sub.created_at),
        ScheduleOptions(weekdays=sub.weekdays),
    )


class DmPlanner:
    def __init__(self, store: Store, personal: PersonalStore, outbox: DeliveryStore, *, clock: Clock = utc_now,
                 settings: PlanSettings = PlanSettings(), ranker: MemberRanker | None = None) -> None:
        self._store = store
        self._personal = personal
        self._outbox = outbox
        self._clock = clock
        self._settings = settings
        self._ranker = ranker

    async def plan_due(self, platforms: Iterable[str] | None = None) -> PlanReport:
        now = self._clock()
        wanted = set(platforms) if platforms is not None else None
        grace = self._settings.grace
        subs = [s for s in await self._personal.dm_subscriptions()
                if not s.paused and (wanted is None or s.member.platform in wanted)]
        due = await unplanned_occurrences(subs, self._outbox, now, grace,
                                          schedule=as_scheduled, key=lambda sub: dm_key(sub.member))
        if not due:
            return PlanReport()
        members = {d[0].member for d in due}
        sent = await self._personal.dm_sent_ids(members)
        days: dict[date, tuple[date | None, list[Paper]]] = {}
        for day in sorted({d[1] for d in due if now - d[2] <= grace}):
            latest = await self._store.latest_announced_day(on_or_before=day)
            days[day] = (latest, await self._store.papers_announced_between(latest, latest) if latest else [])
        rated = await self._rated(members, days)
        plans: list[DigestPlan] = []
        for sub, day, due_at in due:
            target, key = member_channel(sub.member), dm_key(sub.member)
            if now - due_at > grace:
                plans.append(missed_plan(target, day, due_at, now, grace, kind=DM, key=key))
                continue
            latest, papers = days[day]
            seen = sent.setdefault(sub.member.key, set())
            seen |= rated.get(member_seen_key(sub.member.platform, sub.member.workspace, sub.member.user_id), set())
            fresh = [p for p in papers if p.arxiv_id not in seen]
            ranked = await self._rank(sub, fresh, latest or day)
            items = tuple(PlannedItem(r.paper.arxiv_id, r.score, r.why) for r in ranked[: sub.count])
            seen.update(i.arxiv_id for i in items)
            title = f"Your top {counted(len(items), 'paper')} of {describe_day(latest)}" if latest else "No papers yet"
            if items:
                plans.append(DigestPlan(target, day, due_at, title, items, kind=DM, digest_day=latest, key=key))
            elif self._settings.empty_day_note:
                plans.append(DigestPlan(target, day, due_at, title, (), kind=DM, digest_day=latest, key=key,
                                        note="No new papers for you today."))
            else:
                plans.append(DigestPlan(target, day, due_at, title, (), status=EMPTY, kind=DM, digest_day=latest, key=key))
        await self._outbox.save_plans(plans, now)
        report = PlanReport.of(plans)
        _log.info("planned %d DM digests (%d empty, %d skipped)", report.planned, report.empty, report.skipped)
        return report

    async def _rated(self, members: set[Member], days: dict[date, tuple[date | None, list[Paper]]]) -> dict[str, set[str]]:
        """What each member reacted to or seeded among the papers these DMs draw on (one query for
        all of them): a DM never brings back what its member already rated."""
        keys = [member_seen_key(m.platform, m.workspace, m.user_id) for m in members]
        return await seen_by(self._outbox, {p.arxiv_id for _, papers in days.values() for p in papers}, keys)

    async def _rank(self, sub: DmSubscription, papers: list[Paper], day: date) -> list[RankedPaper]:
        if not papers:
            return []
        if self._ranker is None:
            return rank_trending(papers, day)[: sub.count]
        return await self._ranker(sub.member, papers, day, sub.count)


def taste_member_ranker(taste: TasteUseCases) -> MemberRanker:
    """The member-profile ranking of ``/papers today mine`` (``TasteUseCases.rank`` with ``member``),
    with the member's own DM settings (``dm_settings_channel``; the defaults until they set some)."""
    from bot.domain import Requester

    async def rank(member: Member, papers: Sequence[Paper], day: date, count: int) -> list[RankedPaper]:
        requester = Requester(dm_settings_channel(member.platform, member.workspace, member.user_id), member.user_id)
        ranked: list[RankedPaper] = await taste.rank(papers, day, count, channel=requester.channel, member=requester)
        return ranked

    return rank
