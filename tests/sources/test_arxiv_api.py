"""arXiv export API lookups over real HTTP, on recorded answers (2026 and 2016 formats), and the shared throttle."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import SourceError
from bot.sources.arxiv import ArxivClient, parse_atom
from bot.sources.http import HttpError
from tests.harness.clocks import RecordingSleep
from tests.harness.fixtures_paths import ARXIV_API, RSS_4_ITEMS
from tests.harness.paper_server import PaperServer, RecordedRequest, Reply

QUERY = "/api/query"
ONE = ARXIV_API / "2026-04_id_list=1707.08567.xml"
ONE_OF_TWO = ARXIV_API / "2026-04_id_list=0808.05394,1707.08567.xml"
EMPTY = ARXIV_API / "2026-04_id_list=0000.0000_EMPTY.xml"
ERROR_400 = ARXIV_API / "2026-04_id_list=abc_HTTP400_ERROR.xml"
OLD_STYLE = ARXIV_API / "2026-04_id_list=astro-ph_0601001.xml"
FORMAT_2016 = ARXIV_API / "2016-10_id_list=1111.2011v2.xml"


def arxiv(server: PaperServer, sleep: RecordingSleep | None = None, **kwargs) -> ArxivClient:
    options = {"min_interval": 0.0, "categories": ["cs.LG", "cs.AI", "cs.CL", "stat.ML"], **kwargs}
    if sleep is not None:
        options["sleep"] = sleep
    return ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, **options)


def by_id_list(files: dict[str, Path]):
    def handler(request: RecordedRequest) -> Reply:
        return Reply.file(files[request.query["id_list"]])

    return handler


async def test_single_id(server: PaperServer) -> None:
    server.route(QUERY, by_id_list({"1707.08567": ONE}))
    async with arxiv(server) as client:
        (paper,) = await client.lookup(["1707.08567"])
    assert paper.arxiv_id == "1707.08567" and paper.version == 1
    assert paper.title == "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    assert paper.abstract.startswith('The 10th Asia-Europe workshop in "Concepts in Information Theory and Communications"')
    assert len(paper.authors) == 34
    assert paper.authors[0] == "Kees A. Schouhamer Immink" and "Dirk Wübben" in paper.authors  # UTF-8 intact
    assert paper.categories == ("cs.IT",)
    assert paper.published_at == datetime(2017, 7, 27, 8, 18, 33, tzinfo=UTC)
    assert paper.updated_at == paper.published_at
    assert paper.announced_on is None and paper.sources == {"arxiv"}
    (request,) = server.requests
    assert request.query == {"id_list": "1707.08567", "start": "0", "max_results": "1"}


async def test_unknown_id_is_dropped_by_arxiv_and_empty_answer_is_no_papers(server: PaperServer) -> None:
    server.route(QUERY, by_id_list({"0808.05394,1707.08567": ONE_OF_TWO, "0000.0000": EMPTY}))
    async with arxiv(server) as client:
        found = await client.lookup(["0808.05394", "1707.08567"])
        nothing = await client.lookup(["0000.0000"])
        unknown = await client.resolve("0000.0000")
    assert [p.arxiv_id for p in found] == ["1707.08567"]
    assert nothing == [] and unknown is None


async def test_http_400_error_entry_becomes_a_source_error_with_arxivs_words(server: PaperServer) -> None:
    server.route(QUERY, Reply.file(ERROR_400, status=400))
    async with arxiv(server) as client:
        with pytest.raises(SourceError) as caught:
            await client.lookup(["abc"])
    assert "incorrect id format for abc" in str(caught.value)
    assert "id_list=abc" in str(caught.value)
    assert isinstance(caught.value, HttpError) and caught.value.status == 400
    assert len(server.requests) == 1  # a 400 is not retried


def test_error_entry_in_a_200_answer_is_also_an_error() -> None:
    with pytest.raises(SourceError, match="incorrect id format for abc"):
        parse_atom(ERROR_400.read_bytes())


async def test_old_style_id(server: PaperServer) -> None:
    server.route(QUERY, by_id_list({"astro-ph/0601001": OLD_STYLE}))
    async with arxiv(server) as client:
        paper = await client.resolve("astro-ph/0601001")
    assert paper is not None and paper.arxiv_id == "astro-ph/0601001" and paper.version == 1
    assert paper.authors == ("Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski")
    assert paper.categories == ("astro-ph",)
    assert "V_max<17.5" in paper.abstract  # &lt; decoded, nothing sanitised away


def test_2016_format() -> None:
    (paper,) = parse_atom(FORMAT_2016.read_bytes())
    assert paper.arxiv_id == "1111.2011" and paper.version == 2
    assert paper.title == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    assert paper.abstract.startswith("Theoretical description of anisotropic systems, such as layered superconductors")
    assert paper.abstract.endswith("adding a single extra dimension to the theory describing a single node.")
    assert paper.categories == ("cond-mat.str-el", "cond-mat.stat-mech")  # primary first
    assert paper.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")
    assert paper.published_at == datetime(2011, 11, 8, 18, 48, 36, tzinfo=UTC)
    assert paper.updated_at == datetime(2012, 4, 2, 12, 38, 54, tzinfo=UTC)


async def test_ids_are_looked_up_in_batches_of_at_most_100(server: PaperServer) -> None:
    server.route(QUERY, Reply.file(EMPTY))
    ids = [f"2511.{n:05d}" for n in range(150)]
    async with arxiv(server) as client:
        assert await client.lookup(ids + ids[:10]) == []  # repeated ids are asked once
    sizes = [len(r.query["id_list"].split(",")) for r in server.requests]
    assert sizes == [100, 50]
    assert [r.query["max_results"] for r in server.requests] == ["100", "50"]


async def test_rss_and_api_share_one_throttle_and_never_overlap(server: PaperServer) -> None:
    interval = 0.2
    server.route("/rss/cs.LG+cs.AI+cs.CL+stat.ML", Reply.file(RSS_4_ITEMS, content_type="application/rss+xml", delay=0.05))
    server.route(QUERY, Reply.file(ONE, delay=0.05))
    async with arxiv(server, min_interval=interval) as client:
        await client.fetch_new()
        await client.lookup(["1707.08567"])
        await asyncio.gather(client.fetch_new(), client.lookup(["1707.08567"]), client.resolve("1707.08567"))
    assert len(server.requests) == 5
    assert server.max_in_flight == 1
    for before, after in zip(server.requests, server.requests[1:]):
        assert after.started - before.finished >= interval, (before.path, after.path)
        assert after.started - before.started >= interval


async def test_503_with_retry_after_from_arxiv_is_honoured(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route(QUERY, Reply.file(ONE))
    server.fail(QUERY, 503, retry_after="5")
    async with arxiv(server, sleep) as client:
        (paper,) = await client.lookup(["1707.08567"])
    assert paper.arxiv_id == "1707.08567"
    assert len(sleep.waits) == 1 and sleep.waits[0] == pytest.approx(5.0, abs=0.2)
