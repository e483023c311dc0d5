"""One bad item costs only itself: the reported items that killed a whole fetch (and `paperbot run`),
fetched over real HTTP and stored on both databases; and a bad sighting that rewrote a stored paper."""
from __future__ import annotations

import copy
import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.domain import Paper
from bot.errors import SourceError
from bot.sources.arxiv import parse_atom, parse_rss
from bot.sources.huggingface import HuggingFaceClient, parse_daily_papers
from bot.usecases.ingest import ingest_day, store_papers
from storage.store import SqlStore
from tests.harness.clocks import RecordingSleep
from tests.harness.fixtures_paths import ARXIV_API, HF_DAY_07, RSS_4_ITEMS, load_json
from tests.harness.paper_server import PaperServer, Reply
from tests.harness.sample import VIDEO, sample_papers

DAY = date(2025, 11, 7)
LONG_OLD_STYLE_ID = "a" + "b" * 70 + "/9901001"


def hostile_day() -> list[dict[str, Any]]:
    """The recorded 2025-11-07 listing with one reported trigger in each of its first five items."""
    items = copy.deepcopy(load_json(HF_DAY_07))
    items[0]["paper"]["publishedAt"] = "9999-12-31T23:59:59-12:00"  # OverflowError converting to UTC
    items[1]["paper"]["upvotes"] = 10**20  # SQLite: integer overflow on insert
    items[2]["paper"]["upvotes"] = 2**31  # PostgreSQL: int4 overflow
    items[3]["paper"]["githubRepo"] = "https://github.com/x\x00y"  # PostgreSQL: NUL in text
    items[4]["paper"]["id"] = LONG_OLD_STYLE_ID  # String(64), and no arXiv archive: refused as no id
    return items


class Broken:
    """A source whose parser has a bug: not a SourceError."""

    name = "broken"

    async def fetch_day(self, day: date) -> list[Paper]:
        raise KeyError("paper")


