"""`/papers schedule`: when this channel's digest posts, and why it is paused if it is."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.commands.base import CommandSpec, register
from bot.errors import UsageError
from bot.replies import TextReply
from bot.scheduling.usecases import ScheduleUseCases

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester

SCHEDULE_USAGE = "/papers schedule — when the daily digest posts here, and why it is paused if it is"


@dataclass(frozen=True)
class ScheduleCommand:
    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        sub = await bot.subscriptions.get(requester)
        if sub is None:
            return TextReply("This channel is not subscribed: /papers subscribe starts a daily digest.")
        text = f"The top {sub.count} papers at {sub.post_time:%H:%M} {sub.timezone}."
        if hasattr(bot.store, "get_schedule"):
            line = await ScheduleUseCases(bot.store).status_line(requester.channel)
            if line:
                text += " " + line
        return TextReply(text)


def parse_schedule(args: list[str]) -> ScheduleCommand:
    if args:
        raise UsageError(f"schedule takes no arguments: {SCHEDULE_USAGE}")
    return ScheduleCommand()


register(CommandSpec("schedule", SCHEDULE_USAGE, parse_schedule))
