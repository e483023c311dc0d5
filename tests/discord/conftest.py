"""A running paperbot on Discord, built by the same composition root as `paperbot run`,
talking to a fake Discord on 127.0.0.1 through the real discord.py."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest

from bot.app import PaperBot
from bot.config import Config, config_from_dict
from bot.sources.sample import SampleSource
from bot.usecases.ingest import store_papers
from paperbot.compose import build_bot, bundled_sample, database_url, open_store
from paperbot.discord_runner import DiscordRunner, start_discord
from tests.harness.discord_fake import GUILD_ID, FakeDiscord


@dataclass
class Running:
    fake: FakeDiscord
    bot: PaperBot
    runner: DiscordRunner
    config: Config


async def eventually(check: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until ``check()`` (sync or async) is truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield server
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
    await server.stop()


def discord_config(fake: FakeDiscord, tmp_path: Path, *, threads: str = "never", **discord_keys) -> Config:
    """``threads``: the default thread mode (the issue-5 tests count messages: no threads there)."""
    return config_from_dict(
        {
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'paperbot.sqlite3'}"},
            "discord": {"token": "fake-token", "api_base_url": fake.base_url, "gateway_url": fake.gateway_url,
                        "guild_ready_timeout": 0.2, **discord_keys},
            "discussion": {"threads": threads},
            "answers": {"fulltext": False},  # no network: answers come from the abstract
        },
        environ={},
    )


@asynccontextmanager
async def start_running(fake: FakeDiscord, tmp_path: Path, *, threads: str = "never", embedder: object = True,
                        **discord_keys) -> AsyncIterator[Running]:
    """The Discord runner as `paperbot run` starts it, on a tmp SQLite store loaded with the sample.

    ``embedder``: True → the configured model (loaded lazily), or an Embedder instance.
    """
    config = discord_config(fake, tmp_path, threads=threads, **discord_keys)
    async with open_store(database_url(config)) as store:
        await store_papers(store, SampleSource(bundled_sample()).all_papers())
        bot = build_bot(config, store, embedder=embedder)  # type: ignore[arg-type]
        runner, task = start_discord(config, bot)
        try:
            await asyncio.wait_for(runner.wait_ready(), 10)
            yield Running(fake, bot, runner, config)
        finally:
            await runner.close()
            try:
                await asyncio.wait_for(task, 5)
            except (asyncio.CancelledError, asyncio.TimeoutError):
                task.cancel()
            assert task.cancelled() or not task.done() or task.exception() is None, task.exception()
            await bot.close()


@pytest.fixture
async def running(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, dev_guild_id=int(GUILD_ID)) as started:
        yield started
