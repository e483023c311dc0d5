"""What goes back to Slack's response_url is one bounded message that repeats at most a short excerpt (issue 7).

A 45 kB command text was echoed back whole. The core's usage errors bound what they repeat; the
adapter bounds whatever it sends to the response_url (a long core reply, a long error message) to
one message of at most 3,000 characters, cut at a line or a word and never inside a link.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.limits import ELLIPSIS, MESSAGE_TEXT
from bot.app import PaperBot
from bot.errors import UsageError
from bot.replies import TextReply
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import running_slack

RESPONSE_LIMIT = 4000  # the whole JSON payload posted to the response_url


def longest_run(text: str, char: str) -> int:
    return max((len(m.group(0)) for m in re.finditer(re.escape(char) + "+", text)), default=0)


def assert_bounded(response: dict[str, Any]) -> None:
    assert set(response) == {"text", "response_type"}
    assert len(response["text"]) <= MESSAGE_TEXT and len(json.dumps(response, ensure_ascii=False)) <= RESPONSE_LIMIT


@pytest.mark.parametrize("mode", ["http", "socket"])
@pytest.mark.parametrize("command", ["frobnicate {}", "search {}", "paper {}", "ask 2511.00001 {}", "subscribe {}", "{}"])
async def test_a_45kb_command_is_answered_with_a_short_excerpt_at_most(tmp_path: Path, mode: str, command: str) -> None:
    async with running_slack(tmp_path, mode, embedder=HashEmbedder()) as h:
        text = command.format("Q" * 45_000)
        if mode == "http":
            assert (await h.command(text))[0] == 200
        else:
            await h.fake.send_envelope("slash_commands", h.command_payload(text), "env-big")
        await h.fake.wait_for(lambda: h.fake.responses)
        [response] = h.fake.responses
        assert_bounded(response)
        assert response["response_type"] == "ephemeral" and longest_run(response["text"], "Q") <= 100


async def test_a_long_core_reply_is_one_bounded_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    link = "https://arxiv.org/abs/2511.00001"

    async def long_reply(self: PaperBot, *args: Any, **kwargs: Any) -> TextReply:
        return TextReply("\n".join(f"{n}. a line with a link {link} and <!channel>" for n in range(2000)))

    monkeypatch.setattr(PaperBot, "handle", long_reply)
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        await h.command("help")
        await h.fake.wait_for(lambda: h.fake.responses)
        [response] = h.fake.responses
        assert_bounded(response)
        text = response["text"]
        assert text.endswith(ELLIPSIS) and "<!channel>" not in text
        assert text.count("<") == text.count(">") == text.count(f"<{link}>")  # every link whole


async def test_a_long_error_message_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: PaperBot, text: str) -> Any:
        raise UsageError(f"'{text}' is not a command " * 50)

    monkeypatch.setattr(PaperBot, "parse", refuse)
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        await h.command("Z" * 3000)
        await h.fake.wait_for(lambda: h.fake.responses)
        [response] = h.fake.responses
        assert_bounded(response)
        assert response["response_type"] == "ephemeral"
