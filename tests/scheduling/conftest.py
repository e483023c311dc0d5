"""The scheduling tests' own fixture: a migrated database URL (SQLite and this session's PostgreSQL),
for the crash and restart tests that open their own store connections."""
from __future__ import annotations

import pytest

from storage.migrate import upgrade


@pytest.fixture
async def url(db_url: str) -> str:
    await upgrade(db_url)
    return db_url
