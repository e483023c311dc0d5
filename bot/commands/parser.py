"""Text → command: split like a shell (quotes group words), then hand the words to the subcommand."""
from __future__ import annotations

import shlex

from bot.commands.base import REGISTRY, Command
from bot.commands.help import HelpCommand, help_text
from bot.errors import UsageError


def parse_command(text: str) -> Command:
    """Parse what follows ``/papers`` (a leading '/papers' is tolerated)."""
    words = text.split()
    if words and words[0].lower() in ("/papers", "papers"):
        words = words[1:]
    raw = REGISTRY.get(words[0].lower()) if words else None
    if raw is not None and raw.raw:
        return raw.parse(words[1:])
    try:
        tokens = shlex.split(text.strip())
    except ValueError as exc:
        raise UsageError(f"could not read the command ({exc}); check the quotes.") from None
    if tokens and tokens[0].lower() in ("/papers", "papers"):
        tokens = tokens[1:]
    if not tokens:
        return HelpCommand()
    name, args = tokens[0].lower(), tokens[1:]
    spec = REGISTRY.get(name)
    if spec is None:
        raise UsageError(f"unknown command '{name}'. {help_text()}")
    return spec.parse(args)
