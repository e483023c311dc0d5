"""`/papers help [command]` — generated from the declarations, in their declared order, so it never goes stale."""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.params import Param, Text
from bot.commands.spec import REGISTRY, command, specs
from bot.commands.usage import unknown_command
from bot.domain import Requester
from bot.replies import TextReply


def help_text() -> str:
    """Every subcommand's usage line."""
    return "Commands:\n" + "\n".join(f"  {spec.usage}" for spec in specs()) + "\n/papers help <command> explains one."


def command_help(name: str) -> str:
    """One subcommand: its usage, then each parameter with what it accepts."""
    wanted = name.strip().lower().removeprefix("/papers").strip()
    spec = REGISTRY.get(wanted)
    if spec is None:
        raise unknown_command(wanted)
    lines = [spec.usage]
    for param in spec.params:
        how = f"{param.name}:{param.type.placeholder.strip('<>')}" if not param.positional else param.usage()
        lines.append(f"  {how} — {param.help} ({param.type.accepts})")
    if spec.manages_channel:
        lines.append("  Changing this needs someone who manages the channel.")
    return "\n".join(lines)


@command("help", "this list, or what one command accepts", order=1000, aliases=("?",),
         params=(Param("command", Text("command", max_length=40), "the command to explain, e.g. subscribe", field="topic"),))
@dataclass(frozen=True)
class HelpCommand:
    topic: str | None = None

    async def execute(self, requester: Requester) -> TextReply:
        return TextReply(command_help(self.topic) if self.topic else help_text(), ephemeral=True)
