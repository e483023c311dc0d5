"""`/papers today` and `/papers week`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.commands.args import DAY_RE, is_count, parse_count, parse_day, parse_week
from bot.commands.base import CommandSpec, register
from bot.errors import UsageError
from bot.replies import DigestReply

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester

TODAY_USAGE = "/papers today [mine] [count] [YYYY-MM-DD] — top papers of the latest day (or that day); mine: ranked for you"
WEEK_USAGE = "/papers week [count] [YYYY-Www] — top papers of this week (or that ISO week)"


@dataclass(frozen=True)
class TodayCommand:
    """Top papers of the latest day that has papers (or of ``day``)."""

    count: int | None = None
    day: date | None = None
    mine: bool = False

    async def execute(self, bot: PaperBot, requester: Requester) -> DigestReply:
        member = requester if self.mine else None
        return DigestReply(await bot.digests.today(requester.channel, count=self.count, day=self.day, member=member))


@dataclass(frozen=True)
class WeekCommand:
    """Top papers of an ISO week (default: the week of the latest day that has papers)."""

    count: int | None = None
    week: str | None = None

    async def execute(self, bot: PaperBot, requester: Requester) -> DigestReply:
        return DigestReply(await bot.digests.week(count=self.count, week=self.week))


def parse_today(args: list[str]) -> TodayCommand:
    count: int | None = None
    day: date | None = None
    mine = False
    for arg in args:
        if is_count(arg):
            count = parse_count(arg)
        elif DAY_RE.match(arg):
            day = parse_day(arg)
        elif arg.lower() == "mine":
            mine = True
        else:
            raise UsageError(f"'{arg}' is not accepted here: {TODAY_USAGE}")
    return TodayCommand(count=count, day=day, mine=mine)


def parse_week_command(args: list[str]) -> WeekCommand:
    count: int | None = None
    week: str | None = None
    for arg in args:
        if is_count(arg):
            count = parse_count(arg)
        else:
            try:
                week = parse_week(arg)
            except UsageError:
                raise UsageError(f"'{arg}' is not accepted here: {WEEK_USAGE}") from None
    return WeekCommand(count=count, week=week)


register(CommandSpec("today", TODAY_USAGE, parse_today, aliases=("day",)))
register(CommandSpec("week", WEEK_USAGE, parse_week_command))
