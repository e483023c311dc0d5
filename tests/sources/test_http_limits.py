"""HttpFetcher's limits against a real local server: body size (decoded), one attempt's whole time,
Retry-After beyond the wait a source accepts, and no secret of a URL in a message or a log line."""
from __future__ import annotations

import logging
import time
import zlib
from functools import cache

import pytest

from bot.sources.http import DEFAULT_MAX_BODY_BYTES, HttpError, HttpFetcher, redact_text, redact_url
from bot.sources.huggingface import HuggingFaceClient
from tests.harness.clocks import RecordingSleep
from tests.harness.paper_server import PaperServer, Reply


@cache
def gzip_bomb(megabytes: int = 64) -> bytes:
    """~64 KB of gzip that decompresses to ``megabytes`` MB of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(2**20)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


async def test_an_endless_body_stops_at_the_default_limit_naming_the_url_and_the_limit(server: PaperServer) -> None:
    server.route("/api/daily_papers", Reply.endless())
    started = time.monotonic()
    async with HttpFetcher(timeout=10, max_retries=2) as fetcher:
        with pytest.raises(HttpError) as caught:
            await fetcher.get(server.url("/api/daily_papers"))
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert server.url("/api/daily_papers") in message and "32 MB" in message and "max_body_bytes" in message
    assert len(server.requests) == 1  # a body past the limit is not retried
    assert DEFAULT_MAX_BODY_BYTES == 32 * 2**20


async def test_a_gzip_bomb_is_counted_decoded_and_stopped(server: PaperServer) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 2**20  # well under the limit on the wire
    server.route("/bomb", Reply.gzipped(bomb))
    async with HttpFetcher(max_retries=0) as fetcher:
        with pytest.raises(HttpError, match=r"more than the 32 MB"):
            await fetcher.get(server.url("/bomb"))


async def test_the_limit_is_configurable_and_an_announced_length_past_it_is_refused_before_reading(server: PaperServer) -> None:
    server.route("/big", Reply(b"[" + b"1," * 600_000 + b"1]"))
    server.route("/small", Reply.json([1, 2, 3]))
    async with HttpFetcher(max_body_bytes=1_000_000, max_retries=0) as fetcher:
        assert await fetcher.get_json(server.url("/small")) == [1, 2, 3]
        with pytest.raises(HttpError, match=r"1000000 bytes \(max_body_bytes\) a source reads \(it announced 1200003 bytes\)"):
            await fetcher.get(server.url("/big"))


async def test_one_attempt_has_one_time_limit_for_a_body_that_drips(server: PaperServer) -> None:
    server.route("/drip", Reply.endless(b" ", drip=0.05))
    started = time.monotonic()
    async with HttpFetcher(timeout=0.25, max_retries=0) as fetcher:
        with pytest.raises(HttpError, match="no answer within 0.25 s"):
            await fetcher.get(server.url("/drip"))
    assert time.monotonic() - started < 1.0


async def test_a_retry_after_beyond_the_limit_is_given_up_on_at_once(server: PaperServer, sleep: RecordingSleep) -> None:
    server.fail("/api/daily_papers", 429, times=10, retry_after="3600")
    async with HttpFetcher(max_retries=4, retry_after_limit=60, sleep=sleep) as fetcher:
        with pytest.raises(HttpError) as caught:
            await fetcher.get(server.url("/api/daily_papers"))
    assert "asked to wait 3600 s" in str(caught.value) and "more than the 60 s" in str(caught.value)
    assert caught.value.status == 429 and len(server.requests) == 1 and sleep.waits == []


async def test_hugging_face_gives_up_on_retry_after_3600_at_once_by_default(server: PaperServer, sleep: RecordingSleep) -> None:
    """Issue: Retry-After: 3600 made `paperbot fetch` take ~16 minutes."""
    server.fail("/api/daily_papers", 429, times=10, retry_after="3600")
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        with pytest.raises(HttpError, match="asked to wait 3600 s"):
            await hf.fetch_week("2025-W45")
    assert sleep.waits == [] and len(server.requests) == 1


async def test_waits_within_the_limit_are_still_honoured(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route("/x", Reply.json([]))
    server.fail("/x", 503, retry_after="45")
    server.fail("/x", 503, times=2)
    async with HttpFetcher(max_retries=3, retry_after_limit=60, backoff_base=100, backoff_max=20, sleep=sleep) as fetcher:
        assert await fetcher.get_json(server.url("/x")) == []
    assert sleep.waits[0] == pytest.approx(45, abs=0.5)
    assert 20 in sleep.waits and max(sleep.waits) <= 45.5  # the backoff capped at backoff_max


def test_redact_url() -> None:
    assert redact_url("https://user:secret@proxy.example/rss/cs.LG") == "https://user:***@proxy.example/rss/cs.LG"
    assert redact_url("https://TOKEN@proxy.example/x") == "https://***@proxy.example/x"
    assert redact_url("https://h.example/api?date=2025-11-07&api_key=k1&token=t2&key=k3&p=0") == (
        "https://h.example/api?date=2025-11-07&api_key=***&token=***&key=***&p=0"
    )
    assert redact_url("https://huggingface.co/api/daily_papers?date=2025-11-07") == "https://huggingface.co/api/daily_papers?date=2025-11-07"
    assert redact_text("GET https://u:pw@h.example/a?Token=x failed; see http://ok.example/") == (
        "GET https://u:***@h.example/a?Token=*** failed; see http://ok.example/"
    )


async def test_no_password_or_key_of_a_base_url_reaches_an_error_or_a_log_line(
    server: PaperServer, sleep: RecordingSleep, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue: a password in a source base URL appeared in every fetch error line."""
    server.fail("/api/daily_papers", 503, times=10)
    port = server.base_url.rsplit(":", 1)[1]
    base = f"http://user:s3cr3t@127.0.0.1:{port}"
    with caplog.at_level(logging.DEBUG, logger="bot.sources"):
        async with HuggingFaceClient(base, max_retries=2, sleep=sleep) as hf:
            with pytest.raises(HttpError) as caught:
                await hf.fetch_week("2025-W45")
        async with HttpFetcher(max_retries=1, sleep=sleep) as fetcher:
            with pytest.raises(HttpError) as keyed:
                await fetcher.get(f"{base}/api/daily_papers", params={"api_key": "k3y", "token": "t0k"})
        async with PaperServer() as gone:
            closed = gone.base_url.replace("http://", "http://admin:hunter2@")
        async with HttpFetcher(max_retries=0) as fetcher:
            with pytest.raises(HttpError) as refused:
                await fetcher.get(closed + "/x?key=abc")
    assert server.requests[0].headers["Authorization"].startswith("Basic ")  # the credentials were still used
    texts = [str(caught.value), caught.value.url, str(keyed.value), keyed.value.url, str(refused.value), refused.value.url]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records and all(secret not in text for text in texts for secret in ("s3cr3t", "k3y", "t0k", "hunter2", "abc"))
    assert "user:***@127.0.0.1" in str(caught.value) and "api_key=***&token=***" in str(keyed.value)
    assert "admin:***@" in str(refused.value) and "key=***" in str(refused.value)
