"""Readable logs: time, level, where, message — one line each, on stderr."""
from __future__ import annotations

import logging


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    # Library chatter that drowns our own lines at INFO.
    # (alembic's plugin lines, discord.py's heartbeats and reconnects, HTTP clients): WARNING unless debug.
    for noisy in ("aiosqlite", "sqlalchemy.engine", "alembic", "discord.gateway", "discord.http", "httpx",
                  "slack_bolt", "slack_sdk", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