async def test_the_reported_items_cost_only_themselves_and_paperbot_run_goes_on(
    server: PaperServer, sleep: RecordingSleep, store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    items = hostile_day()
    ids = [item["paper"]["id"] for item in items]
    server.route("/api/daily_papers", Reply.json(items))
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        with caplog.at_level(logging.WARNING):
            report = await ingest_day(store, [Broken(), hf], DAY)  # what `paperbot run` does
    assert report.failed_sources == ("broken",)
    assert report.fetched == 14 and report.new == 14
    stored = await store.get_papers(ids)
    assert LONG_OLD_STYLE_ID not in stored and len(stored) == 14
    assert stored[ids[0]].published_at is None and stored[ids[0]].announced_on == DAY
    assert stored[ids[1]].upvotes is None and stored[ids[2]].upvotes is None
    assert stored[ids[3]].github_repo is None and stored[ids[3]].github_stars == load_json(HF_DAY_07)[3]["paper"]["githubStars"]
    assert stored[ids[5]].upvotes == items[5]["paper"]["upvotes"]  # the good ones as they were
    lines = [r.getMessage() for r in caplog.records]
    for index, field in [(0, "published_at"), (1, "upvotes"), (2, "upvotes"), (3, "github_repo"), (4, "not an arXiv id")]:
        (line,) = [m for m in lines if f"item {index} (" in m]
        assert field in line and len(line) < 700, line
    assert any("skipped 1 of 15 items" in m for m in lines)
    assert any("broken failed unexpectedly: KeyError" in m for m in lines)


async def test_store_papers_bounds_papers_from_any_source(store: SqlStore) -> None:
    """The rule holds for a source that builds Papers itself (a plugin, a resolver) as well."""
    base = next(p for p in sample_papers() if p.arxiv_id == VIDEO)
    report = await store_papers(store, [
        replace(base, upvotes=2**31, github_stars=-5, title="Thinking\x00 with Video", abstract="NUL\x00 here",
                authors=("A\x00B",), ai_keywords=("k\x00",), github_repo="https://github.com/a\x00b",
                published_at=datetime(9999, 12, 31, tzinfo=UTC)),
        replace(base, arxiv_id=LONG_OLD_STYLE_ID),
        replace(base, arxiv_id="2511.00001", title=""),
    ])
    assert (report.fetched, report.new) == (1, 1)
    paper = await store.get_paper(VIDEO)
    assert paper is not None and paper.upvotes is None and paper.github_stars is None and paper.github_repo is None
    assert paper.title == "Thinking with Video" and paper.abstract == "NUL here" and paper.authors == ("A B",)
    assert paper.published_at is None and await store.count_papers() == 1


async def test_a_bad_sighting_then_a_good_fetch_leave_the_real_paper_as_the_good_data_says(
    server: PaperServer, sleep: RecordingSleep, store: SqlStore
) -> None:
    """Issue: a sighting dated 0001-01-01 with version 99 moved 2511.04570 to year 1 with a new title for good."""
    good_items = [item for item in load_json(HF_DAY_07) if item["paper"]["id"] == VIDEO]
    bad_items = copy.deepcopy(good_items)
    bad = bad_items[0]["paper"]
    bad.update(id=f"{VIDEO}v99", title="Hijacked", submittedOnDailyAt="0001-01-01T00:00:00.000Z", publishedAt="0001-01-01T00:00:00.000Z")
    await store_papers(store, sample_papers())
    before = await store.get_paper(VIDEO)
    assert before is not None and before.announced_on == DAY
    server.queue("/api/daily_papers", Reply.json(bad_items), Reply.json(good_items))
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        await store_papers(store, await hf.fetch_day(DAY))
        during = await store.get_paper(VIDEO)
        assert during is not None and during.version is None and during.announced_on == DAY  # neither won nor moved
        assert during.published_at == before.published_at
        assert VIDEO in [p.arxiv_id for p in await store.papers_announced_between(DAY, DAY)]
        await store_papers(store, await hf.fetch_day(DAY))
    after = await store.get_paper(VIDEO)
    assert after is not None
    assert (after.title, after.abstract, after.version, after.announced_on, after.published_at, after.upvotes) == (
        before.title, before.abstract, None, DAY, before.published_at, before.upvotes,
    )


def test_arxiv_sightings_with_a_version_99_or_a_year_1_date_are_kept_without_them() -> None:
    atom = (ARXIV_API / "2026-04_id_list=1707.08567.xml").read_text(encoding="utf-8")
    atom = atom.replace("1707.08567v1", "1707.08567v99").replace("2017-07-27T08:18:33Z", "0001-01-01T00:00:00Z")
    (paper,) = parse_atom(atom.encode())
    assert paper.arxiv_id == "1707.08567" and paper.version is None and paper.published_at is None
    overflowing = atom.replace("0001-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00")
    (paper,) = parse_atom(overflowing.encode())  # OverflowError before
    assert paper.published_at is None
    rss = RSS_4_ITEMS.read_text(encoding="utf-8").replace("Thu, 24 Sep 2026 00:00:00 -0400", "Thu, 01 Jan 1970 00:00:00 -0000")
    assert parse_rss(rss.encode()).day is None


def test_the_hugging_face_parser_lets_nothing_but_source_error_out() -> None:
    items: list[Any] = copy.deepcopy(load_json(HF_DAY_07))[:3]
    items[0]["paper"]["upvotes"] = 10**5000  # past Python's int-to-str limit, in the log line too
    items[1]["paper"]["authors"] = "Jingqi Tong"  # a string where a list is expected: an optional field, cleared
    items[2]["paper"]["submittedOnDailyAt"] = "9999-12-31T23:59:59-12:00"
    papers = parse_daily_papers(items, fallback_day=DAY)
    assert [p.arxiv_id for p in papers] == [item["paper"]["id"] for item in items]
    assert papers[0].upvotes is None and papers[1].authors == () and papers[2].announced_on == DAY
    with pytest.raises(SourceError):
        parse_daily_papers({"paper": {}})
