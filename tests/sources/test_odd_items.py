"""One odd field or one hostile item costs only itself, never the day's listing (tester's findings):
optional fields of a changed type are cleared and the paper kept, an integer of thousands of digits
or an item nested past the recursion limit no longer fails the whole body, a listing of which nothing
could be read is a SourceError, and duplicate versions in one listing take one sighting's popularity."""
from __future__ import annotations

import copy
import json
import logging
import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.domain import dedupe_papers, merge_papers
from bot.errors import SourceError
from bot.sources.arxiv import parse_rss
from bot.sources.huggingface import HuggingFaceClient, parse_daily_papers
from bot.usecases.ingest import store_papers
from storage.store import SqlStore
from tests.harness.clocks import RecordingSleep
from tests.harness.fixtures_paths import HF_DAY_07, RSS_4_ITEMS, load_json
from tests.harness.paper_server import PaperServer, Reply

DAY = date(2025, 11, 7)


def day_items() -> list[dict[str, Any]]:
    return copy.deepcopy(load_json(HF_DAY_07))


@pytest.mark.parametrize(("field", "value", "attribute"), [
    ("githubStars", "lots", "github_stars"),
    ("upvotes", 1.5, "upvotes"),
    ("upvotes", float("nan"), "upvotes"),
    ("ai_keywords", "kw", "ai_keywords"),
    ("publishedAt", "garbage", "published_at"),
    ("projectPage", {}, "project_page"),
    ("githubRepo", ["x"], "github_repo"),
    ("summary", 7, "abstract"),
])
def test_an_optional_field_of_the_wrong_type_is_cleared_and_the_paper_kept(
    field: str, value: object, attribute: str, caplog: pytest.LogCaptureFixture
) -> None:
    items = day_items()[:2]
    items[0]["paper"][field] = value
    items[0].pop("summary")  # the listing's own summary would stand in for paper.summary
    with caplog.at_level(logging.INFO, logger="bot.sources.hf_payload"):
        papers = parse_daily_papers(items, origin="day")
    assert [p.arxiv_id for p in papers] == [item["paper"]["id"] for item in items]
    assert getattr(papers[0], attribute) in (None, (), "")
    assert papers[0].title == parse_daily_papers(day_items()[:1])[0].title
    (line,) = [r.getMessage() for r in caplog.records]
    assert f"cleared paper.{field} in 1 item" in line and "item 0 (id 2511.04570)" in line
    assert items[0]["paper"][field] is value  # the payload is left as it came


def test_authors_given_as_plain_names_are_read_as_names() -> None:
    items = day_items()[:1]
    items[0]["paper"]["authors"] = ["Bob", {"name": "Alice"}, "Carol"]
    (paper,) = parse_daily_papers(items)
    assert paper.authors == ("Bob", "Alice", "Carol")


def test_a_required_field_of_the_wrong_type_still_refuses_the_item(caplog: pytest.LogCaptureFixture) -> None:
    items = day_items()[:3]
    items[0]["paper"]["id"] = 2511.04570
    items[1]["paper"] = "a paper"
    items[2]["paper"]["githubStars"] = "lots"
    with caplog.at_level(logging.WARNING, logger="bot.sources.hf_payload"):
        papers = parse_daily_papers(items)
    assert [p.arxiv_id for p in papers] == [items[2]["paper"]["id"]]
    first, second = [r.getMessage() for r in caplog.records]
    assert "skipping item 0" in first and "paper.id: Value error, not an arXiv id" in first
    assert "skipping item 1" in second and "paper: Input should be a valid dictionary" in second


async def test_a_changed_field_type_in_every_item_costs_no_paper_and_one_log_line(
    server: PaperServer, sleep: RecordingSleep, caplog: pytest.LogCaptureFixture
) -> None:
    items = day_items()
    for item in items:
        item["paper"]["githubStars"] = "lots"
    server.route("/api/daily_papers", Reply.json(items))
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        with caplog.at_level(logging.INFO, logger="bot.sources"):
            papers = await hf.fetch_day(DAY)
    assert len(papers) == 15 and all(p.github_stars is None for p in papers)
    lines = [r.getMessage() for r in caplog.records if "githubStars" in r.getMessage()]
    assert len(lines) == 1 and "cleared paper.githubStars in 15 items" in lines[0]


