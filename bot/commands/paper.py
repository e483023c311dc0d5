"""`/papers paper <id or URL>`."""
from __future__ import annotations

from dataclasses import dataclass

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId
from bot.commands.params import Paper, Param
from bot.commands.spec import command
from bot.domain import Requester
from bot.replies import PaperReply
from bot.usecases.papers import PaperLookup, version_note

PAPER_USAGE = "/papers paper <arXiv id or URL> — one paper"


@command("paper", "one paper", order=30, concerns_thread=True, params=(
    Param("paper", Paper(), "an arXiv id or URL, e.g. 2511.01234 or https://arxiv.org/abs/2511.01234",
          required=True, missing=f"give exactly one paper: {PAPER_USAGE}. Accepted: {ACCEPTED_FORMS}."),
))
@dataclass(frozen=True)
class PaperCommand:
    paper: ArxivId

    async def execute(self, requester: Requester, papers: PaperLookup) -> PaperReply:
        paper = await papers.get(self.paper)
        return PaperReply(paper, why=version_note(self.paper, paper))  # the "why": which version, when not the one named
