"""A Discord connection that discord.py gives up on (a gateway close it does not resume, such as
4012) ends the runner with an error, and ``paperbot run``'s supervisor starts it again: the second
start must log in and connect for real. A closed discord.py client returns from ``start`` at once
without connecting, which left the bot silently off Discord until a restart of the process."""
from __future__ import annotations

import asyncio
import importlib
from pathlib import Path

import pytest

from bot.domain import ChannelRef
from paperbot.compose import build_bot, database_url, open_store
from paperbot.discord_runner import DiscordRunner
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.harness.running_discord import discord_config
from tests.harness.tally import FAULTS
from tests.harness.transport_calls import send_text
from tests.harness.waiting import eventually

run_module = importlib.import_module("paperbot.commands.run")
CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)


@pytest.mark.faults
async def test_a_connection_discord_py_gives_up_on_is_started_again_and_serves(fake: FakeDiscord, tmp_path: Path,
                                                                               caplog) -> None:
    fake.close_after_identify = [4012]  # the first session is closed for good, the second is not
    config = discord_config(fake, tmp_path, sync_commands=False)
    async with open_store(database_url(config)) as store:
        bot = build_bot(config, store)
        runner = DiscordRunner(config, bot)
        task = asyncio.create_task(run_module.supervise("discord", runner.run, pauses=(0.05,)))
        try:
            await eventually(lambda: len(fake.identifies) == 2, timeout=10)
            await asyncio.wait_for(runner.wait_ready(), 10)
            assert await runner.connected()
            message_id = await asyncio.wait_for(send_text(runner.platform, CHANNEL, "still here"), 10)
            assert fake.messages[message_id]["content"] == "still here"
            assert "discord stopped unexpectedly" in caplog.text
            assert not task.done()
        finally:
            await runner.close()  # a stop that was asked for ends the supervised part
            await asyncio.wait_for(task, 5)
            await bot.close()
    FAULTS.injected()


async def test_a_runner_closed_on_purpose_is_not_started_again(fake: FakeDiscord, tmp_path: Path) -> None:
    config = discord_config(fake, tmp_path, sync_commands=False)
    async with open_store(database_url(config)) as store:
        bot = build_bot(config, store)
        runner = DiscordRunner(config, bot)
        task = asyncio.create_task(run_module.supervise("discord", runner.run, pauses=(0.05,)))
        await asyncio.wait_for(runner.wait_ready(), 10)
        await runner.close()
        await asyncio.wait_for(task, 5)
        assert len(fake.identifies) == 1 and task.exception() is None
        await bot.close()
