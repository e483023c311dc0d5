"""`/papers subscribe` and `/papers unsubscribe` (channel managers only; enforced in the use case)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING

from bot.commands.args import TIME_RE, parse_count, parse_time, parse_timezone
from bot.commands.base import CommandSpec, register
from bot.errors import UsageError
from bot.replies import TextReply

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester

DEFAULT_POST_TIME = time(9, 0)
DEFAULT_TIMEZONE = "UTC"
SUBSCRIBE_USAGE = "/papers subscribe [HH:MM] [IANA timezone] [count] — daily digest here (default 09:00 UTC, 5 papers)"
UNSUBSCRIBE_USAGE = "/papers unsubscribe — stop the daily digest here"


@dataclass(frozen=True)
class SubscribeCommand:
    post_time: time = DEFAULT_POST_TIME
    timezone: str = DEFAULT_TIMEZONE
    count: int | None = None

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        sub, created = await bot.subscriptions.subscribe(
            requester, post_time=self.post_time, timezone=self.timezone, count=self.count
        )
        verb = "Subscribed:" if created else "Updated the subscription:"
        return TextReply(
            f"{verb} this channel gets the top {sub.count} papers every day at {sub.post_time:%H:%M} {sub.timezone}."
        )


@dataclass(frozen=True)
class UnsubscribeCommand:
    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        removed = await bot.subscriptions.unsubscribe(requester)
        return TextReply("Unsubscribed: no more daily digests here." if removed else "This channel was not subscribed.")


def parse_subscribe(args: list[str]) -> SubscribeCommand:
    post_time, timezone, count = DEFAULT_POST_TIME, DEFAULT_TIMEZONE, None
    for arg in args:
        key, _, value = arg.partition("=")
        key = key.lower()
        if value and key in ("time", "at"):
            post_time = parse_time(value)
        elif value and key in ("tz", "timezone"):
            timezone = parse_timezone(value)
        elif value and key == "count":
            count = parse_count(value)
        elif arg.isdigit() and len(arg) <= 2:
            count = parse_count(arg)
        elif TIME_RE.match(arg):
            post_time = parse_time(arg)
        elif "/" in arg or arg.upper() in ("UTC", "GMT"):
            timezone = parse_timezone(arg)
        else:
            raise UsageError(f"'{arg}' is not accepted here: {SUBSCRIBE_USAGE}")
    return SubscribeCommand(post_time=post_time, timezone=timezone, count=count)


def parse_unsubscribe(args: list[str]) -> UnsubscribeCommand:
    if args:
        raise UsageError(f"unsubscribe takes no arguments: {UNSUBSCRIBE_USAGE}")
    return UnsubscribeCommand()


register(CommandSpec("subscribe", SUBSCRIBE_USAGE, parse_subscribe, manages_channel=True))
register(CommandSpec("unsubscribe", UNSUBSCRIBE_USAGE, parse_unsubscribe, manages_channel=True))
