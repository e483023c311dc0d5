"""Use cases run against the real store on a real SQLite file, loaded with the bundled real sample."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.domain import ChannelRef, Requester
from bot.sources.sample import SampleSource
from bot.usecases.ingest import store_papers
from paperbot.compose import bundled_sample
from storage.migrate import upgrade
from storage.store import SqlStore

NOW = datetime(2025, 11, 9, 12, 0, tzinfo=timezone.utc)  # a Sunday after the sample's last day
CHANNEL = ChannelRef("slack", "T1", "C1")
OTHER_CHANNEL = ChannelRef("slack", "T1", "C2")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'paperbot.sqlite3'}"
    await upgrade(url)
    store = SqlStore.connect(url)
    yield store
    await store.close()


@pytest.fixture
def sample_papers():
    return SampleSource(bundled_sample()).all_papers()


@pytest.fixture
async def bot(store: SqlStore, sample_papers) -> PaperBot:
    await store_papers(store, sample_papers)
    return PaperBot(store, clock=lambda: NOW)


@pytest.fixture
def manager() -> Requester:
    return Requester(CHANNEL, "U-admin", can_manage_channel=True)


@pytest.fixture
def member() -> Requester:
    return Requester(CHANNEL, "U-member", can_manage_channel=False)
