"""The fault suite, sources' part: every way a paper server fails, injected by the local PaperServer.

Each fault must end in a SourceError (or a partial result that keeps the good items) within a
few seconds: never a hang, never another exception. Counted in ``tests.harness.tally.FAULTS``.
"""
from __future__ import annotations

import asyncio
import copy
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.domain import Paper
from bot.errors import SourceError
from bot.sources.arxiv import ArxivClient
from bot.sources.huggingface import HuggingFaceClient
from bot.usecases.ingest import ingest_day
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.clocks import RecordingSleep
from tests.harness.databases import sqlite_url
from tests.harness.fixtures_paths import ARXIV_API, HF_DAY_07, RSS_4_ITEMS, load_json
from tests.harness.paper_server import PaperServer, Reply
from tests.harness.tally import FAULTS

pytestmark = pytest.mark.faults

DAY = date(2025, 11, 7)
LIMIT = 2 * 2**20  # a small max_body_bytes, so oversized answers are quick to send


@cache
def gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join(packer.compress(bytes(2**20)) for _ in range(64)) + packer.flush()  # 64 MB of zeros in ~64 KB


@dataclass(frozen=True)
class Fault:
    name: str
    replies: tuple[Reply, ...] = ()  # queued for the path, in order; then the route (if any) answers
    route: Reply | None = None
    expect: str = ""  # a part of the SourceError's message
    gone: bool = False  # no server at all (connection refused)


def faults(kind: str) -> list[Fault]:
    """The faults, with replies in the content type of ``kind`` ("json", "rss" or "atom")."""
    ctype = {"json": "application/json", "rss": "application/rss+xml", "atom": "application/atom+xml"}[kind]
    unusable = {"json": "did not answer JSON", "rss": "is not an RSS feed", "atom": "did not answer an Atom feed"}[kind]
    return [
        Fault("timeout: a silent server", route=Reply(b"[]", content_type=ctype, delay=10), expect="no answer within 0.1 s"),
        Fault("refused connection", gone=True, expect="cannot connect"),
        Fault("429 with Retry-After: 86400", route=Reply(b"", 429, "text/plain", {"Retry-After": "86400"}), expect="asked to wait 86400 s"),
        Fault("500, again and again", route=Reply(b"oops", 500, "text/plain"), expect="failed after 2 attempts: HTTP 500"),
        Fault("503 with an HTML error page", route=Reply(b"<html><h1>503</h1></html>", 503, "text/html"), expect="HTTP 503"),
        Fault("truncated body", route=Reply.truncated(b"[" + b"1," * 5_000 + b"1]", 1_000, ctype), expect="the answer was cut short"),
        Fault("oversized body (endless)", route=Reply.endless(content_type=ctype), expect="more than the 2 MB (max_body_bytes)"),
        Fault("oversized body (announced)", route=Reply(b" " * (LIMIT + 1), content_type=ctype), expect="it announced 2097153 bytes"),
        Fault("gzip bomb", route=Reply.gzipped(gzip_bomb(), ctype), expect="more than the 2 MB"),
        Fault("a body that drips", route=Reply.endless(b" ", drip=0.05, content_type=ctype), expect="no answer within 0.1 s"),
        Fault("200 with an HTML error page", route=Reply(b"<html><body>Service maintenance</body></html>", content_type="text/html"),
              expect=unusable),
        Fault("empty body", route=Reply(b"", content_type=ctype), expect=unusable),
        Fault("invalid UTF-8", route=Reply(b"\xff\xfe\xfa" * 100, content_type=ctype), expect=unusable),
        Fault("a transient 502 then the same silence", replies=(Reply(b"", 502, "text/plain"),),
              route=Reply(b"[]", content_type=ctype, delay=10), expect="no answer within 0.1 s"),
    ]


Call = Callable[[], Awaitable[Any]]


async def _inject(fault: Fault, path: str, call: Callable[[str], tuple[Any, Call]]) -> None:
    """Serve ``fault`` on ``path``, make the call, and demand a SourceError naming it within 5 s."""
    FAULTS.injected()
    server = PaperServer()
    base = await server.start()
    if fault.gone:
        await server.close()  # nothing listens on that port any more
    else:
        if fault.route is not None:
            server.route(path, fault.route)
        server.queue(path, *fault.replies)
    client, make = call(base)
    started = time.monotonic()
    try:
        async with client:
            with pytest.raises(SourceError) as caught:
                async with asyncio.timeout(5):
                    await make()
    except BaseException as exc:
        FAULTS.crashes.append(f"{fault.name} on {path}: {type(exc).__name__}: {exc}")
        raise
    finally:
        await server.close()
    elapsed = time.monotonic() - started
    assert fault.expect in str(caught.value), str(caught.value)
    assert elapsed < 5, f"{fault.name} took {elapsed:.1f} s"


