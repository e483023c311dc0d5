"""`paperbot run` as systemd or docker stop it: SIGTERM stops it cleanly — exit 0, "paperbot
stopped" in the log, no unclosed HTTP session, no traceback; Ctrl-C (SIGINT) the same, with the
shell's 130. A real process, Slack in HTTP mode
against the fake Slack, paper sources at a closed port, no embedding model."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from tests.harness.paperbot_process import monitoring_section, quiet_run_config, slack_http_section
from tests.harness.running_slack import command_payload, free_port, signed_headers
from tests.harness.slack_fake import FakeSlack


async def wait_for_port(port: int, process: asyncio.subprocess.Process, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            assert process.returncode is None, "paperbot run exited before listening"
            assert time.monotonic() < deadline, "paperbot run did not start listening"
            await asyncio.sleep(0.2)


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGTERM, 0), (signal.SIGINT, 130)], ids=["SIGTERM", "Ctrl-C"])
async def test_a_signal_stops_paperbot_run_cleanly(tmp_path: Path, stop: signal.Signals, code: int) -> None:
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    config = tmp_path / "paperbot.toml"
    config.write_text(quiet_run_config(tmp_path) + slack_http_section(fake.base_url, port) + monitoring_section(free_port()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "paperbot", "--config", str(config), "--log-level", "INFO", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL)
    try:
        await wait_for_port(port, process)
        body = urlencode(command_payload("help", response_url=fake.response_url("r1"), user="U1", team="T1", channel="C1"))
        headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
        async with aiohttp.ClientSession() as session:
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
        await fake.wait_for(lambda: fake.responses)  # the bot answered through its HTTP session
        process.send_signal(stop)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await fake.stop()
    log = err.decode()
    assert process.returncode == code, log[-3000:]
    assert "paperbot stopped" in log and "Traceback" not in log
    assert stop != signal.SIGTERM or "SIGTERM: stopping" in log
    assert "Unclosed" not in log and "Traceback" not in log, log[-3000:]


async def test_a_config_error_of_a_platform_at_start_closes_every_http_session(tmp_path: Path) -> None:
    """A bot token without an app token (Socket Mode) ends the run with its words, and the fetch and the
    bot's HTTP sessions are closed first: the log once ended with "Unclosed client session"."""
    config = tmp_path / "paperbot.toml"
    config.write_text(quiet_run_config(tmp_path) + "[monitoring]\nenabled = false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")} | {"PAPERBOT_SLACK_BOT_TOKEN": "xoxb-1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "paperbot", "--config", str(config), "--log-level", "INFO", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL)
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    log = err.decode()
    assert process.returncode == 2 and "needs [slack] app_token" in log, log[-3000:]
    assert "Unclosed" not in log and "Traceback" not in log, log[-3000:]
