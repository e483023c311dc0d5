"""`/papers subscribe` and `/papers unsubscribe` (channel managers only; enforced in the use case)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.commands.params import Count, Flag, Items, Number, Param, TimeOfDay, Timezone, Weekdays
from bot.commands.spec import command
from bot.domain import Requester, Subscription
from bot.plural import counted
from bot.replies import TextReply
from bot.scheduling.schedule import ScheduleOptions
from bot.scheduling.usecases import extras, when
from bot.usecases.subscriptions import SubscriptionUseCases

DEFAULT_POST_TIME = time(9, 0)
DEFAULT_TIMEZONE = "UTC"
EVERY_DAY = frozenset(range(1, 8))


@command("subscribe", "daily digest here (default 09:00 UTC, 5 papers, Mon–Fri)", order=40, manages_channel=True,
         params=(
             Param("at", TimeOfDay(), "local time of day, HH:MM (default 09:00)", keys=("time",), field="post_time"),
             Param("timezone", Timezone(), "IANA timezone, e.g. Europe/Berlin (default UTC)", keys=("tz",)),
             Param("count", Count(), "papers per digest (1–25)"),
             Param("days", Weekdays(), "which days, e.g. mon-fri, daily, mon,wed,fri", positional=False,
                   keys=("weekdays",), field="weekdays"),
             Param("threshold", Number(-1, 1, "0.5"), "post only papers scoring at least this", positional=False),
             Param("weekly", Flag(["weekly"], ["daily"]), "one weekly digest instead of daily ones"),
             Param("topics", Items("a, b"), "topics to start from, e.g. diffusion models, robotics", positional=False),
         ))
@dataclass(frozen=True)
class SubscribeCommand:
    post_time: time = DEFAULT_POST_TIME
    timezone: str = DEFAULT_TIMEZONE
    count: int | None = None
    weekdays: frozenset[int] | None = None  # schedule options (bot.scheduling); None keeps the current value
    threshold: float | None = None
    weekly: bool | None = None
    topics: tuple[str, ...] = ()  # topics:"diffusion models, robotics" (taste: the channel's cold start)

    async def execute(self, requester: Requester, subscriptions: SubscriptionUseCases) -> TextReply:
        sub, options, created = await subscriptions.subscribe(
            requester, post_time=self.post_time, timezone=self.timezone, count=self.count,
            weekdays=self.weekdays, threshold=self.threshold, weekly=self.weekly, topics=self.topics,
        )
        verb = "Subscribed:" if created else "Updated the subscription:"
        text = f"{verb} this channel gets the top {counted(sub.count, 'paper')} {when(options)} at {sub.post_time:%H:%M} {sub.timezone}."
        return TextReply(" ".join(part for part in (text, extras(options), days_hint(sub, options)) if part))


def days_hint(sub: Subscription, options: ScheduleOptions) -> str:
    """How to post on other days — the whole command, since a subscribe without a time, zone or count
    resets them to 09:00 UTC and 5 (the default is Mon–Fri, which a "daily digest" does not say)."""
    if options.weekly:
        return ""
    again = f"/papers subscribe {sub.post_time:%H:%M} {sub.timezone} {sub.count}"
    if options.weekdays == EVERY_DAY:
        return f"Weekdays only: {again} days=mon-fri."
    return f"Every day: {again} days=daily (or pick days, e.g. days=mon,wed,fri)."


@command("unsubscribe", "stop the daily digest here", order=50, manages_channel=True)
@dataclass(frozen=True)
class UnsubscribeCommand:
    async def execute(self, requester: Requester, subscriptions: SubscriptionUseCases) -> TextReply:
        removed = await subscriptions.unsubscribe(requester)
        return TextReply("Unsubscribed: no more daily digests here." if removed else "This channel was not subscribed.")
