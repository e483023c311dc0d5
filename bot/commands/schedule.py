"""`/papers schedule`: when this channel's digest posts, and why it is paused if it is."""
from __future__ import annotations

from dataclasses import dataclass

from bot.commands.spec import command
from bot.domain import Requester
from bot.replies import TextReply
from bot.scheduling.usecases import ScheduleUseCases


@command("schedule", "when the daily digest posts here, and why it is paused if it is", order=130)
@dataclass(frozen=True)
class ScheduleCommand:
    async def execute(self, requester: Requester, schedules: ScheduleUseCases) -> TextReply:
        return TextReply(await schedules.describe(requester.channel))
