"""The scheduling tests' own fixture: a migrated database URL (SQLite and this session's PostgreSQL),
for the crash and restart tests that open their own store connections."""
from __future__ import annotations

import pytest

from tests.harness.head_schema import HeadSchemas


@pytest.fixture
async def url(db_url: str, head_schemas: HeadSchemas) -> str:
    """``db_url``, at the newest migration since the test takes ``head_schemas``."""
    return db_url
