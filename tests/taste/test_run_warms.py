"""`paperbot run` starts loading the embedding model at once, in the background: the other parts
start meanwhile, commands meanwhile say "warming up", and the bot is warm once it has loaded.
In process: the real run loop (fetch, scheduler, supervision) with the model replaced by one that
loads when the test says, and no chat platform; /readyz says "loading" until it is warm."""
from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import aiohttp
import pytest

from bot.app import PaperBot
from bot.config import config_from_dict
from bot.domain import ChannelRef, Requester
from bot.errors import ModelWarmingUpError
from paperbot import compose
from storage.migrate import upgrade
from tests.harness.databases import sqlite_url
from tests.harness.embedders import SlowEmbedder
from tests.harness.running_slack import free_port

run_module = importlib.import_module("paperbot.commands.run")  # the module (the package exports its run())


async def test_paperbot_run_warms_the_model_at_start(tmp_path: Path, monkeypatch, caplog) -> None:
    url = sqlite_url(tmp_path / "run.sqlite3")
    await upgrade(url)
    port = free_port()
    config = config_from_dict({"database": {"url": url}, "monitoring": {"port": port},
                               "sources": {"huggingface": {"enabled": False}, "arxiv": {"enabled": False}}}, environ={})
    slow = SlowEmbedder()
    built: list[PaperBot] = []

    def build_bot(config, store, **kwargs) -> PaperBot:  # the configured bot, with the slow model
        bot = compose.build_bot(config, store, embedder=slow, **kwargs)
        built.append(bot)
        return bot

    monkeypatch.setattr(run_module, "build_bot", build_bot)
    caplog.set_level("INFO")
    running = asyncio.create_task(run_module._run(config, url))
    try:
        await asyncio.wait_for(slow.warm_started.wait(), 10)  # started without any command asking for it
        bot = built[0]
        assert bot.taste is not None and bot.taste.warming_up and not bot.taste.model_ready
        with pytest.raises(ModelWarmingUpError):
            await bot.handle(Requester(ChannelRef("console", "local", "c"), "u"), "/papers search diffusion")
        assert not running.done()  # the run goes on while the model loads
        assert await _readyz(port) == (503, "loading")
        slow.release.set()
        for _ in range(100):
            if bot.taste.model_ready:
                break
            await asyncio.sleep(0.02)
        assert bot.taste.model_ready and not bot.taste.warming_up
        assert await _readyz(port) == (200, "warm")
        assert "model warm-up" in caplog.text  # named among the running parts
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert "warm after" in caplog.text


async def _readyz(port: int) -> tuple[int, str]:
    """/readyz's status and what it says of the embedding model."""
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/readyz") as answer:
        return answer.status, (await answer.json())["parts"]["embedding model"]
