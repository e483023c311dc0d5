"""Discord's copy of `/papers` and the bot's, kept in step without ever stopping the bot.

- The start-up sync runs in the background: a 5xx or a 429 without ``Via`` is logged in one line and
  tried again, and the bot serves meanwhile; a 401 still stops with the ConfigError naming the token.
- An interaction the tree cannot dispatch (a subcommand the bot no longer has, an option the command
  lacks or of another type, a required option missing, an autocomplete for an unknown subcommand) is
  answered within Discord's 3 s with a pointer to /papers help, and the commands are synced again.

The real discord.py against the fake Discord, built as `paperbot run` builds it.
"""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.errors import ConfigError
from paperbot import platforms
from paperbot.compose import build_bot, database_url, open_store
from tests.harness.discord_fake import APP_ID, GUILD_ID, FakeDiscord, Interaction, Recorded
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, discord_config, start_running
from tests.harness.tally import FAULTS
from tests.harness.waiting import eventually

GUILD_SYNC = rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"


def syncs(fake: FakeDiscord) -> list[Recorded]:
    return fake.find("PUT", "/commands")


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text]


@pytest.mark.faults
@pytest.mark.parametrize("status, headers", [(503, {}), (429, {"Retry-After": "0.3"})],
                         ids=["503", "429-without-via"])
async def test_a_failed_command_sync_is_retried_in_the_background_while_the_bot_serves(
        fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture, status: int,
        headers: dict[str, str]) -> None:
    caplog.set_level(logging.INFO)
    # (a 500, 502, 504 discord.py tries 5 times itself, over 25 s, before it raises: the same path then)
    fake.fail_next("PUT", GUILD_SYNC, status, headers=headers)
    FAULTS.injected()
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), dev_guild_id=int(GUILD_ID)) as running:
        it = await fake.slash("help")  # serving while the sync waits for its retry
        await eventually(lambda: fake.webhook_calls(it.token))
        await eventually(lambda: running.runner.client.command_sync.syncs == 1)
        assert fake.commands[(GUILD_ID, "papers")]
        assert not running.runner.client.is_closed()
    failures = [r.getMessage() for r in caplog.records if "command sync failed" in r.getMessage()]
    assert len(failures) == 1 and str(status) in failures[0] and "\n" not in failures[0]
    assert tracebacks(caplog) == []


@pytest.mark.faults
async def test_a_401_on_the_command_sync_still_stops_with_the_token_config_error(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.fail_next("PUT", GUILD_SYNC, 401, body={"message": "401: Unauthorized", "code": 0})
    FAULTS.injected()
    config = discord_config(fake, tmp_path, dev_guild_id=int(GUILD_ID))
    async with open_store(database_url(config)) as store:
        bot = build_bot(config, store, embedder=HashEmbedder())
        [task] = platforms.start_all(config, bot)
        with pytest.raises(ConfigError, match=r"rejected \[discord\] token"):
            await asyncio.wait_for(task, 10)
        await bot.close()


def _assert_out_of_date(it: Interaction) -> None:
    [callback] = it.responses
    assert callback.body["type"] == 4 and callback.body["data"]["flags"] & 64, callback.body  # ephemeral, at once
    assert "out of date" in callback.body["data"]["content"] and "/papers help" in callback.body["data"]["content"]
    assert callback.at - it.created < 3.0


@pytest.mark.parametrize("subcommand, options", [
    ("retired", []),  # removed in a newer version
    ("today", [{"name": "colour", "type": 3, "value": "red"}]),  # an option the command lacks
    ("today", [{"name": "count", "type": 3, "value": "ten"}]),  # an option of another type
    ("paper", []),  # a required option missing
], ids=["unknown-subcommand", "unknown-option", "retyped-option", "missing-required"])
async def test_an_interaction_the_tree_cannot_dispatch_is_answered_and_the_commands_resynced(
        running: Running, caplog: pytest.LogCaptureFixture, subcommand: str, options: list[dict[str, Any]]) -> None:
    fake = running.fake
    assert len(syncs(fake)) == 1  # the start-up sync
    it = await fake.slash(subcommand, options)
    await eventually(lambda: it.responses)
    _assert_out_of_date(it)
    await eventually(lambda: len(syncs(fake)) == 2)  # synced again, in the background
    assert fake.webhook_calls(it.token) == [] and tracebacks(caplog) == []

    it = await fake.slash("help")  # the bot carries on
    await eventually(lambda: fake.webhook_calls(it.token))


async def test_an_autocomplete_for_an_unknown_subcommand_gets_no_choices_not_silence(
        running: Running, caplog: pytest.LogCaptureFixture) -> None:
    fake = running.fake
    it = await fake.slash("retired", [{"name": "count", "type": 4, "value": "1"}], focused="count")
    await eventually(lambda: it.responses)
    [callback] = it.responses
    assert callback.body == {"type": 8, "data": {"choices": []}}
    assert tracebacks(caplog) == []


async def test_resyncs_after_out_of_date_interactions_are_at_most_one_a_minute(running: Running) -> None:
    fake = running.fake
    for _ in range(3):
        it = await fake.slash("retired")
        await eventually(lambda: it.responses)
        _assert_out_of_date(it)
    await eventually(lambda: len(syncs(fake)) == 2)
    await asyncio.sleep(0.2)
    assert len(syncs(fake)) == 2
