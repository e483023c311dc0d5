"""HTTP mode refuses bad requests with 401/400/413 and one short log line, never a 500 and a traceback (issue 6).

Unsigned requests with a timestamp of ``abc``, ``''``, ``1e3`` or 5,000 digits used to get a 500
and a logged traceback each (log flooding), as did signed bodies that are not JSON or not a form.
Oversized bodies are refused from their Content-Length before they are read. And a slash command
whose text contains "payload" reaches the bot (bolt's own parser dropped it).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.slack.http_guard import MAX_BODY
from tests.harness.running_slack import SlackHarness, reaction_event

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def problems_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What one refused request must not log: a traceback, an error, more than one short line."""
    found = [f"traceback from {r.name}: {r.getMessage()[:80]}" for r in caplog.records if r.exc_info]
    found += [f"error from {r.name}: {r.getMessage()[:80]}" for r in caplog.records if r.levelno >= logging.ERROR]
    lines = [r for r in caplog.records if r.levelno >= logging.INFO]
    if len(lines) > 1 or any(len(r.getMessage()) > 160 or "\n" in r.getMessage() for r in lines):
        found.append(f"{len(lines)} lines logged: {[r.getMessage()[:80] for r in lines]}")
    caplog.clear()
    return found


async def post_raw(h: SlackHarness, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session, session.post(h.events_url, data=body, headers=headers) as response:
        await response.read()
        return response.status


def unsigned(timestamp: str, signature: str = "v0=" + "0" * 64) -> dict[str, str]:
    return {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


@pytest.mark.parametrize("timestamp", ["abc", "", "1e3", "9" * 5000, " 1700000000", "-5", "1.5", "١٢٣"])
async def test_a_malformed_timestamp_is_401_without_a_traceback(http_slack: SlackHarness, caplog: pytest.LogCaptureFixture,
                                                                timestamp: str) -> None:
    body = http_slack.command_form("today")
    with caplog.at_level(logging.INFO):
        assert await post_raw(http_slack, body.encode(), unsigned(timestamp)) == 401
    assert problems_in(caplog) == []


@pytest.mark.parametrize("signature", ["", "v0=", "v1=" + "0" * 64, "v0=" + "z" * 64, "v0=" + "0" * 5000])
async def test_a_missing_or_malformed_signature_is_401(http_slack: SlackHarness, caplog: pytest.LogCaptureFixture,
                                                       signature: str) -> None:
    with caplog.at_level(logging.INFO):
        assert await post_raw(http_slack, b"command=%2Fpapers", unsigned(str(int(time.time())), signature)) == 401
    assert problems_in(caplog) == []


async def test_replayed_tampered_and_forged_requests_are_401(http_slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    body = http_slack.command_form("today")
    replayed = http_slack.signed(body, content_type=FORM, timestamp=int(time.time()) - 301)
    future = http_slack.signed(body, content_type=FORM, timestamp=int(time.time()) + 400)
    tampered = http_slack.signed(body, content_type=FORM)
    forged = http_slack.signed(body, content_type=FORM, secret="guessed")
    with caplog.at_level(logging.INFO):
        for raw, headers in ((body, replayed), (body, future), (body.replace("today", "subscribe"), tampered), (body, forged)):
            assert await post_raw(http_slack, raw.encode(), headers) == 401
            assert problems_in(caplog) == []
    assert http_slack.fake.calls_to("chat.postMessage") == [] and http_slack.fake.responses == []


MALFORMED_SIGNED = [
    (JSON, "{not json"), (JSON, "[]"), (JSON, '"a string"'), (JSON, "{}"), (JSON, '{"type": 5}'),
    (JSON, '{"type": "event_callback", "event_id": "Ev1"}'),  # no event
    (JSON, '{"type": "event_callback", "event_id": "Ev1", "event": {"type": "reaction_added", "user": {"id": 1}}}'),
    (JSON, '{"type": "event_callback", "event": {"type": "message"}}'),  # no event_id
    (JSON, '{"type": "url_verification"}'),  # no challenge
    (JSON, "{" * 100_000),  # deep nesting
    (FORM, "a&b&c"), (FORM, "text=hello"), (FORM, ""), (FORM, "command=papers&team_id=T&channel_id=C&user_id=U&response_url=x"),
    (FORM, "payload=%7Bnot+json"), (FORM, "payload=%5B%5D"), ("text/plain", "hello"),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED_SIGNED)
async def test_a_signed_but_malformed_body_is_400(http_slack: SlackHarness, caplog: pytest.LogCaptureFixture,
                                                  content_type: str, body: str) -> None:
    with caplog.at_level(logging.INFO):
        assert await post_raw(http_slack, body.encode(), http_slack.signed(body, content_type=content_type)) == 400
    assert problems_in(caplog) == []


async def test_a_signed_body_that_is_not_utf8_is_400(http_slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    from adapters.slack.http_guard import signature

    raw = b"command=%2Fpapers&text=\xff\xfe"
    ts = str(int(time.time()))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature("test-signing-secret", ts, raw)}
    with caplog.at_level(logging.INFO):
        assert await post_raw(http_slack, raw, headers) == 400
    assert problems_in(caplog) == []


async def test_an_oversized_body_is_413(http_slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    body = "text=" + "x" * (MAX_BODY + 10)
    with caplog.at_level(logging.INFO):
        assert await post_raw(http_slack, body.encode(), http_slack.signed(body, content_type=FORM)) == 413
        assert problems_in(caplog) == []

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: refused once reading passes the limit
            for _ in range(30):
                yield b"x" * 65536

        async with aiohttp.ClientSession() as session:
            headers = unsigned(str(int(time.time())))
            async with session.post(http_slack.events_url, data=chunks(), headers=headers) as response:
                assert response.status == 413
    assert problems_in(caplog) == []


async def test_an_oversized_body_is_refused_before_it_is_read(http_slack: SlackHarness) -> None:
    """Headers announce 50 MB, 10 bytes follow: the 413 comes at once, not after waiting for the rest."""
    port = http_slack.config.slack.http_port
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"POST {http_slack.config.slack.http_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"Content-Type: {FORM}\r\nContent-Length: 50000000\r\n\r\n").encode() + b"text=hello")
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 2)
    writer.close()
    assert status.split()[1] == b"413"


async def test_a_command_that_mentions_payload_reaches_the_bot(http_slack: SlackHarness) -> None:
    """bolt's form parser took any body containing "payload" for an interactive payload: the command vanished."""
    status, _ = await http_slack.command("frobnicate payload")
    assert status == 200
    await http_slack.fake.wait_for(lambda: http_slack.fake.responses)
    assert "frobnicate" in http_slack.fake.responses[0]["text"]


async def test_a_valid_event_still_passes_the_guard(http_slack: SlackHarness) -> None:
    raw = json.dumps(reaction_event("EvOk", "1.000", "+1"))
    assert (await http_slack.post(raw, http_slack.signed(raw, content_type=JSON)))[0] == 200
