"""`paperbot demo`: the whole bot in a terminal, on a bundled sample, with no tokens and no network.

First start: the banner and the first digest (trending order: nothing is learned yet, so no model is
needed) come at once; then the ranking model loads and the sample is embedded
(paperbot.commands.demo_progress) — at a terminal behind the prompt, which opens at once (its
bottom line shows the progress; `/papers` commands wait for the model, reactions do not); with
piped input before the first command, progress on stderr. Later starts find the vectors stored.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TextIO

from adapters.console.line_input import PipedInput, PromptInput, editable
from adapters.console.platform import ConsolePlatform
from adapters.console.repl import INTERRUPTED, ConsoleAdapter
from bot.clock import ManualClock
from bot.config import Config
from bot.errors import SourceError
from bot.plural import counted
from bot.sources.hf_payload import ACCEPTED_FORMAT
from bot.sources.sample import SampleSource
from bot.usecases.ingest import store_papers
from paperbot.commands.demo_files import demo_files
from paperbot.commands.demo_progress import StatusProgress, StreamProgress, papers_to_embed, prepare_ranking
from paperbot.compose import DB_OPTION, build_bot, bundled_sample, open_store
from paperbot.scheduling import build_scheduler
from storage.data_folder import data_folder

BANNER = """\
paperbot demo — a local channel in your terminal ({papers} from {source}).
Stored in {db}. Type `help` for commands, `quit` to leave.
"""
SAMPLE_ACCEPTS = f"a JSON file or a folder of JSON files, each {ACCEPTED_FORMAT}"


def demo_database_url() -> str:
    """The demo's own SQLite file in the user data folder (a ConfigError naming it and the fix if it cannot be used)."""
    return f"sqlite+aiosqlite:///{data_folder() / 'demo.sqlite3'}"


def _exit_now(code: int, *, newline: bool = False) -> None:
    """End the process without waiting for worker threads, after flushing what was printed.

    A clean asyncio exit waits for the default executor's threads, and a thread in the middle of
    loading the model or embedding a batch cannot be cancelled (it would hold the exit for seconds).
    Every store write is a committed or a rolled-back transaction, so nothing is half-stored.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if newline and stream.isatty():
                stream.write("\n")
            stream.flush()
    os._exit(code)


def _leave_now(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C while the demo works (loading the model, embedding, running a command): leave at once, 130."""
    _exit_now(INTERRUPTED, newline=True)


@contextlib.contextmanager
def _ctrl_c_leaves() -> Iterator[None]:
    """``_leave_now`` on SIGINT for the demo's lifetime (main thread only; the previous handler after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _leave_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


async def demo(
    config: Config,
    *,
    sample: str | None = None,
    db_url: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Returns the exit code: 0 after `quit`, Ctrl-D or the end of input; 130 after Ctrl-C."""
    source = SampleSource(Path(sample) if sample else bundled_sample())
    papers = source.all_papers()
    if not papers:  # the core's "fetch some first" is no advice here: the demo never fetches
        raise SourceError(f"{source.path} holds no papers; --sample takes {SAMPLE_ACCEPTS}, with at least one paper.")
    url = db_url or demo_database_url()
    # the model's own loading bars (Hugging Face) would interleave with the demo's progress
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    with _ctrl_c_leaves():
        async with open_store(url, source=DB_OPTION if db_url else "the demo database") as store:
            await store_papers(store, papers)
            # No network in the demo: questions are answered from the abstracts (no arXiv full text).
            offline = config.model_copy(update={"answers": config.answers.model_copy(update={"fulltext": False})})
            # The demo's clock starts now and moves only with `wait`, which runs the scheduler as `paperbot run` does.
            clock = ManualClock()
            bot = build_bot(offline, store, clock=clock)
            terminal_in = stdin or sys.stdin
            at_terminal = editable(terminal_in, stdout or sys.stdout)

            def say(text: str) -> None:  # sys.stdout looked up at each call: the line editor swaps it
                print(text, file=stdout or sys.stdout, flush=True)

            files = demo_files(url)  # beside the database; with none usable, the demo keeps none and says so once
            if files.note is not None:
                print(files.note, file=stderr or sys.stderr, flush=True)
            platform = ConsolePlatform(say, store.next_message_number, files_dir=files.posted)
            scheduler = build_scheduler(config, store, {platform.platform: platform}, clock=clock, taste=bot.taste,
                                        publisher=bot.publisher)
            status = StatusProgress()
            lines = (PromptInput(files.history, status=status.status) if at_terminal
                     else PipedInput(terminal_in, prompt=stdout or sys.stdout if terminal_in.isatty() else None))
            console = ConsoleAdapter(bot, stdin=terminal_in, stdout=stdout, scheduler=scheduler, clock=clock,
                                     platform=platform, line_input=lines, exports=files.folder)
            console.say(BANNER.format(papers=counted(len(papers), 'paper'), source=sample or "the bundled sample",
                                      db=url.split("///", 1)[-1]))
            behind: asyncio.Task[object] | None = None
            try:
                # Nothing is learned on a first start, so this digest is in trending order and needs no model.
                await console.handle_line("/papers today")
                missing = await papers_to_embed(bot.taste, store) if bot.taste is not None else 0
                if bot.taste is not None and missing:  # the model loads and the sample is embedded once (stored)
                    if at_terminal:
                        status.loading()  # shown from the first prompt on, before the task's first step
                        behind = asyncio.create_task(prepare_ranking(bot.taste, status, missing))
                        console.runs_after(behind)
                    else:
                        await prepare_ranking(bot.taste, StreamProgress(stderr or sys.stderr), missing)
                code = await console.run()
            finally:
                if behind is not None and not behind.done():
                    behind.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await behind
                await bot.close()
    if behind is not None and behind.cancelled():
        _exit_now(code)  # left while the model was loading or embedding: don't wait for that thread
    return code
