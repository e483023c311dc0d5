"""A running paperbot on Discord, built by the same composition root as `paperbot run`,
talking to a fake Discord on 127.0.0.1 through the real discord.py."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot.app import PaperBot
from bot.config import Config, config_from_dict
from bot.domain import ChannelRef, Paper
from paperbot.compose import build_bot, database_url, open_spool, open_store
from paperbot.discord_runner import DiscordRunner, start_discord
from tests.harness.databases import sqlite_url
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.harness.head_schema import process_head_schemas
from tests.harness.sample import load_sample
from tests.harness.waiting import eventually


@dataclass
class Running:
    fake: FakeDiscord
    bot: PaperBot
    runner: DiscordRunner
    config: Config


@asynccontextmanager
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord; discord.py's REST base and gateway URL (which the runner points at
    the fake) are put back afterwards. Whatever the test did, no message the bot sent may have
    unfurled a link (:meth:`FakeDiscord.link_previews`): a test that passes fails on one."""
    server = FakeDiscord()
    await server.start()
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield server
        assert not server.link_previews(), f"Discord would have unfurled: {server.link_previews()}"
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
        await server.stop()


def discord_config(fake: FakeDiscord, tmp_path: Path, *, threads: str = "never", **discord_keys: Any) -> Config:
    """``threads``: the default thread mode (the issue-5 tests count messages: no threads there)."""
    return config_from_dict(
        {
            "database": {"url": sqlite_url(tmp_path / "paperbot.sqlite3")},
            "discord": {"token": "fake-token", "api_base_url": fake.base_url, "gateway_url": fake.gateway_url,
                        "guild_ready_timeout": 0.2, **discord_keys},
            "discussion": {"threads": threads},
            "answers": {"fulltext": False},  # no network: answers come from the abstract
        },
        environ={},
    )


@asynccontextmanager
async def start_running(fake: FakeDiscord, tmp_path: Path, *, threads: str = "never", embedder: object = True,
                        **discord_keys: Any) -> AsyncIterator[Running]:
    """The Discord runner as `paperbot run` starts it, on a tmp SQLite store loaded with the sample
    (and its spool of kept events beside it: a second start on ``tmp_path`` replays what it holds);
    a first start's file is a copy of the session's migrated one, which the start's ``upgrade`` finds at head.

    ``embedder``: True → the configured model (loaded lazily), or an Embedder instance.
    """
    config = discord_config(fake, tmp_path, threads=threads, **discord_keys)
    database = tmp_path / "paperbot.sqlite3"
    if not database.exists():  # a first start: on a copy of the migrated file (a restart opens what it left)
        await process_head_schemas().sqlite(database)
    async with open_store(database_url(config)) as store:
        await load_sample(store)
        bot = build_bot(config, store, embedder=embedder,  # type: ignore[arg-type]
                        spool=open_spool(config, database_url(config)))
        runner, task = start_discord(config, bot)
        try:
            await asyncio.wait_for(runner.wait_ready(), 10)
            yield Running(fake, bot, runner, config)
        finally:
            await runner.close()
            try:
                await asyncio.wait_for(task, 5)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            assert task.cancelled() or not task.done() or task.exception() is None, task.exception()
            await bot.close()


async def post_paper(running: Running, paper: Paper) -> str:
    """`/papers today` with ``paper`` as today's only paper, in the fake's channel; the id of its
    message, once the core has recorded it."""
    await running.bot.store.upsert_papers([paper])
    it = await running.fake.slash("today", [{"name": "count", "type": 4, "value": 1}])
    await eventually(lambda: running.fake.find("PATCH", it.token))
    message_id = next(m for m, body in running.fake.messages.items() if body["embeds"])
    await eventually(lambda: running.bot.store.posts_for_message(ChannelRef("discord", GUILD_ID, CHANNEL_ID), message_id))
    return message_id
