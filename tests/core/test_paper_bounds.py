"""bot.paper_bounds: the one rule every paper from a source meets before it is stored."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.domain import Paper
from bot.paper_bounds import (
    MAX_ABSTRACT,
    MAX_AI_SUMMARY,
    MAX_AUTHOR,
    MAX_AUTHORS,
    MAX_CATEGORIES,
    MAX_INT,
    MAX_KEYWORDS,
    MAX_TITLE,
    MAX_URL,
    bound_paper,
    bound_papers,
    bounded_url,
    check_paper,
    parse_timestamp,
    plausible_day,
    to_utc,
)

TODAY = date(2025, 11, 9)
GOOD = Paper(
    "2511.04570", "Thinking with Video", "An abstract.", version=2, authors=("Jingqi Tong",), categories=("cs.CV",),
    published_at=datetime(2025, 11, 6, 17, 25, tzinfo=UTC), announced_on=date(2025, 11, 7), upvotes=242,
    num_comments=5, github_repo="https://github.com/tongjingqi/Thinking-with-Video", github_stars=309,
    project_page="https://thinking-with-video.github.io/", ai_summary="summary", ai_keywords=("video",),
    thumbnail_url="https://cdn-thumbnails.huggingface.co/x.png", sources=frozenset({"huggingface"}),
)


def bounded(paper: Paper) -> Paper:
    checked = check_paper(paper, today=TODAY)
    assert checked.paper is not None, checked.problems
    return checked.paper


def test_a_good_paper_is_left_as_it_is() -> None:
    checked = check_paper(GOOD, today=TODAY)
    assert checked.paper == GOOD and checked.problems == ()


@pytest.mark.parametrize("arxiv_id", ["", "not-an-id", "2511.04570v2", "a" * 70 + "/9901001", "2511.0457\x00", 42, None])
def test_an_id_that_is_not_a_canonical_arxiv_id_of_at_most_64_characters_is_refused(arxiv_id: object) -> None:
    checked = check_paper(replace(GOOD, arxiv_id=arxiv_id), today=TODAY)
    assert checked.paper is None and checked.problems[0].startswith("arxiv_id:")


def test_an_empty_title_is_refused() -> None:
    assert check_paper(replace(GOOD, title=" \x00\u200b "), today=TODAY).paper is None


@pytest.mark.parametrize("name", ["upvotes", "num_comments", "github_stars"])
@pytest.mark.parametrize("value", [-1, MAX_INT + 1, 10**20, True, 3.5, "12", {"n": 1}])
def test_counts_outside_int4_or_of_the_wrong_type_are_cleared(name: str, value: object) -> None:
    checked = check_paper(replace(GOOD, **{name: value}), today=TODAY)
    assert checked.paper is not None and getattr(checked.paper, name) is None
    assert any(p.startswith(f"{name}:") for p in checked.problems)


def test_counts_at_the_edges_are_kept() -> None:
    paper = bounded(replace(GOOD, upvotes=0, github_stars=MAX_INT))
    assert (paper.upvotes, paper.github_stars) == (0, MAX_INT)


@pytest.mark.parametrize("version", [0, 51, 99, -1, 2**40, "2"])
def test_implausible_versions_are_cleared(version: object) -> None:
    assert bounded(replace(GOOD, version=version)).version is None


def test_days_and_times_outside_1991_to_today_plus_2_are_cleared() -> None:
    year_one = bounded(replace(GOOD, announced_on=date(1, 1, 1), published_at=datetime(1, 1, 1, tzinfo=UTC),
                               updated_at=datetime(1990, 12, 31, tzinfo=UTC)))
    assert (year_one.announced_on, year_one.published_at, year_one.updated_at) == (None, None, None)
    future = bounded(replace(GOOD, announced_on=TODAY + timedelta(days=3), published_at=datetime(9999, 12, 31, tzinfo=UTC)))
    assert future.announced_on is None and future.published_at is None
    edge = bounded(replace(GOOD, announced_on=TODAY + timedelta(days=2), published_at=datetime(1991, 1, 1, tzinfo=UTC)))
    assert edge.announced_on == TODAY + timedelta(days=2) and edge.published_at == datetime(1991, 1, 1, tzinfo=UTC)


def test_an_overflowing_time_is_cleared_and_aware_times_become_utc() -> None:
    minus_12 = timezone(timedelta(hours=-12))
    overflowing = datetime(9999, 12, 31, 23, 59, 59, tzinfo=minus_12)
    with pytest.raises(OverflowError):
        overflowing.astimezone(UTC)  # what killed the fetch
    assert to_utc(overflowing) is None
    assert bounded(replace(GOOD, published_at=overflowing)).published_at is None
    assert parse_timestamp("9999-12-31T23:59:59-12:00") is None and parse_timestamp("soon") is None
    paris = bounded(replace(GOOD, published_at=datetime(2025, 11, 6, 18, 25, tzinfo=timezone(timedelta(hours=1)))))
    assert paris.published_at == datetime(2025, 11, 6, 17, 25, tzinfo=UTC) and paris.published_at.tzinfo is UTC
    naive = bounded(replace(GOOD, published_at=datetime(2025, 11, 6, 17, 25)))
    assert naive.published_at == datetime(2025, 11, 6, 17, 25, tzinfo=UTC)
    assert bounded(replace(GOOD, announced_on=datetime(2025, 11, 7, 3, 0))).announced_on == date(2025, 11, 7)
    assert not plausible_day("2025-11-07") and plausible_day(date(2025, 11, 7))


def test_text_loses_nul_and_control_characters_and_is_cut_to_its_bound() -> None:
    paper = bounded(replace(
        GOOD,
        title="A\x00 title\x1b[31m with \ud800 junk" + "x" * 2000,
        abstract="First paragraph\x00.\n\nSecond\tline\x07." + " word" * 10_000,
        ai_summary="s" * 5000,
    ))
    assert "\x00" not in paper.title and "\x1b" not in paper.title and "\ud800" not in paper.title
    assert paper.title.startswith("A title [31m with junk") and len(paper.title) <= MAX_TITLE
    assert paper.abstract.startswith("First paragraph .\n\nSecond line .")  # paragraphs kept
    assert len(paper.abstract) <= MAX_ABSTRACT and paper.abstract.endswith("…")
    assert paper.ai_summary is not None and len(paper.ai_summary) <= MAX_AI_SUMMARY


def test_lists_are_bounded_and_wrong_shapes_become_empty() -> None:
    paper = bounded(replace(
        GOOD,
        authors=tuple(f"Author {n}" for n in range(900)) + ("x" * 500,),
        categories=tuple(f"cs.{n}" for n in range(40)) + ("not a category", "c" * 41),
        ai_keywords=tuple(f"k{n}" for n in range(80)),
    ))
    assert len(paper.authors) == MAX_AUTHORS and len(paper.categories) == MAX_CATEGORIES
    assert len(paper.ai_keywords) == MAX_KEYWORDS and all(len(a) <= MAX_AUTHOR for a in paper.authors)
    shapes = bounded(replace(GOOD, authors="Jingqi Tong", categories=None, ai_keywords=[1, None, "ok"], sources="hf"))
    assert shapes.authors == () and shapes.categories == () and shapes.ai_keywords == ("ok",)
    assert shapes.sources == frozenset()


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "ftp://example.org/x", "https://github.com/a\x00b", "https://github.com/a b", "github.com/a/b",
    "https://" + "a" * MAX_URL, "http://[::1", "https://", 42,
])
def test_urls_are_kept_only_when_http_s_short_and_clean(url: object) -> None:
    paper = bounded(replace(GOOD, github_repo=url, project_page=url, thumbnail_url=url))
    assert (paper.github_repo, paper.project_page, paper.thumbnail_url) == (None, None, None)
    assert bounded_url(" https://github.com/a/b ") == "https://github.com/a/b"


def test_bounding_is_idempotent() -> None:
    messy = replace(GOOD, title="t " * 800, abstract="a\n\n\n b " * 9000, authors=("x" * 300,) * 600, upvotes=-3)
    once = bounded(messy)
    again = check_paper(once, today=TODAY)
    assert again.paper == once and again.problems == ()


def test_bound_papers_logs_one_line_per_changed_paper_and_how_many_were_refused(caplog: pytest.LogCaptureFixture) -> None:
    papers = [GOOD, replace(GOOD, arxiv_id="x" * 80), replace(GOOD, arxiv_id="2511.00001", upvotes=10**20)]
    with caplog.at_level(logging.WARNING, logger="bot.paper_bounds"):
        kept = bound_papers(papers, origin="test", today=TODAY)
        assert bound_paper(replace(GOOD, version=99), origin="one", today=TODAY) is not None
    assert [p.arxiv_id for p in kept] == ["2511.04570", "2511.00001"] and kept[1].upvotes is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 4 and all(len(line) < 600 for line in lines)
    assert "refused" in lines[0] and "arxiv_id" in lines[0]
    assert "2511.00001" in lines[1] and "upvotes: 100000000000000000000 is not in 0..2147483647" in lines[1]
    assert lines[2] == "test: refused 1 of 3 papers (see above)"
    assert lines[3].startswith("one: paper '2511.04570' kept; version: 99")
