"""The Slack tests' fixtures: paperbot in HTTP and in Socket Mode against a fake Slack (tests.harness.running_slack)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness.running_slack import SlackHarness, running_slack


@pytest.fixture
async def http_slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http") as harness:
        yield harness


@pytest.fixture
async def socket_slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "socket") as harness:
        yield harness
