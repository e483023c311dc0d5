"""The shape of a `/papers` subcommand: a parser from words, and an action on the bot.

Each subcommand module defines frozen dataclasses (what the user asked) with an
``execute(bot, requester)`` method, and registers a :class:`CommandSpec` so the text
parser and the help know it. Discord builds the same dataclasses from typed options.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester
    from bot.replies import Reply


class Command(Protocol):
    async def execute(self, bot: PaperBot, requester: Requester) -> Reply: ...


@dataclass(frozen=True)
class CommandSpec:
    """How a subcommand is typed: its name, aliases, one-line usage and its word parser."""

    name: str
    usage: str
    parse: Callable[[list[str]], Command]
    aliases: tuple[str, ...] = ()
    manages_channel: bool = False
    raw: bool = False  # free-text arguments: split on whitespace only (a question's apostrophes are not quotes)


REGISTRY: dict[str, CommandSpec] = {}


def register(spec: CommandSpec) -> CommandSpec:
    for name in (spec.name, *spec.aliases):
        if name in REGISTRY:
            raise ValueError(f"command name {name!r} registered twice")
        REGISTRY[name] = spec
    return spec


def specs() -> list[CommandSpec]:
    """Registered subcommands in registration order, without alias duplicates."""
    seen: dict[str, CommandSpec] = {}
    for spec in REGISTRY.values():
        seen.setdefault(spec.name, spec)
    return list(seen.values())
