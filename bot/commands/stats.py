"""`/papers stats [weeks]`: a chart of what the channel read and how it reacted, week by week."""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.params import Count, Param
from bot.commands.spec import command
from bot.domain import Requester
from bot.replies import FileReply, TextReply
from bot.stats import DEFAULT_WEEKS, MAX_WEEKS
from bot.usecases.stats import StatsUseCases


@command("stats", f"a chart of this channel's reading: papers, 👍/👎 and topics per week (default {DEFAULT_WEEKS} weeks)",
         order=190, params=(
             Param("weeks", Count(MAX_WEEKS, "weeks"), f"how many weeks back (1–{MAX_WEEKS})"),
         ))
@dataclass(frozen=True)
class StatsCommand:
    weeks: int | None = None

    async def execute(self, requester: Requester, stats: StatsUseCases) -> FileReply | TextReply:
        return await stats.chart(requester.channel, self.weeks or DEFAULT_WEEKS)