async def test_a_huge_integer_or_a_deeply_nested_item_costs_only_that_item(
    server: PaperServer, sleep: RecordingSleep, caplog: pytest.LogCaptureFixture
) -> None:
    items = day_items()[:3]
    body = json.dumps(items)
    body = body.replace(f'"upvotes": {items[0]["paper"]["upvotes"]}', '"upvotes": ' + "9" * 5000, 1)
    body = body[:-1] + ", " + "[" * 100_000 + "]" * 100_000 + ', {"paper": ' + "[" * 50_000 + "]" * 50_000 + "}]"
    server.route("/api/daily_papers", Reply(body.encode()))
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        with caplog.at_level(logging.INFO, logger="bot.sources"):
            papers = await hf.fetch_day(DAY)
    assert [p.arxiv_id for p in papers] == [item["paper"]["id"] for item in items]
    assert papers[0].upvotes is None and papers[1].upvotes == items[1]["paper"]["upvotes"]
    lines = [r.getMessage() for r in caplog.records]
    assert any("cleared paper.upvotes in 1 item" in m for m in lines)
    assert any("skipping item 3 (id unknown): the item is nested too deep to read" in m for m in lines)
    assert any("skipping item 4 (id unknown): the item is nested too deep to read" in m for m in lines)


@pytest.mark.parametrize("body", [b"[" * 200_000, b"[" + b"[" * 100_000 + b"]" * 99_999, b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"])
async def test_a_body_too_deep_to_split_into_items_is_a_source_error_saying_so(
    body: bytes, server: PaperServer, sleep: RecordingSleep
) -> None:
    server.route("/api/daily_papers", Reply(body))
    async with HuggingFaceClient(server.base_url, max_retries=0, sleep=sleep) as hf:
        with pytest.raises(SourceError, match="did not answer JSON"):
            await hf.fetch_day(DAY)


async def test_a_listing_of_which_no_item_could_be_read_is_a_source_error(server: PaperServer, sleep: RecordingSleep) -> None:
    items = day_items()[:2]
    for item in items:
        del item["paper"]["id"]
    server.route("/api/daily_papers", Reply.json(items))
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        with pytest.raises(SourceError, match=r"listing date=2025-11-07 had 2 items and none could be read"):
            await hf.fetch_day(DAY)
    server.route("/api/daily_papers", Reply.json([]))  # an empty day is not a failure
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        assert await hf.fetch_day(DAY) == []


def test_an_arxiv_feed_of_which_no_item_could_be_read_is_a_source_error() -> None:
    feed = RSS_4_ITEMS.read_text(encoding="utf-8")
    untitled = re.sub(r"(?m)^      <title>.*</title>$", "      <title></title>", feed)
    with pytest.raises(SourceError, match="the listing had 4 items and none could be read"):
        parse_rss(untitled.encode(), origin="feed")
    one_left = re.sub(r"(?m)^      <title>(?!Random).*</title>$", "      <title></title>", feed)
    assert [p.title for p in parse_rss(one_left.encode()).papers(include_replacements=True)] == ["Random Polytope Descriptors"]


def test_duplicate_versions_in_one_listing_take_the_newest_versions_popularity() -> None:
    (item,) = day_items()[:1]
    sightings = []
    for version, upvotes, title in [(1, 10, "Dup v1"), (3, 50, "Dup v3"), (2, 5, "Dup v2")]:
        sighting = copy.deepcopy(item)
        sighting["paper"].update(id=f"2511.04570v{version}", upvotes=upvotes, title=title)
        sightings.append(sighting)
    (paper,) = dedupe_papers(parse_daily_papers(sightings))
    assert (paper.title, paper.version, paper.upvotes) == ("Dup v3", 3, 50)
    fresh = replace(paper, upvotes=70)  # a later day's count of the same version still updates
    assert merge_papers(paper, fresh).upvotes == 70
    unversioned = replace(paper, version=None, upvotes=80)  # as HF usually gives ids
    assert merge_papers(paper, unversioned).upvotes == 80


async def test_storing_the_same_sightings_again_counts_them_unchanged_on_both_databases(store: SqlStore) -> None:
    papers = parse_daily_papers(day_items())
    first = await store_papers(store, papers)
    again = await store_papers(store, papers)
    assert (first.fetched, first.new, first.unchanged) == (15, 15, 0)
    assert (again.fetched, again.new, again.unchanged) == (15, 0, 15)
    bumped = [replace(papers[0], upvotes=(papers[0].upvotes or 0) + 1), *papers[1:]]
    assert (await store_papers(store, bumped)).unchanged == 14
