"""`paperbot db upgrade`: apply migrations explicitly (start-up does it too)."""
from __future__ import annotations

from bot.config import Config
from paperbot.compose import redact, resolve_database
from storage.migrate import upgrade


async def db_upgrade(config: Config) -> int:
    database = resolve_database(config)
    url = database.url
    before, after = await upgrade(url, source=database.source)
    if before == after:
        print(f"Database at {redact(url)} is at the latest schema ({after}).")
    else:
        print(f"Database at {redact(url)} migrated from {before or 'empty'} to {after}: it is at the latest schema.")
    return 0
