"""`/papers ask <id or URL> <question>`.

The question is free text: it is read as typed (apostrophes and quotes included), not split like
the other commands' arguments (``raw``).
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId
from bot.commands.params import Paper, Param, Question
from bot.commands.spec import command
from bot.domain import Requester
from bot.replies import TextReply
from bot.usecases.discussion import DiscussionUseCases
from bot.usecases.taste import TasteUseCases

ASK_USAGE = "/papers ask <arXiv id or URL> <question> — a question about one paper, answered from its text"


@command("ask", "a question about one paper, answered from its text", order=160, raw=True, params=(
    Param("paper", Paper(), "an arXiv id or URL, e.g. 2511.01234", required=True,
          missing=f"which paper, and what is the question? {ASK_USAGE}. Accepted papers: {ACCEPTED_FORMS}."),
    Param("question", Question("question", max_length=1000, accepts="a question of at most 1000 characters"),
          "what you want to know, e.g. what dataset do they use?", required=True,
          missing=f"ask a question after the paper, e.g. /papers ask 2511.04570 what dataset do they use? ({ASK_USAGE})"),
))
@dataclass(frozen=True)
class AskCommand:
    paper: ArxivId
    question: str

    async def execute(self, requester: Requester, discussions: DiscussionUseCases, taste: TasteUseCases | None) -> TextReply:
        if taste is not None:
            taste.require_model()  # the answer engine embeds the question: "warming up" now, not after a wait
        return await discussions.ask(requester, self.paper, self.question)
