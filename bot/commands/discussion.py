"""`/papers ask <id or URL> <question>`, and the `threads:` key of `/papers settings`.

The question is free text: it is read as typed (apostrophes and quotes included), not split
like the other commands' arguments (``CommandSpec.raw``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId, try_parse_arxiv_id
from bot.commands.base import CommandSpec, register
from bot.discussion.threads import ThreadMode
from bot.errors import PermissionDeniedError, UsageError
from bot.replies import TextReply

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import ChannelRef, Requester

ASK_USAGE = "/papers ask <arXiv id or URL> <question> — a question about one paper, answered from its text"
THREADS_SETTING = "threads:always|first_reply|never"
MODE_WORDS = {
    ThreadMode.ALWAYS: "a thread is opened under every posted paper",
    ThreadMode.FIRST_REPLY: "a thread is opened when someone first replies under a posted paper",
    ThreadMode.NEVER: "no threads are opened",
}


@dataclass(frozen=True)
class AskCommand:
    paper: ArxivId
    question: str

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        return await bot.discussions.ask(requester, self.paper, self.question)


def parse_ask(args: list[str]) -> AskCommand:
    if not args:
        raise UsageError(f"which paper, and what is the question? {ASK_USAGE}. Accepted papers: {ACCEPTED_FORMS}.")
    paper = try_parse_arxiv_id(args[0])
    if paper is None:
        raise UsageError(f"'{args[0]}' is not a paper: {ASK_USAGE}. Accepted papers: {ACCEPTED_FORMS}.")
    question = " ".join(" ".join(args[1:]).split())
    if not question:
        raise UsageError(f"ask a question after the paper, e.g. /papers ask {paper} what dataset do they use? ({ASK_USAGE})")
    return AskCommand(paper, question)


def parse_thread_mode(value: str) -> ThreadMode:
    """The value of ``threads:`` in `/papers settings` (UsageError names the accepted ones)."""
    return ThreadMode.parse(value)


async def describe_thread_mode(bot: PaperBot, channel: ChannelRef) -> str:
    mode = await bot.discussions.thread_mode(channel)
    return f"threads: {mode.value} ({MODE_WORDS[mode]})"


async def set_thread_mode(bot: PaperBot, requester: Requester, mode: ThreadMode) -> str:
    """Managers only, like every other settings key; returns the new description."""
    if not requester.can_manage_channel:
        raise PermissionDeniedError("Only people who manage this channel can change its settings.")
    await bot.discussions.set_thread_mode(requester.channel, mode)
    return await describe_thread_mode(bot, requester.channel)


register(CommandSpec("ask", ASK_USAGE, parse_ask, raw=True))
