"""A Slack token Slack refuses stops the start with a ConfigError naming the key and the fix (issue 5).

Socket Mode used to retry ``apps.connections.open`` forever without naming slack.app_token, and
HTTP mode never checked the bot token, so every slash command went unanswered. Now ``auth.test``
(both modes) and ``apps.connections.open`` (Socket Mode) are checked at start; Slack not
answering (503, connection refused) is tried a few times, then reported in one line.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.slack.startup import SlackUnreachableError
from bot.errors import ConfigError
from tests.harness.running_slack import free_port, running_slack
from tests.harness.slack_fake import FakeSlack
from tests.harness.tally import FAULTS

FAST = {"start_delays": (0.01, 0.02, 0.04)}
Answer = tuple[int, dict[str, str], dict[str, Any] | str]
REFUSED: Answer = (200, {}, {"ok": False, "error": "invalid_auth"})
DOWN: Answer = (503, {}, {"ok": False, "error": "service_unavailable"})


def failing(method: str, *answers: Answer) -> Callable[[FakeSlack], None]:
    def prepare(fake: FakeSlack) -> None:
        fake.failures[method] = list(answers)
    return prepare


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage()[:100] for r in caplog.records if r.exc_info] == []


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_a_refused_bot_token_names_slack_bot_token_and_the_fix(tmp_path: Path, mode: str,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ConfigError) as info:
        async with running_slack(tmp_path, mode, before_start=failing("auth.test", REFUSED), runner_options=FAST):
            pass
    message = str(info.value)
    assert "[slack] bot_token" in message and "invalid_auth" in message
    assert "xoxb-" in message and "api.slack.com/apps" in message and "OAuth & Permissions" in message
    assert "xoxb-test" not in message  # the token itself is never shown
    assert "\n" not in message
    no_traceback(caplog)


async def test_a_token_of_the_wrong_kind_is_said_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not start with xoxb-"):
        async with running_slack(tmp_path, "http", slack={"bot_token": SecretStr("xapp-1-oops")},
                                 before_start=failing("auth.test", (200, {}, {"ok": False, "error": "not_allowed_token_type"})),
                                 runner_options=FAST):
            pass


async def test_a_refused_app_token_names_slack_app_token_and_the_fix(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    started = time.monotonic()
    with pytest.raises(ConfigError) as info:
        async with running_slack(tmp_path, "socket", before_start=failing("apps.connections.open", REFUSED), runner_options=FAST):
            pass
    message = str(info.value)
    assert "[slack] app_token" in message and "xapp-" in message and "connections:write" in message
    assert "App-Level Tokens" in message and "Socket Mode" in message and "xapp-test" not in message
    assert time.monotonic() - started < 5  # no endless retry loop
    no_traceback(caplog)


@pytest.mark.faults
@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_slack_down_for_a_moment_at_start_is_retried(tmp_path: Path, mode: str) -> None:
    FAULTS.injected(2)
    async with running_slack(tmp_path, mode, before_start=failing("auth.test", DOWN, DOWN), runner_options=FAST) as h:
        assert len(h.fake.calls_to("auth.test", ok_only=False)) >= 3
        if mode == "http":
            assert (await h.command("help"))[0] == 200  # it is listening


@pytest.mark.faults
async def test_slack_down_at_start_is_reported_in_one_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    FAULTS.injected(4)
    with caplog.at_level(logging.INFO), pytest.raises(SlackUnreachableError) as info:
        async with running_slack(tmp_path, "socket", before_start=failing("auth.test", *[DOWN] * 4), runner_options=FAST):
            pass
    message = str(info.value)
    assert "auth.test" in message and "4 tries" in message and "\n" not in message
    no_traceback(caplog)


@pytest.mark.faults
async def test_slack_unreachable_at_start_is_reported_in_one_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    FAULTS.injected(4)
    closed = f"http://127.0.0.1:{free_port()}/api/"
    with caplog.at_level(logging.INFO), pytest.raises(SlackUnreachableError, match=r"\[slack\] base_url"):
        async with running_slack(tmp_path, "http", slack={"base_url": closed}, runner_options=FAST):
            pass
    no_traceback(caplog)


@pytest.mark.faults
async def test_a_socket_mode_connection_that_never_opens_stops_the_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """apps.connections.open answers, but with a WebSocket URL nobody listens on."""
    FAULTS.injected(1)
    dead = {"ok": True, "url": f"ws://127.0.0.1:{free_port()}/link"}
    with caplog.at_level(logging.INFO), pytest.raises(SlackUnreachableError, match="Socket Mode connection"):
        async with running_slack(tmp_path, "socket", before_start=failing("apps.connections.open", (200, {}, dead)),
                                 runner_options={**FAST, "connect_timeout": 1.0}):
            pass
    no_traceback(caplog)
