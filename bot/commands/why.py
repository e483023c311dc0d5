"""`/papers why <arxiv id> [mine]`: why a paper ranks where it does here (or for me)."""
from __future__ import annotations

from dataclasses import dataclass

from bot.arxiv_ids import ArxivId
from bot.commands.params import Flag, Param
from bot.commands.spec import command
from bot.commands.taste import paper_param
from bot.domain import Requester
from bot.replies import TextReply
from bot.taste.explain import lines
from bot.usecases.digests import DigestUseCases
from bot.usecases.taste import answering_now


@command("why", "why a paper ranks where it does here; mine: for you", order=105, params=(
    paper_param(),
    Param("mine", Flag(["mine"]), "explain your own ranking, from your reactions"),
))
@dataclass(frozen=True)
class WhyCommand:
    paper: ArxivId
    mine: bool = False

    async def execute(self, requester: Requester, digests: DigestUseCases) -> TextReply:
        with answering_now():  # a ranking that needs the model while it warms up: "warming up", not a wait
            explanation = await digests.explain(self.paper.id, requester.channel, requester if self.mine else None)
        return TextReply("\n".join(lines(explanation, whose="you" if self.mine else "this channel")), ephemeral=True)
