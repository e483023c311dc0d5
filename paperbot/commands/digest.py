"""`paperbot digest`: the top papers of a day as a table in the terminal."""
from __future__ import annotations

import shutil
from datetime import date

from bot.config import Config
from bot.text import clean_text, shorten
from paperbot.compose import build_bot, open_store, resolve_database


async def digest(config: Config, *, day: date | None = None, count: int | None = None) -> int:
    database = resolve_database(config)
    async with open_store(database.url, source=database.source) as store:
        bot = build_bot(config, store)
        result = await bot.digests.today(None, count=count, day=day)
    width = shutil.get_terminal_size((120, 20)).columns
    title_width = max(30, width - 58)
    print(result.title + (f" — {result.note}" if result.note else ""))
    print(f"{'#':>2}  {'arXiv id':<12} {'▲':>5} {'score':>7}  {'title':<{title_width}}  why")
    for i, item in enumerate(result.items, 1):
        p = item.paper
        print(
            f"{i:>2}  {p.arxiv_id:<12} {p.upvotes or 0:>5} {item.score:>7.2f}  "
            f"{shorten(clean_text(p.title), title_width):<{title_width}}  {shorten(item.why, 60)}"
        )
    return 0
