"""A PaperBot on a fresh SQLite file with the bundled sample, every paper embedded: the set-up of the
tests that rank with the real model (``real_embedder``) and check what the ranking says."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import PaperBot
from bot.ports import Embedder
from storage.store import SqlStore
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import NOW, load_sample


@asynccontextmanager
async def sample_bot(head_schemas: HeadSchemas, database: Path, embedder: Embedder) -> AsyncIterator[PaperBot]:
    """The bot at the sample's ``NOW`` on a copy of the session's migrated file at ``database``; its
    store closes on the way out."""
    url = await head_schemas.sqlite(database)
    store = SqlStore.connect(url)
    try:
        await load_sample(store)
        bot = PaperBot(store, clock=lambda: NOW, embedder=embedder)
        await bot.taste.backfill()
        yield bot
    finally:
        await store.close()
