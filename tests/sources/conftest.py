"""The source tests' fixtures: the local fake paper server, and a sleep that records."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.harness.clocks import RecordingSleep
from tests.harness.paper_server import PaperServer


@pytest.fixture
async def server() -> AsyncIterator[PaperServer]:
    async with PaperServer() as running:
        yield running


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()
