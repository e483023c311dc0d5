"""HttpFetcher against a real local server: retries, Retry-After, errors that name the URL, throttling."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from bot.errors import SourceError
from bot.sources.http import HttpError, HttpFetcher, parse_retry_after
from tests.harness.clocks import RecordingSleep
from tests.harness.paper_server import PaperServer, Reply


async def test_429_with_retry_after_seconds_waits_that_long_then_succeeds(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route("/api/daily_papers", Reply.json([{"ok": 1}]))
    server.fail("/api/daily_papers", 429, retry_after="7")
    async with HttpFetcher(max_retries=3, backoff_base=0.5, sleep=sleep) as fetcher:
        payload = await fetcher.get_json(server.url("/api/daily_papers"), params={"date": "2025-11-07"})
    assert payload == [{"ok": 1}]
    assert len(server.requests_to("/api/daily_papers")) == 2
    assert len(sleep.waits) == 1
    assert sleep.waits[0] == pytest.approx(7.0, abs=0.2)  # Retry-After, not the 0.5 s backoff


async def test_retry_after_as_http_date_and_the_cap(server: PaperServer, sleep: RecordingSleep) -> None:
    in_30s = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.route("/x", Reply.json({}))
    server.fail("/x", 503, retry_after=in_30s)
    server.fail("/x", 429, retry_after="3600")
    async with HttpFetcher(max_retries=2, max_retry_after=60, sleep=sleep) as fetcher:
        await fetcher.get(server.url("/x"))
    assert len(sleep.waits) == 2
    assert 27 <= sleep.waits[0] <= 30.5
    assert sleep.waits[1] == pytest.approx(60.0, abs=0.2)  # capped, not an hour


async def test_503s_exhausted_raise_source_error_naming_the_url(server: PaperServer, sleep: RecordingSleep) -> None:
    server.fail("/api/daily_papers", 503, times=10)
    async with HttpFetcher(max_retries=3, backoff_base=0.5, sleep=sleep) as fetcher:
        with pytest.raises(SourceError) as caught:
            await fetcher.get(server.url("/api/daily_papers"), params={"date": "2025-11-07"})
    message = str(caught.value)
    assert f"{server.base_url}/api/daily_papers?date=2025-11-07" in message
    assert "failed after 4 attempts" in message and "HTTP 503" in message
    assert isinstance(caught.value, HttpError) and caught.value.status == 503
    assert len(server.requests_to("/api/daily_papers")) == 4
    assert sleep.waits == [0.5, 1.0, 2.0]  # exponential backoff


async def test_other_4xx_are_not_retried(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route("/missing", Reply.json({"error": "Not Found"}, status=404))
    async with HttpFetcher(max_retries=4, sleep=sleep) as fetcher:
        with pytest.raises(HttpError) as caught:
            await fetcher.get(server.url("/missing"))
    assert caught.value.status == 404
    assert "HTTP 404" in str(caught.value) and "Not Found" in str(caught.value)
    assert len(server.requests) == 1 and sleep.waits == []


async def test_connection_refused_is_retried_then_reported(sleep: RecordingSleep) -> None:
    async with PaperServer() as gone:
        url = gone.url("/api/query")
    async with HttpFetcher(max_retries=2, backoff_base=0.1, sleep=sleep) as fetcher:
        with pytest.raises(HttpError) as caught:
            await fetcher.get(url)
    assert url in str(caught.value) and "cannot connect" in str(caught.value)
    assert caught.value.status is None and caught.value.attempts == 3
    assert sleep.waits == [0.1, 0.2]


async def test_slow_answer_times_out_and_is_retried(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route("/slow", Reply.json({}))
    server.queue("/slow", Reply(b"{}", delay=0.6))
    async with HttpFetcher(timeout=0.2, max_retries=1, sleep=sleep) as fetcher:
        assert await fetcher.get_json(server.url("/slow")) == {}
    assert len(server.requests_to("/slow")) == 2 and len(sleep.waits) == 1


async def test_non_json_body_is_a_source_error(server: PaperServer) -> None:
    server.route("/html", Reply(b"<html>maintenance</html>", content_type="text/html"))
    async with HttpFetcher() as fetcher:
        with pytest.raises(SourceError, match="did not answer JSON"):
            await fetcher.get_json(server.url("/html"))


async def test_min_interval_spaces_requests_and_one_connection_never_overlaps(server: PaperServer) -> None:
    server.route("/a", Reply(b"ok", content_type="text/plain", delay=0.05))
    async with HttpFetcher(min_interval=0.15, max_connections=1) as fetcher:
        await fetcher.get(server.url("/a"))
        await fetcher.get(server.url("/a"))
        await asyncio.gather(*(fetcher.get(server.url("/a")) for _ in range(3)))
    starts = [r.started for r in server.requests]
    assert len(starts) == 5
    assert all(b - a >= 0.15 for a, b in zip(starts, starts[1:])), starts
    assert server.max_in_flight == 1


async def test_a_given_session_is_used_and_left_open(server: PaperServer) -> None:
    server.route("/a", Reply(b"ok", content_type="text/plain"))
    async with aiohttp.ClientSession() as session:
        async with HttpFetcher(session=session) as fetcher:
            response = await fetcher.get(server.url("/a"), headers={"X-Test": "1"})
        assert response.text() == "ok" and not session.closed
    assert server.requests[0].headers["X-Test"] == "1"
    assert server.requests[0].headers["User-Agent"].startswith("paperbot/")


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:45 GMT", now=now) == 45.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None
