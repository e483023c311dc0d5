"""What the demo shows while it gets the personal ranking ready: the model loading, then the sample
being embedded (once; later starts find the vectors stored and skip this).

Progress goes to stderr, so stdout stays the conversation. On a terminal: a line that completes
when the model is loaded and a tqdm bar; elsewhere (a pipe, a log, tests) plain lines, no
carriage-return bars.
"""
from __future__ import annotations

import time
from typing import TextIO

from tqdm import tqdm

from bot.ports import Store
from bot.usecases.taste import TasteUseCases

BATCH = 32  # papers per progress step (the embedder batches them again internally)
READY = "Personal ranking ready: reactions now shape the next digests."


class EmbeddingProgress:
    """``update(n)`` after each embedded batch (the ``backfill(progress=...)`` hook), then ``close()``."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self._total, self._stream, self._done = total, stream, 0
        self._started = time.perf_counter()
        self._label = f"Embedding {total} papers"
        self._bar = tqdm(total=total, desc=self._label, unit="paper", file=stream, leave=True) if stream.isatty() else None
        if self._bar is None:
            self._line(f"{self._label}…")

    def _line(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()

    def update(self, count: int) -> None:
        self._done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self._done < self._total:
            self._line(f"{self._label}: {self._done}/{self._total}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        else:
            self._line(f"{self._label}: done in {time.perf_counter() - self._started:.1f} s")


async def prepare_ranking(taste: TasteUseCases, store: Store, stream: TextIO) -> int:
    """Load the model and embed the papers that have no vector yet, showing both; returns how many
    were embedded (0, silently, when every paper already has one: the model then loads on first use)."""
    missing = len(await store.papers_without_embedding(taste.model))
    if not missing:
        return 0
    started = time.perf_counter()
    loading = "Loading the ranking model…"
    stream.write(loading + (" " if stream.isatty() else "\n"))
    stream.flush()
    await taste.embed_text("paperbot")  # the first encode loads the model
    loaded = f"loaded in {time.perf_counter() - started:.1f} s"
    stream.write((loaded if stream.isatty() else f"Ranking model {loaded}.") + "\n")
    stream.flush()
    progress = EmbeddingProgress(missing, stream)
    done = await taste.backfill(batch=BATCH, progress=progress.update)
    progress.close()
    stream.write(READY + "\n")
    stream.flush()
    return done
