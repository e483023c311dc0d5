"""Every source call ends, in papers or a SourceError: a deadline for a whole fetch, and no other exception."""
from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest

from bot.errors import SourceError, UsageError
from bot.sources.arxiv import ArxivClient
from bot.sources.guard import guarded
from bot.sources.huggingface import HuggingFaceClient
from tests.harness.clocks import RecordingSleep
from tests.harness.paper_server import PaperServer, Reply

DAY = date(2025, 11, 7)


async def test_a_silent_server_costs_hugging_face_its_deadline_not_minutes(server: PaperServer, sleep: RecordingSleep) -> None:
    """Issue: a silent server took ~3 minutes for HF alone (5 attempts of 30 s, plus backoff)."""
    server.route("/api/daily_papers", Reply.json([], delay=30))
    started = time.monotonic()
    async with HuggingFaceClient(server.base_url, timeout=30, deadline=0.5, sleep=sleep) as hf:
        with pytest.raises(SourceError) as caught:
            await hf.fetch_day(DAY)
    assert time.monotonic() - started < 2
    assert str(caught.value) == "Hugging Face: the listing of 2025-11-07 took longer than 0.5 s (deadline_seconds); gave up"


async def test_the_deadline_covers_retries_and_their_waits(server: PaperServer) -> None:
    server.fail("/api/daily_papers", 503, times=100)
    started = time.monotonic()
    async with HuggingFaceClient(server.base_url, max_retries=10, deadline=0.6) as hf:  # real sleeps: 1, 2, 4 … s
        with pytest.raises(SourceError, match="took longer than 0.6 s"):
            await hf.fetch_month("2025-11")
    assert time.monotonic() - started < 2


async def test_arxiv_has_a_deadline_too_and_keeps_its_throttle(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route("/rss/cs.LG", Reply(b"<rss/>", content_type="application/rss+xml", delay=30))
    async with ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, categories=["cs.LG"],
                           deadline=0.25, sleep=sleep) as arxiv:
        assert arxiv.fetcher.min_interval == 3.0
        with pytest.raises(SourceError, match=r"^arXiv RSS: the listing of 2025-11-07 took longer than 0.25 s"):
            await arxiv.fetch_day(DAY)
        with pytest.raises(SourceError, match=r"^arXiv API: the look-up of 2511.04570 took longer than 0.25 s"):
            server.route("/api/query", Reply(b"", delay=30))
            await arxiv.resolve("2511.04570")


async def test_any_other_exception_becomes_a_source_error_naming_the_source() -> None:
    async def broken() -> None:
        raise KeyError("paper")

    async def refused() -> None:
        raise UsageError("bad week")

    with pytest.raises(SourceError) as caught:
        await guarded("Hugging Face", "the listing of 2025-11-07", broken())
    assert str(caught.value) == "Hugging Face: the listing of 2025-11-07 failed on an unusable answer (KeyError: 'paper')"
    assert isinstance(caught.value.__cause__, KeyError)
    with pytest.raises(UsageError):  # paperbot's own errors pass as they are
        await guarded("Hugging Face", "x", refused())
    assert await guarded("x", "y", asyncio.sleep(0, result=7), deadline=None) == 7
