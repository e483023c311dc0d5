"""Start the chat platforms that have credentials. Each adapter package brings its own runner."""
from __future__ import annotations

import asyncio

from bot.app import PaperBot
from bot.config import Config
from bot.errors import ConfigError


def start_all(config: Config, bot: PaperBot) -> list[asyncio.Task]:
    tasks: list[asyncio.Task] = []
    missing = []
    if config.discord_enabled:
        missing.append("Discord")
    if config.slack_enabled:
        missing.append("Slack")
    if missing:
        raise ConfigError(
            f"{' and '.join(missing)} credentials are configured, but this build of paperbot has no "
            f"{' or '.join(missing)} adapter yet. Try `paperbot demo` for the console adapter."
        )
    return tasks
