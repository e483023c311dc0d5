"""`/papers subscribe` and `/papers unsubscribe` (channel managers only; enforced in the use case)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING

from bot.commands.args import TIME_RE, parse_count, parse_time, parse_timezone
from bot.commands.base import CommandSpec, register
from bot.errors import UsageError
from bot.scheduling.schedule import parse_weekdays
from bot.scheduling.usecases import ScheduleUseCases
from bot.scheduling.usecases import extras, when
from bot.replies import TextReply

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester

DEFAULT_POST_TIME = time(9, 0)
DEFAULT_TIMEZONE = "UTC"
SUBSCRIBE_USAGE = (
    "/papers subscribe [HH:MM] [IANA timezone] [count] [days=mon-fri] [threshold=N] [weekly]"
    ' [topics:"a, b"] — daily digest here (default 09:00 UTC, 5 papers, Mon–Fri)'
)
UNSUBSCRIBE_USAGE = "/papers unsubscribe — stop the daily digest here"


@dataclass(frozen=True)
class SubscribeCommand:
    post_time: time = DEFAULT_POST_TIME
    timezone: str = DEFAULT_TIMEZONE
    count: int | None = None
    weekdays: frozenset[int] | None = None  # schedule options (bot.scheduling); None keeps the current value
    threshold: float | None = None
    weekly: bool | None = None
    topics: tuple[str, ...] = ()  # topics:"diffusion models, robotics" (taste: the channel's cold start)

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        sub, created = await bot.subscriptions.subscribe(
            requester, post_time=self.post_time, timezone=self.timezone, count=self.count
        )
        verb = "Subscribed:" if created else "Updated the subscription:"
        if self.topics:
            from bot.commands.taste import save_topics

            await save_topics(bot, requester, self.topics)
        if not hasattr(bot.store, "set_schedule"):  # a store without scheduling (bot.scheduling)
            return TextReply(f"{verb} this channel gets the top {sub.count} papers every day at {sub.post_time:%H:%M} {sub.timezone}.")
        options = await ScheduleUseCases(bot.store).configure(  # also resumes a paused subscription
            requester, weekdays=self.weekdays, threshold=self.threshold, weekly=self.weekly
        )
        text = f"{verb} this channel gets the top {sub.count} papers {when(options)} at {sub.post_time:%H:%M} {sub.timezone}."
        return TextReply(f"{text} {extras(options)}".strip())


@dataclass(frozen=True)
class UnsubscribeCommand:
    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        removed = await bot.subscriptions.unsubscribe(requester)
        return TextReply("Unsubscribed: no more daily digests here." if removed else "This channel was not subscribed.")


def parse_subscribe(args: list[str]) -> SubscribeCommand:
    post_time, timezone, count = DEFAULT_POST_TIME, DEFAULT_TIMEZONE, None
    schedule: dict = {}
    for arg in args:
        if arg.lower().startswith(("topics:", "topics=")):
            schedule["topics"] = tuple(t.strip() for t in arg[7:].split(",") if t.strip())
            continue
        key, _, value = arg.partition("=")
        key = key.lower()
        if value and key in ("time", "at"):
            post_time = parse_time(value)
        elif value and key in ("tz", "timezone"):
            timezone = parse_timezone(value)
        elif value and key == "count":
            count = parse_count(value)
        elif value and key in ("days", "weekdays"):
            schedule["weekdays"] = parse_weekdays(value)
        elif value and key == "threshold":
            schedule["threshold"] = _parse_threshold(value)
        elif arg.lower() in ("weekly", "daily"):
            schedule["weekly"] = arg.lower() == "weekly"
        elif arg.isdigit() and len(arg) <= 2:
            count = parse_count(arg)
        elif TIME_RE.match(arg):
            post_time = parse_time(arg)
        elif "/" in arg or arg.upper() in ("UTC", "GMT"):
            timezone = parse_timezone(arg)
        else:
            raise UsageError(f"'{arg}' is not accepted here: {SUBSCRIBE_USAGE}")
    return SubscribeCommand(post_time=post_time, timezone=timezone, count=count, **schedule)


def _parse_threshold(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"threshold '{text}' is not a number: give e.g. threshold=0.5.") from None


def parse_unsubscribe(args: list[str]) -> UnsubscribeCommand:
    if args:
        raise UsageError(f"unsubscribe takes no arguments: {UNSUBSCRIBE_USAGE}")
    return UnsubscribeCommand()


register(CommandSpec("subscribe", SUBSCRIBE_USAGE, parse_subscribe, manages_channel=True))
register(CommandSpec("unsubscribe", UNSUBSCRIBE_USAGE, parse_unsubscribe, manages_channel=True))
