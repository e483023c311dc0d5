"""Plan and render the weekly recap: a channel's most reacted-to and replied-to papers of the week.

Planned once (outbox row ``recap:<channel>``, kind "recap") at the channel's recap time: the
papers first posted there in the 7 days before, ranked by reactions + thread replies, top
``count``; each stored with its 👍/👎 counts, reply count and thread id, frozen at planning.
The thread links are asked of the platform when the recap is sent (``ChatPlatform.thread_url``);
without one a line links the paper. A week with no posts plans nothing to send (``empty``, or
the one-line note when ``empty_day_note`` is set).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Paper, Subscription
from bot.plural import counted, plural
from bot.ports import ChatTransport
from bot.scheduling.personal_ports import RECAP, PersonalStore, RecapEntry, RecapSubscription, recap_key
from bot.scheduling.planner import PlanReport, PlanSettings, missed_plan, unplanned_occurrences
from bot.scheduling.ports import EMPTY, DeliveryStore, DigestPlan, OutboxItem, PlannedItem
from bot.scheduling.schedule import ScheduledSubscription, ScheduleOptions
from bot.taste.signals import DEFAULT_EMOJI, EmojiTable
from bot.text import clean_text, shorten

_log = logging.getLogger(__name__)
WEEK = timedelta(days=7)
DEFAULT_RECAP_COUNT = 5
EMPTY_NOTE = "No papers were posted here this week."


def as_scheduled(sub: RecapSubscription) -> ScheduledSubscription:
    return ScheduledSubscription(Subscription(sub.channel, sub.post_time, sub.timezone, created_at=sub.created_at),
                                 ScheduleOptions(weekdays=frozenset({sub.weekday})))


def rank_entries(entries: Iterable[RecapEntry], count: int, emoji: EmojiTable = DEFAULT_EMOJI) -> list[PlannedItem]:
    """Most reactions + replies first (ties: posted earlier first); each with 👍/👎/reply counts and thread id.

    A paper nobody reacted to or replied about was not discussed: it is left out.
    """
    out = []
    for e in entries:
        up = sum(n for name, n in e.emoji.items() if emoji.weight(name) > 0)
        down = sum(n for name, n in e.emoji.items() if emoji.weight(name) < 0)
        score = float(sum(e.emoji.values()) + e.replies)
        if score <= 0:
            continue
        out.append((-score, e.first_posted_at, e.arxiv_id,
                    PlannedItem(e.arxiv_id, score, "most discussed",
                                {"up": up, "down": down, "replies": e.replies, "thread": e.thread_id})))
    out.sort(key=lambda t: t[:3])
    return [t[3] for t in out[:count]]


class RecapPlanner:
    def __init__(self, personal: PersonalStore, outbox: DeliveryStore, *, clock: Clock = utc_now,
                 settings: PlanSettings = PlanSettings(), count: int = DEFAULT_RECAP_COUNT) -> None:
        self._personal = personal
        self._outbox = outbox
        self._clock = clock
        self._settings = settings
        self._count = count

    async def plan_due(self, platforms: Iterable[str] | None = None) -> PlanReport:
        now = self._clock()
        wanted = set(platforms) if platforms is not None else None
        grace = self._settings.grace
        subs = [s for s in await self._personal.recap_subscriptions()
                if not s.paused and (wanted is None or s.channel.platform in wanted)]
        due = await unplanned_occurrences(subs, self._outbox, now, grace,
                                          schedule=as_scheduled, key=lambda sub: recap_key(sub.channel))
        plans = []
        for sub, day, due_at in due:
            key = recap_key(sub.channel)
            if now - due_at > grace:
                plans.append(missed_plan(sub.channel, day, due_at, now, grace, kind=RECAP, key=key))
                continue
            since = due_at - WEEK
            items = tuple(rank_entries(await self._personal.recap_entries(sub.channel, since, due_at), self._count))
            start = since.astimezone(ZoneInfo(sub.timezone)).date()
            title = f"Weekly recap: the {len(items)} most discussed {plural(len(items), 'paper')} since {start:%a} {start.day} {start:%b %Y}"
            if items:
                plans.append(DigestPlan(sub.channel, day, due_at, title, items, kind=RECAP, key=key))
            elif self._settings.empty_day_note:
                plans.append(DigestPlan(sub.channel, day, due_at, title, (), kind=RECAP, key=key, note=EMPTY_NOTE))
            else:
                plans.append(DigestPlan(sub.channel, day, due_at, title, (), status=EMPTY, kind=RECAP, key=key))
        if not plans:
            return PlanReport()
        await self._outbox.save_plans(plans, now)
        report = PlanReport.of(plans)
        _log.info("planned %d recaps (%d empty, %d skipped)", report.planned, report.empty, report.skipped)
        return report


async def render_recap(item: OutboxItem, platform: ChatTransport, channel: ChannelRef) -> str:
    """The recap's text: one line per paper (title, 👍/👎, replies, thread link), cleaned of control characters.

    Mentions are neutralised by the adapters' ``post`` (Slack ``neutralise``, Discord no
    allowed mentions); thread links are asked of the platform now, so they are current.
    """
    papers: dict[str, Paper] = {r.paper.arxiv_id: r.paper for r in item.digest.items}
    lines = [clean_text(item.digest.title)]
    for n, extra in enumerate((e for e in item.extra if e.get("id") in papers), start=1):
        paper = papers[extra["id"]]
        link = None
        if extra.get("thread"):
            try:
                link = await platform.thread_url(channel, extra["thread"])
            except Exception as exc:  # noqa: BLE001 — a missing link must not stop the recap
                _log.warning("no thread link for %s in %s: %s", extra["id"], channel, exc)
        replies = int(extra.get("replies") or 0)
        counts = f"👍 {int(extra.get('up') or 0)} 👎 {int(extra.get('down') or 0)} · {counted(replies, 'reply', 'replies')}"
        where = f"thread: {link}" if link else paper.abs_url
        lines.append(f"{n}. {shorten(clean_text(paper.title), 150)} — {counts} — {where}")
    return "\n".join(lines)
