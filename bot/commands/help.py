"""`/papers help` — generated from the registered subcommands, so it never goes stale."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.commands.base import CommandSpec, register, specs
from bot.replies import TextReply

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester

HELP_USAGE = "/papers help — this list"


def help_text() -> str:
    return "Commands:\n" + "\n".join(f"  {spec.usage}" for spec in specs())


@dataclass(frozen=True)
class HelpCommand:
    topic: str | None = None

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        return TextReply(help_text(), ephemeral=True)


def parse_help(args: list[str]) -> HelpCommand:
    return HelpCommand(args[0].lower() if args else None)


register(CommandSpec("help", HELP_USAGE, parse_help, aliases=("?",)))