def _hf(sleep: RecordingSleep) -> Callable[[str], tuple[Any, Call]]:
    def call(base: str) -> tuple[Any, Call]:
        hf = HuggingFaceClient(base, timeout=0.1, max_retries=1, max_body_bytes=LIMIT, sleep=sleep)
        return hf, lambda: hf.fetch_day(DAY)

    return call


def _arxiv(sleep: RecordingSleep, which: str) -> Callable[[str], tuple[Any, Call]]:
    def call(base: str) -> tuple[Any, Call]:
        arxiv = ArxivClient(rss_base_url=base, api_base_url=base, categories=["cs.LG"], min_interval=0.0, timeout=0.1,
                            max_retries=1, max_body_bytes=LIMIT, sleep=sleep)
        return arxiv, (lambda: arxiv.fetch_day(DAY)) if which == "rss" else (lambda: arxiv.lookup(["1707.08567"]))

    return call


@pytest.mark.parametrize("fault", faults("json"), ids=lambda f: f.name)
async def test_hugging_face_faults_end_in_a_source_error_quickly(fault: Fault, sleep: RecordingSleep) -> None:
    await _inject(fault, "/api/daily_papers", _hf(sleep))


@pytest.mark.parametrize("fault", faults("rss"), ids=lambda f: f.name)
async def test_arxiv_rss_faults_end_in_a_source_error_quickly(fault: Fault, sleep: RecordingSleep) -> None:
    await _inject(fault, "/rss/cs.LG", _arxiv(sleep, "rss"))


@pytest.mark.parametrize("fault", faults("atom"), ids=lambda f: f.name)
async def test_arxiv_api_faults_end_in_a_source_error_quickly(fault: Fault, sleep: RecordingSleep) -> None:
    await _inject(fault, "/api/query", _arxiv(sleep, "atom"))


def _with_junk(items: list[Any]) -> list[Any]:
    spoiled = copy.deepcopy(items)
    spoiled[1] = "junk"
    spoiled[2]["paper"] = {"id": None}
    spoiled[3]["paper"]["upvotes"] = 2**31
    return spoiled


async def test_a_partly_bad_answer_keeps_the_good_items(server: PaperServer, sleep: RecordingSleep) -> None:
    FAULTS.injected(3)
    items = load_json(HF_DAY_07)
    server.route("/api/daily_papers", Reply.json(_with_junk(items)))
    junk_items = "<item><title></title><guid>oai:arXiv.org:junk</guid></item><item><title>no id</title></item><item>"
    rss = RSS_4_ITEMS.read_text(encoding="utf-8").replace("<item>", junk_items, 1)
    server.route("/rss/cs.LG", Reply(rss.encode(), content_type="application/rss+xml"))
    atom = (ARXIV_API / "2026-04_id_list=1707.08567.xml").read_text(encoding="utf-8")
    server.route("/api/query", Reply(atom.replace("<entry>", "<entry><id>junk</id></entry><entry>", 1).encode(),
                                     content_type="application/atom+xml"))
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf, \
            ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, categories=["cs.LG"], min_interval=0, sleep=sleep) as ax:
        papers = await hf.fetch_day(DAY)
        listing = await ax.fetch_listing()
        looked_up = await ax.lookup(["1707.08567"])
    spoiled = {p.arxiv_id: p for p in papers}
    assert len(papers) == 13 and spoiled[items[3]["paper"]["id"]].upvotes is None  # 15 items, two unusable; 2**31 costs its field
    assert len(listing.entries) == 4 and [p.arxiv_id for p in looked_up] == ["1707.08567"]


class _Faulty:
    """A day source that fails the way a plugin might."""

    def __init__(self, name: str, error: BaseException) -> None:
        self.name, self._error = name, error

    async def fetch_day(self, day: date) -> list[Paper]:
        raise self._error


async def test_ingest_day_keeps_the_good_sources_whatever_the_others_do(tmp_path: Path, sleep: RecordingSleep) -> None:
    FAULTS.injected(3)
    url = sqlite_url(tmp_path / "faults.sqlite3")
    await upgrade(url)
    store = SqlStore.connect(url)
    try:
        async with PaperServer() as server:
            server.route("/api/daily_papers", Reply.json(_with_junk(load_json(HF_DAY_07))))
            server.route("/rss/cs.LG", Reply(b"", 503, "text/plain"))
            async with HuggingFaceClient(server.base_url, sleep=sleep) as hf, \
                    ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, categories=["cs.LG"], min_interval=0,
                                max_retries=1, sleep=sleep) as ax:
                report = await ingest_day(store, [_Faulty("typo", TypeError("NoneType")), ax, hf,
                                                  _Faulty("decoder", UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"))], DAY)
        assert report.failed_sources == ("typo", "arxiv", "decoder")
        assert report.new == 13 and await store.count_papers() == 13
    finally:
        await store.close()
