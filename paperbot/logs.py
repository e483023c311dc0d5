"""Logs on stderr, one line per event: readable text (default) or JSON (``--log-format json``).

Text: ``time level logger: message``. JSON: one object per line with ``time`` (ISO 8601, UTC),
``level``, ``logger``, ``message``, and ``platform``, ``channel``, ``command`` when the line was
logged while an event or command was handled (:mod:`bot.log_context`); an exception is one
``exc`` string. In both, a traceback stays on its event's line, so a log reader never has to
guess where an event ends.

Libraries' chatter (SQL, migrations, gateway heartbeats and reconnects, SDK internals, HTTP
access lines) is shown from WARNING up unless the level is DEBUG; discord.py's warnings about
voice support are dropped always: this bot never joins a voice channel.
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal

from bot.log_context import current_log_context

LogFormat = Literal["text", "json"]

# loggers of libraries (and of slack_sdk's Socket Mode client, which logs through our name)
CHATTY = ("alembic", "sqlalchemy", "aiosqlite", "asyncpg", "discord", "slack_bolt", "slack_sdk", "aiohttp.access",
          "httpx", "asyncio", "paperbot.slack.socket_mode")
VOICE_WARNING = "voice will NOT be supported"  # discord.py: PyNaCl / davey not installed


class _OneLineText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return " | ".join(line for line in super().format(record).splitlines() if line.strip())


class JsonLines(logging.Formatter):
    """One JSON object per record; the context fields in effect where the record was logged."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(current_log_context())
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class _DropVoiceWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return VOICE_WARNING not in record.getMessage()


_handler: logging.Handler | None = None


def formatter_for(fmt: LogFormat) -> logging.Formatter:
    if fmt == "json":
        return JsonLines()
    return _OneLineText("%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S")


def setup_logging(level: str = "INFO", fmt: LogFormat = "text") -> None:
    """Configure the root logger once per process (again: the new level and format replace the old)."""
    global _handler
    root = logging.getLogger()
    chosen = getattr(logging, level.upper(), logging.INFO)
    root.setLevel(chosen)
    if _handler is None and not root.handlers:  # like basicConfig: leave a handler someone else installed
        _handler = logging.StreamHandler(sys.stderr)
        root.addHandler(_handler)
    if _handler is not None:
        _handler.setFormatter(formatter_for(fmt))
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.NOTSET if chosen <= logging.DEBUG else max(logging.WARNING, chosen))
    voice = logging.getLogger("discord.client")
    if not any(isinstance(f, _DropVoiceWarnings) for f in voice.filters):
        voice.addFilter(_DropVoiceWarnings())
