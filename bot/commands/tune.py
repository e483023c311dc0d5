"""`/papers tune [mine] [count]`: a handful of different recent papers to rate — the cold start in chat."""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.params import Count, Flag, Param
from bot.commands.spec import command
from bot.domain import Requester
from bot.errors import UsageError
from bot.replies import DigestReply
from bot.usecases.taste import answering_now
from bot.usecases.tune import DEFAULT_COUNT, MAX_COUNT, TuneUseCases


@command("tune", "a few different recent papers to rate, so the ranking learns fast; mine: for you", order=55, concerns_thread=True,
         params=(
             Param("mine", Flag(["mine"]), "papers for your own ranking (today mine, your DM digest)"),
             Param("count", Count(maximum=MAX_COUNT), f"how many papers (1–{MAX_COUNT}, default {DEFAULT_COUNT})"),
         ))
@dataclass(frozen=True)
class TuneCommand:
    mine: bool = False
    count: int | None = None

    async def execute(self, requester: Requester, tune: TuneUseCases | None) -> DigestReply:
        if tune is None:  # no embedding model: nothing would learn from the ratings
            raise UsageError("personalization is off ([embedding] enabled = false in the configuration), "
                             "so there is no ranking to tune: /papers today ranks by trending.")
        member = requester if self.mine else None
        with answering_now():  # embedding while the model warms up: "warming up", not a wait
            return DigestReply(await tune.candidates(requester.channel, count=self.count or DEFAULT_COUNT, member=member))
