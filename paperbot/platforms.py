"""Start the chat platforms that have credentials. Each adapter package brings its own runner."""
from __future__ import annotations

import asyncio

from bot.app import PaperBot
from bot.config import Config

# The runners start_all started, by platform name; each has a ``platform`` (its ChatPlatform).
STARTED: dict[str, object] = {}


def chat_platforms(config: Config, bot: PaperBot) -> dict[str, object]:
    """The send paths of the started platforms, for the scheduler (``paperbot.scheduling``)."""
    return {name: runner.platform for name, runner in STARTED.items() if getattr(runner, "platform", None) is not None}


def start_all(config: Config, bot: PaperBot) -> list[asyncio.Task]:
    STARTED.clear()
    tasks: list[asyncio.Task] = []
    if config.discord_enabled:
        from paperbot.discord_runner import start_discord  # imported only when Discord is configured

        _discord, task = start_discord(config, bot)
        tasks.append(task)
        STARTED["discord"] = _discord
    if config.slack_enabled:
        from paperbot.slack_runner import start_slack  # imported only when Slack is configured

        _slack, task = start_slack(config.slack, bot)
        tasks.append(task)
        STARTED["slack"] = _slack
    return tasks
