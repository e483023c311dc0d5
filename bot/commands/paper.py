"""`/papers paper <id or URL>`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId, parse_arxiv_id
from bot.commands.base import CommandSpec, register
from bot.errors import UsageError
from bot.replies import PaperReply

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester

PAPER_USAGE = "/papers paper <arXiv id or URL> — one paper"


@dataclass(frozen=True)
class PaperCommand:
    paper: ArxivId

    async def execute(self, bot: PaperBot, requester: Requester) -> PaperReply:
        return PaperReply(await bot.papers.get(self.paper))


def parse_paper(args: list[str]) -> PaperCommand:
    if len(args) != 1:
        raise UsageError(f"give exactly one paper: {PAPER_USAGE}. Accepted: {ACCEPTED_FORMS}.")
    return PaperCommand(parse_arxiv_id(args[0]))


register(CommandSpec("paper", PAPER_USAGE, parse_paper))
