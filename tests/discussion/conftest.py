"""The discussion-thread fixtures of test_threads.py and test_threads_commands.py: a real SQLite
file with the bundled sample, a recording answer engine, and a PaperBot on both."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import PaperBot
from storage.store import SqlStore
from tests.harness.answer_engines import RecordingEngine
from tests.harness.embedders import HashEmbedder
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import NOW, load_sample


@pytest.fixture
async def store(tmp_path: Path, head_schemas: HeadSchemas) -> AsyncIterator[SqlStore]:
    url = await head_schemas.sqlite(tmp_path / "threads.sqlite3")  # a copy of the session's migrated file
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
