"""Use cases run against the real store on a real SQLite file, loaded with the bundled real sample.

These fixtures are this folder's own; the shared values (``NOW``, ``CHANNEL``…) are in
``tests.harness.sample``.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.domain import Requester
from bot.usecases.ingest import store_papers
from storage.store import SqlStore
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import CHANNEL, NOW
from tests.harness.sample import sample_papers as bundled_sample_papers


@pytest.fixture
async def store(tmp_path: Path, head_schemas: HeadSchemas) -> AsyncIterator[SqlStore]:
    url = await head_schemas.sqlite(tmp_path / "paperbot.sqlite3")  # a copy of the session's migrated file
    store = SqlStore.connect(url)
    yield store
    await store.close()


@pytest.fixture
def sample_papers():
    return bundled_sample_papers()


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
