"""What paperbot writes on stderr: one line per event, JSON with ``--log-format json`` (and the
platform, channel and command of a handled command), no library chatter at the default level."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from bot.log_context import log_context
from paperbot.logs import JsonLines, formatter_for
from tests.harness.discord_fake import FakeDiscord
from tests.harness.paperbot_process import (
    PaperbotProcess,
    monitoring_section,
    quiet_run_config,
    running_paperbot,
    slack_http_section,
)
from tests.harness.running_slack import CHANNEL, MEMBER, command_payload, free_port, signed_headers
from tests.harness.slack_fake import TEAM, FakeSlack

CHATTER = ("alembic", "sqlalchemy", "aiosqlite", "discord.", "slack_bolt", "slack_sdk", "aiohttp.access")
VOICE = "voice will NOT be supported"


async def test_json_lines_name_the_platform_channel_and_command(tmp_path: Path) -> None:
    """Every line (ours and the libraries', at DEBUG) is one JSON object; the command's carry where it ran."""
    slack = FakeSlack()
    await slack.start()
    slack_port, monitoring_port = free_port(), free_port()
    config = quiet_run_config(tmp_path) + slack_http_section(slack.base_url, slack_port) + monitoring_section(monitoring_port)
    try:
        async with running_paperbot(tmp_path, config, "--log-format", "json", "--log-level", "DEBUG",
                                    monitoring_port=monitoring_port) as bot:
            await bot.until(lambda: _ready(bot), "/readyz 200")
            body = urlencode(command_payload("help", response_url=slack.response_url("r1"), user=MEMBER, team=TEAM,
                                             channel=CHANNEL))
            headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
            async with aiohttp.ClientSession() as session:
                async with session.post(f"http://127.0.0.1:{slack_port}/slack/events", data=body, headers=headers) as response:
                    assert response.status == 200
            await slack.wait_for(lambda: slack.responses, timeout=30)
            await bot.until(lambda: _logged(bot, "/papers help"), "the command's log line")
            assert await bot.stop() == 0, bot.log[-3000:]
    finally:
        await slack.stop()
    entries = [json.loads(line) for line in bot.lines if line.strip()]  # every line parses
    assert len(entries) > 20 and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert all(e["time"].endswith("Z") and "T" in e["time"] for e in entries)
    handled = [e for e in entries if e["message"].startswith("/papers help by")]
    assert handled and handled[0]["platform"] == "slack" and handled[0]["channel"] == CHANNEL
    assert handled[0]["command"] == "help" and handled[0]["logger"] == "bot.app"
    # outside any event, no context is invented
    started = next(e for e in entries if e["message"].startswith("paperbot is running"))
    assert not {"platform", "channel", "command"} & set(started)


def test_an_exception_is_one_exc_field_and_one_text_line() -> None:
    try:
        raise ValueError("broken\nacross lines")
    except ValueError:
        record = logging.LogRecord("paperbot.x", logging.ERROR, __file__, 1, "it failed: %s", ("why",), sys.exc_info())
    with log_context(platform="discord", channel="123", command="today"):
        line = JsonLines().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "it failed: why" and entry["level"] == "ERROR"
    assert (entry["platform"], entry["channel"], entry["command"]) == ("discord", "123", "today")
    assert entry["exc"].startswith("Traceback") and "ValueError: broken" in entry["exc"]
    text = formatter_for("text").format(record)
    assert "\n" not in text and "it failed: why" in text and "ValueError: broken" in text


def test_a_cli_command_prints_no_alembic_line(tmp_path: Path) -> None:
    """`paperbot db upgrade` on a new SQLite file, through the console script, at the default level."""
    config = tmp_path / "paperbot.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "scratch.sqlite3"}"\n')
    script = Path(sys.executable).with_name("paperbot")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    result = subprocess.run([str(script), "--config", str(config), "db", "upgrade"], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # a one-shot command logs warnings only: its output says what it did
    assert "migrated from empty to " in result.stdout and "latest schema" in result.stdout

    result = subprocess.run([str(script), "--config", str(config), "--log-level", "INFO", "db", "upgrade"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "is at the latest schema (" in result.stdout
    assert not [line for line in result.stderr.splitlines() if "alembic" in line or "Running upgrade" in line
                or "Context impl" in line]


def test_one_shot_commands_log_warnings_only_and_run_keeps_info() -> None:
    from bot.config import config_from_dict
    from paperbot.cli import log_level

    default, chosen = config_from_dict({}), config_from_dict({"logging": {"level": "INFO"}})
    assert [log_level(command, None, default) for command in ("digest", "fetch", "embed", "db", "demo")] == ["WARNING"] * 5
    assert log_level("run", None, default) == "INFO"  # its start lines (docs/operations.md) stay
    assert log_level("digest", None, chosen) == "INFO" and log_level("digest", "DEBUG", default) == "DEBUG"


def test_embed_with_nothing_to_embed_prints_no_empty_progress_bar(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")} | {"XDG_DATA_HOME": str(tmp_path)}
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    result = subprocess.run([sys.executable, "-m", "paperbot", "embed", "--db", url], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # was "0paper [00:00, ?paper/s]" twice and an INFO line
    assert result.stdout.startswith("Embedded 0 papers; 0 stored vectors for ")


async def test_discord_run_logs_no_voice_warning_and_no_gateway_chatter(tmp_path: Path) -> None:
    """discord.py warns that PyNaCl (and davey) are missing when a client is made: meaningless for this
    bot, dropped. Its INFO lines (gateway connected, shard …) stay below the default level."""
    discord = FakeDiscord()
    await discord.start()
    monitoring_port = free_port()
    config = quiet_run_config(tmp_path) + f"""
[discord]
token = "fake-token"
api_base_url = "{discord.base_url}"
gateway_url = "{discord.gateway_url}"
guild_ready_timeout = 0.2
""" + monitoring_section(monitoring_port)
    try:
        async with running_paperbot(tmp_path, config, monitoring_port=monitoring_port) as bot:
            status, report = await bot.until(lambda: _ready(bot), "/readyz 200 (Discord connected)")
            assert report["parts"]["discord"] == "connected"
            await asyncio.sleep(0.5)
            assert await bot.stop() == 0, bot.log[-3000:]
    finally:
        await discord.stop()
    assert VOICE not in bot.log and "PyNaCl" not in bot.log and "davey" not in bot.log, bot.log
    chatter = [line for line in bot.lines if any(f" {name}" in line for name in CHATTER)]
    assert chatter == [], chatter
    assert all(line[:2].isdigit() for line in bot.lines), bot.log  # one line per event: no continuation lines


async def _ready(bot: PaperbotProcess) -> tuple[int, dict[str, object]] | None:
    status, body = await bot.get_json("/readyz")
    return (status, body) if status == 200 else None


async def _logged(bot: PaperbotProcess, text: str) -> bool:
    return text in bot.log
