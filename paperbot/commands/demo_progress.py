"""What the demo shows while it gets the personal ranking ready: the model loading, then the sample
being embedded (once; later starts find the vectors stored and skip this).

Two renderings of the same steps. At a terminal the work runs behind the prompt and its progress is
the prompt's bottom line (``StatusProgress``: a tqdm meter), ending in one line printed above the
prompt. With piped input it runs before the first command (the script's commands then see the
personal ranking) and prints to stderr (``StreamProgress``): plain lines, or a tqdm bar when stderr
is a terminal. stdout stays the conversation.
"""
from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO

from tqdm import tqdm

from bot.plural import counted
from bot.ports import Store
from bot.usecases.taste import TasteUseCases

_log = logging.getLogger(__name__)

BATCH = 32  # papers per progress step (the embedder batches them again internally)
LOADING = "Loading the ranking model…"
READY = "Personal ranking ready: reactions now shape the next digests."


class RankingProgress(Protocol):
    def loading(self) -> None: ...
    def loaded(self, seconds: float) -> None: ...
    def embedding(self, total: int) -> None: ...
    def update(self, count: int) -> None:
        """``count`` more papers embedded (the ``TasteUseCases.backfill(progress=...)`` hook)."""
        ...
    def ready(self, seconds: float) -> None: ...
    def failed(self, reason: str) -> None: ...


def failure_line(reason: str) -> str:
    return (f"⚠ The ranking model could not be prepared: {reason}. Digests of channels with no reactions "
            "still work (trending order); `--log-level DEBUG` shows the details.")


class StreamProgress:
    """Progress written to a stream: a tqdm bar on a terminal, plain lines elsewhere (no carriage returns)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._bar: tqdm[None] | None = None
        self._total = self._done = 0
        self._label = ""

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()

    def loading(self) -> None:
        self._write(LOADING + (" " if self._tty else "\n"))

    def loaded(self, seconds: float) -> None:
        self._write(f"loaded in {seconds:.1f} s\n" if self._tty else f"Ranking model loaded in {seconds:.1f} s.\n")

    def embedding(self, total: int) -> None:
        self._total, self._label = total, f"Embedding {counted(total, 'paper')}"
        if self._tty:
            self._bar = tqdm(total=total, desc=self._label, unit="paper", file=self._stream)
        else:
            self._write(f"{self._label}…\n")

    def update(self, count: int) -> None:
        self._done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self._done < self._total:
            self._write(f"{self._label}: {self._done}/{self._total}\n")

    def ready(self, seconds: float) -> None:
        if self._bar is not None:
            self._bar.close()
        else:
            self._write(f"{self._label}: done in {seconds:.1f} s\n")
        self._write(READY + "\n")

    def failed(self, reason: str) -> None:
        if self._bar is not None:
            self._bar.close()
        self._write(failure_line(reason) + "\n")


class StatusProgress:
    """Progress as a one-line status (the prompt's bottom toolbar reads :meth:`status`), then one line
    through ``say`` when ready."""

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        self._say = say or (lambda text: print(text, file=sys.stderr, flush=True))  # sys.stderr at call time
        self._started = time.perf_counter()
        self._loaded_in = 0.0
        self._total = self._done = 0
        self._embedding = False
        self._active = False

    def status(self) -> str | None:
        """What is going on now, or None (not started, or done: no status to show)."""
        if not self._active:
            return None
        elapsed = time.perf_counter() - self._started
        if not self._embedding:
            return f"{LOADING} {elapsed:.0f} s  (commands work meanwhile; /papers commands wait for it)"
        meter: str = tqdm.format_meter(self._done, self._total, elapsed, ncols=90, unit="paper",
                                       prefix=f"Embedding {counted(self._total, 'paper')}")
        return meter

    def loading(self) -> None:
        self._started, self._active = time.perf_counter(), True

    def loaded(self, seconds: float) -> None:
        self._loaded_in = seconds

    def embedding(self, total: int) -> None:
        self._started, self._total, self._embedding = time.perf_counter(), total, True

    def update(self, count: int) -> None:
        self._done += count

    def ready(self, seconds: float) -> None:
        self._active = False
        self._say(f"{READY} (model loaded in {self._loaded_in:.1f} s, {counted(self._total, 'paper')} embedded in {seconds:.1f} s)")

    def failed(self, reason: str) -> None:
        self._active = False
        self._say(failure_line(reason))


async def papers_to_embed(taste: TasteUseCases, store: Store) -> int:
    """How many stored papers have no vector under the current model (0 after the first start)."""
    return len(await store.papers_without_embedding(taste.model))


async def prepare_ranking(taste: TasteUseCases, progress: RankingProgress, missing: int) -> int:
    """Load the model and embed the ``missing`` papers, reporting each step; returns how many were
    embedded. A failure is reported as one plain line (``progress.failed``), not raised: the demo goes on."""
    try:
        started = time.perf_counter()
        progress.loading()
        await taste.embed_text("paperbot")  # the first encode loads the model
        progress.loaded(time.perf_counter() - started)
        started = time.perf_counter()
        progress.embedding(missing)
        done = await taste.backfill(batch=BATCH, progress=progress.update)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 — said in one line; the details with --log-level DEBUG
        _log.debug("preparing the ranking model failed", exc_info=True)
        progress.failed(str(exc) or type(exc).__name__)
        return 0
    progress.ready(time.perf_counter() - started)
    return done
