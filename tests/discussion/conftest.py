"""The discussion-thread fixtures of test_threads.py and test_threads_commands.py: a real SQLite
file with the bundled sample, a recording answer engine, and a PaperBot on both."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import PaperBot
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.answer_engines import RecordingEngine
from tests.harness.databases import sqlite_url
from tests.harness.embedders import HashEmbedder
from tests.harness.sample import NOW, load_sample


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    url = sqlite_url(tmp_path / "threads.sqlite3")
    await upgrade(url)
    store = SqlStore.connect(url)
    await load_sample(store)
    yield store
    await store.close()


@pytest.fixture
def engine() -> RecordingEngine:
    return RecordingEngine()


@pytest.fixture
def bot(store: SqlStore, engine: RecordingEngine) -> PaperBot:
    return PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder(), discussion=engine)  # type: ignore[arg-type]
