"""Start the chat platforms that have credentials. Each adapter package brings its own runner."""
from __future__ import annotations

import asyncio

from bot.app import PaperBot
from bot.config import Config
from bot.ports import ChatPlatform

# The send paths of the platforms start_all started, by platform name (for the scheduler).
STARTED: dict[str, ChatPlatform] = {}


def chat_platforms() -> dict[str, ChatPlatform]:
    """The send paths of the started platforms, for the scheduler (``paperbot.scheduling``)."""
    return dict(STARTED)


def start_all(config: Config, bot: PaperBot) -> list[asyncio.Task[None]]:
    STARTED.clear()
    tasks: list[asyncio.Task[None]] = []
    if config.discord_enabled:
        from paperbot.discord_runner import start_discord  # imported only when Discord is configured

        discord_runner, task = start_discord(config, bot)
        tasks.append(task)
        STARTED["discord"] = discord_runner.platform
    if config.slack_enabled:
        from paperbot.slack_runner import start_slack  # imported only when Slack is configured

        slack_runner, task = start_slack(config.slack, bot)
        tasks.append(task)
        STARTED["slack"] = slack_runner.platform
    return tasks
