"""`paperbot demo`: the whole bot in a terminal, on a bundled sample, with no tokens and no network."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from platformdirs import user_data_dir

from adapters.console.platform import ConsolePlatform
from adapters.console.repl import ConsoleAdapter
from bot.clock import ManualClock
from bot.config import Config
from bot.sources.sample import SampleSource
from bot.usecases.ingest import store_papers
from paperbot.compose import build_bot, bundled_sample, open_store
from paperbot.scheduling import build_scheduler

BANNER = """\
paperbot demo — a local channel in your terminal ({papers} papers from {source}).
Stored in {db}. Type `help` for commands, `quit` to leave.
"""


def demo_database_url() -> str:
    folder = Path(user_data_dir("paperbot"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / 'demo.sqlite3'}"


async def demo(
    config: Config,
    *,
    sample: str | None = None,
    db_url: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    source = SampleSource(Path(sample) if sample else bundled_sample())
    papers = source.all_papers()
    url = db_url or demo_database_url()
    async with open_store(url) as store:
        await store_papers(store, papers)
        # No network in the demo: questions are answered from the abstracts (no arXiv full text).
        offline = config.model_copy(update={"answers": config.answers.model_copy(update={"fulltext": False})})
        # The demo's clock starts now and moves only with `wait`, which runs the scheduler as `paperbot run` does.
        clock = ManualClock()
        bot = build_bot(offline, store, clock=clock)
        if bot.taste is not None:  # load the model and embed the sample once (stored: later runs skip it)
            await bot.taste.backfill()
        out = stdout or sys.stdout
        platform = ConsolePlatform(lambda text: print(text, file=out, flush=True), store.next_message_number)
        scheduler = build_scheduler(config, store, {platform.platform: platform}, clock=clock, taste=bot.taste,
                                    publisher=bot.publisher)
        console = ConsoleAdapter(bot, stdin=stdin or sys.stdin, stdout=out, scheduler=scheduler, clock=clock,
                                 platform=platform)
        console.say(BANNER.format(papers=len(papers), source=sample or "the bundled sample", db=url.split("///", 1)[-1]))
        try:
            await console.handle_line("/papers today")
            await console.run()
        finally:
            await bot.close()
    return 0
