"""Start the chat platforms that have credentials. Each adapter package brings its own runner."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from bot.app import PaperBot
from bot.config import Config
from bot.ports import ChatPlatform
from paperbot.monitoring.readiness import Connection

# The send paths of the platforms ``starters`` made, by platform name (for the scheduler).
STARTED: dict[str, ChatPlatform] = {}
# Their runners, which say whether they are connected (for /readyz).
CONNECTIONS: dict[str, Connection] = {}


def connections() -> dict[str, Connection]:
    """The runners of the started platforms, by name (``paperbot.monitoring.Readiness``)."""
    return dict(CONNECTIONS)


def chat_platforms() -> dict[str, ChatPlatform]:
    """The send paths of the started platforms, for the scheduler (``paperbot.scheduling``)."""
    return dict(STARTED)


def starters(config: Config, bot: PaperBot) -> dict[str, Callable[[], Coroutine[Any, Any, None]]]:
    """Each configured platform's "connect and serve until cancelled", by name; their send paths are
    in ``chat_platforms()`` from now on."""
    STARTED.clear()
    CONNECTIONS.clear()
    out: dict[str, Callable[[], Coroutine[Any, Any, None]]] = {}
    if config.discord_enabled:
        from paperbot.discord_runner import DiscordRunner  # imported only when Discord is configured

        discord_runner = DiscordRunner(config, bot)
        STARTED["discord"] = discord_runner.platform
        CONNECTIONS["discord"] = discord_runner
        out["discord"] = discord_runner.run
    if config.slack_enabled:
        from paperbot.compose import database_url
        from paperbot.slack_runner import SlackRunner  # imported only when Slack is configured

        # several workspaces (OAuth): their installations live in paperbot's database
        slack_runner = SlackRunner(config.slack, bot, database_url=database_url(config) if config.slack.oauth else None)
        STARTED["slack"] = slack_runner.platform
        CONNECTIONS["slack"] = slack_runner
        out["slack"] = slack_runner.serve_forever
    return out


def start_all(config: Config, bot: PaperBot) -> list[asyncio.Task[None]]:
    """Every configured platform started as a task (``paperbot run`` supervises them instead)."""
    return [asyncio.create_task(start(), name=name) for name, start in starters(config, bot).items()]
