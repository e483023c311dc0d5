"""The Discord tests' fixtures: a fake Discord, and paperbot running against it (tests.harness.running_discord)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness.discord_fake import GUILD_ID, FakeDiscord
from tests.harness.running_discord import Running, fake_discord, start_running


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with fake_discord() as server:
        yield server


@pytest.fixture
async def running(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, dev_guild_id=int(GUILD_ID)) as started:
        yield started
