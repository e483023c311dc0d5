"""`/papers follow` in the console (`paperbot demo`'s adapter, in process, on a real SQLite file with the
bundled sample): a name as arXiv writes it — with an affiliation in parentheses — is followed, its
papers rank up with the reason shown, and a mention is refused and never stored."""
from __future__ import annotations

import io
from pathlib import Path

from adapters.console.platform import ConsolePlatform
from adapters.console.repl import ConsoleAdapter
from bot.app import PaperBot
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.databases import sqlite_url
from tests.harness.embedders import HashEmbedder
from tests.harness.sample import VIDEO, load_sample


async def test_following_a_name_with_an_affiliation_ranks_that_authors_paper(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "demo.sqlite3")
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        await load_sample(store)
        bot = PaperBot(store, embedder=HashEmbedder())
        out = io.StringIO()
        platform = ConsolePlatform(lambda text: print(text, file=out), store.next_message_number)
        console = ConsoleAdapter(bot, stdin=io.StringIO(), stdout=out, interactive=False, platform=platform)

        async def run(line: str) -> str:
            start = out.tell()
            await console.handle_line(line)
            return out.getvalue()[start:]

        refused = await run('/papers follow "@everyone"')
        assert "is not an author's name" in refused and "Following" not in refused
        followed = await run('/papers follow "Jingqi Tong (Fudan University)"')  # the sample lists "Jingqi Tong"
        assert "Following Jingqi Tong (Fudan University): their papers rank higher" in followed
        assert "following: Jingqi Tong (Fudan University)" in await run("/papers prefs")
        assert "@everyone" not in await run("/papers prefs")
        why = await run(f"/papers why {VIDEO}")
        assert "By followed author Jingqi Tong (Fudan University)" in why
        await bot.close()
