"""Full text from arXiv's HTML (a LaTeXML-shaped page served locally), cached on disk."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.discussion.fulltext_cache import CachedFullText, FullTextCache
from bot.sources.fulltext import ArxivHtmlSource, parse_latexml
from bot.sources.http import HttpError, HttpFetcher
from tests.harness.clocks import no_sleep
from tests.harness.fixtures_paths import ARXIV_HTML
from tests.harness.paper_server import PaperServer, Reply

PAGE = ARXIV_HTML / "2511.04570v1.html"
PATH = "/html/2511.04570v1"


@pytest.fixture
async def server() -> AsyncIterator[PaperServer]:
    async with PaperServer() as fake:
        fake.route(PATH, Reply.file(PAGE, content_type="text/html"))
        yield fake


@pytest.fixture
async def fetcher() -> AsyncIterator[HttpFetcher]:
    async with HttpFetcher(timeout=5, max_retries=2, sleep=no_sleep) as http:
        yield http


def cached(server: PaperServer, fetcher: HttpFetcher, directory: Path, **kwargs) -> CachedFullText:
    return CachedFullText(ArxivHtmlSource(fetcher, base_url=server.base_url), FullTextCache(directory), **kwargs)


def test_latexml_page_becomes_sections_of_plain_text() -> None:
    full = parse_latexml(PAGE.read_text(encoding="utf-8"), arxiv_id="2511.04570", version=1)
    assert [s.title for s in full.sections] == ["1 Introduction", "2.1 Setup", "2.2 Results"]
    text = "\n".join(p for s in full.sections for p in s.paragraphs)
    assert "All models were evaluated on eight NVIDIA H100 GPUs with 80 GB of memory each." in text
    assert "The loss is $\\mathcal{L}=\\sum_{i}x_{i}^{2}$ over all frames." in text  # TeX, not MathML tokens
    assert "(Smith et al., 2024)" in text
    for noise in ("ABSTRACT-MARKER", "FOOTNOTE-MARKER", "FIGURE-MARKER", "TABLE-MARKER", "BIB-MARKER", "ℒ", "Report issue", "LaTeXML", "MathJax"):
        assert noise not in text


def test_a_page_without_latexml_paragraphs_is_empty() -> None:
    assert parse_latexml("<html><body><p>Just a page</p></body></html>").empty
    assert parse_latexml("<p class='ltx_p'>unclosed <b>tags</p></div></span>").sections[0].paragraphs == ("unclosed tags",)


async def test_fetched_once_then_read_from_disk(server: PaperServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    first = await cached(server, fetcher, tmp_path).fetch("2511.04570", 1)
    assert first is not None and first.sections[1].title == "2.1 Setup"
    assert len(server.requests_to(PATH)) == 1
    assert (tmp_path / "2511.04570v1.json").exists()
    again = await cached(server, fetcher, tmp_path).fetch("2511.04570", 1)  # a new process would do the same
    assert again == first
    assert len(server.requests_to(PATH)) == 1


async def test_404_is_none_and_remembered_for_a_while(server: PaperServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    now = [1000.0]
    source = cached(server, fetcher, tmp_path, retry_missing_after=3600, clock=lambda: now[0])
    assert await source.fetch("2511.99999", 2) is None  # the fake answers 404 for unknown paths
    assert await source.fetch("2511.99999", 2) is None
    assert len(server.requests_to("/html/2511.99999v2")) == 1
    now[0] += 3601  # arXiv may render the HTML later: ask again after a while
    assert await source.fetch("2511.99999", 2) is None
    assert len(server.requests_to("/html/2511.99999v2")) == 2


async def test_5xx_is_retried_through_the_fetcher(server: PaperServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    server.fail(PATH, 503, times=2)
    full = await cached(server, fetcher, tmp_path).fetch("2511.04570", 1)
    assert full is not None and len(server.requests_to(PATH)) == 3


async def test_persistent_errors_raise_and_cache_nothing(server: PaperServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    server.fail(PATH, 500, times=3)
    with pytest.raises(HttpError):
        await cached(server, fetcher, tmp_path).fetch("2511.04570", 1)
    assert not (tmp_path / "2511.04570v1.json").exists()
    assert await cached(server, fetcher, tmp_path).fetch("2511.04570", 1) is not None  # next time it works


async def test_unversioned_and_corrupt_cache(server: PaperServer, fetcher: HttpFetcher, tmp_path: Path) -> None:
    server.route("/html/2511.04570", Reply.file(PAGE, content_type="text/html"))
    (tmp_path / "2511.04570.json").write_text("{not json", encoding="utf-8")
    full = await cached(server, fetcher, tmp_path).fetch("2511.04570")
    assert full is not None and len(server.requests_to("/html/2511.04570")) == 1
    assert await cached(server, fetcher, tmp_path).fetch("2511.04570") == full
    assert len(server.requests_to("/html/2511.04570")) == 1
