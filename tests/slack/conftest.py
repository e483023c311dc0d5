"""The Slack tests' fixtures: paperbot in HTTP and in Socket Mode against a fake Slack (tests.harness.running_slack)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import SlackHarness, running_slack


@pytest.fixture
async def http_slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http") as harness:
        yield harness


@pytest.fixture
async def socket_slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "socket") as harness:
        yield harness


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    """Over HTTP with the hash embedder (no model to load): for tests of acks, clicks and writes."""
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as harness:
        yield harness


@pytest.fixture
async def socket(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    """In Socket Mode with the hash embedder."""
    async with running_slack(tmp_path, "socket", embedder=HashEmbedder()) as harness:
        yield harness
