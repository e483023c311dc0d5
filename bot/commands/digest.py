"""`/papers today` and `/papers week`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.commands.params import Count, Day, Flag, Param, Week
from bot.commands.spec import command
from bot.domain import Requester
from bot.replies import DigestReply
from bot.usecases.digests import DigestUseCases
from bot.usecases.taste import answering_now


@command("today", "top papers of the latest day (or that day); mine: ranked for you", order=10, aliases=("day",), concerns_thread=True,
         params=(
             Param("mine", Flag(["mine"]), "ranked for you, from your reactions"),
             Param("count", Count(), "how many papers (1–25)"),
             Param("day", Day(), "a day as YYYY-MM-DD (default: the latest day)"),
         ))
@dataclass(frozen=True)
class TodayCommand:
    """Top papers of the latest day that has papers (or of ``day``)."""

    count: int | None = None
    day: date | None = None
    mine: bool = False

    async def execute(self, requester: Requester, digests: DigestUseCases) -> DigestReply:
        member = requester if self.mine else None
        with answering_now():  # a ranking that needs the model while it warms up: "warming up", not a wait
            return DigestReply(await digests.today(requester.channel, count=self.count, day=self.day, member=member))


@command("week", "top papers of this week (or that ISO week)", order=20, concerns_thread=True, params=(
    Param("count", Count(), "how many papers (1–25)"),
    Param("week", Week(), "an ISO week as YYYY-Www (default: this week)"),
))
@dataclass(frozen=True)
class WeekCommand:
    """Top papers of an ISO week (default: the week of the latest day that has papers)."""

    count: int | None = None
    week: str | None = None

    async def execute(self, requester: Requester, digests: DigestUseCases) -> DigestReply:
        return DigestReply(await digests.week(count=self.count, week=self.week))
