"""Hugging Face Daily Papers: parsing real items (and their traps), paging, errors — over real HTTP."""
from __future__ import annotations

import copy
import logging
from datetime import UTC, date, datetime

import pytest

from bot.errors import SourceError, UsageError
from bot.sources.huggingface import HuggingFaceClient, parse_daily_papers
from tests.harness.clocks import RecordingSleep
from tests.harness.fixtures_paths import HF_DAY_07, HF_DAY_20, HF_MONTH_P4, HF_MONTH_P5_EMPTY, load_json
from tests.harness.paper_server import PaperServer, RecordedRequest, Reply

LISTING = "/api/daily_papers"


def client(server: PaperServer, sleep: RecordingSleep, **kwargs) -> HuggingFaceClient:
    return HuggingFaceClient(server.base_url, max_retries=2, sleep=sleep, **kwargs)


def test_real_item_is_parsed_with_every_field_from_the_right_place() -> None:
    papers = parse_daily_papers(load_json(HF_DAY_07))
    assert len(papers) == 15
    top = papers[0]
    assert top.arxiv_id == "2511.04570" and top.version is None
    # The stored title is hard-wrapped ("Multimodal\n  Reasoning"); it is re-flowed.
    assert top.title == "Thinking with Video: Video Generation as a Promising Multimodal Reasoning Paradigm"
    assert "\n" not in top.abstract and "Sora-2" in top.abstract and top.abstract.startswith('"Thinking with Text"')
    assert top.upvotes == 242 and top.num_comments == 5
    assert top.github_repo == "https://github.com/tongjingqi/Thinking-with-Video" and top.github_stars == 309
    assert top.project_page == "https://thinking-with-video.github.io/"
    assert top.thumbnail_url == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2511.04570.png"
    assert len(top.authors) == 14 and top.authors[0] == "Jingqi Tong" and top.authors[-1] == "Xipeng Qiu"
    # paper.publishedAt (17:25Z), not the item's publishedAt (12:25Z).
    assert top.published_at == datetime(2025, 11, 6, 17, 25, 23, tzinfo=UTC)
    assert top.announced_on == date(2025, 11, 7)
    assert top.ai_summary and top.ai_summary.startswith('The "Thinking with Video" paradigm')
    assert top.ai_keywords[:2] == ("Thinking with Text", "Thinking with Images")
    assert top.sources == {"huggingface"}
    # Papers without a repository or project page get None, not "".
    third = papers[2]
    assert (third.arxiv_id, third.upvotes, third.num_comments, third.github_repo, third.project_page) == (
        "2511.03773", 83, 2, None, None,
    )


def test_traps_upvotes_only_under_paper_and_comments_only_at_top_level() -> None:
    items = load_json(HF_DAY_07)[:1]
    items[0]["upvotes"] = 9999  # a top-level "upvotes" is not the paper's
    items[0]["paper"]["numComments"] = 8888  # nor is a "numComments" under paper the listing's
    (paper,) = parse_daily_papers(items)
    assert paper.upvotes == 242 and paper.num_comments == 5


def test_hidden_authors_are_still_authors() -> None:
    items = load_json(HF_MONTH_P4)
    items[0]["paper"]["authors"][1]["hidden"] = True
    (paper,) = parse_daily_papers(items[:1])
    assert paper.authors == ("Mauro Cettolo", "Marco Gaido", "Matteo Negri", "Sara Papi", "Luisa Bentivogli")


def test_malformed_items_are_logged_and_skipped_and_the_rest_kept(caplog: pytest.LogCaptureFixture) -> None:
    items = load_json(HF_DAY_20)
    items[1]["paper"]["title"] = 5  # a required field: the item goes
    del items[3]["paper"]["id"]
    items[5]["paper"]["id"] = "not-an-id"
    items[7] = "just a string"
    with caplog.at_level(logging.WARNING, logger="bot.sources.hf_payload"):
        papers = parse_daily_papers(items, origin="day 2025-11-20")
    assert len(papers) == 8
    assert [p.arxiv_id for p in papers][:3] == ["2511.14993", "2511.15593", "2511.15186"]
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 4
    assert "item 1 (id 2511.15065)" in logged[0] and "paper.title" in logged[0] and "(got 5)" in logged[0]
    assert "item 3" in logged[1] and "paper.id: Field required" in logged[1] and "VisPlay" in logged[1]
    assert "item 5" in logged[2] and "not an arXiv id" in logged[2]
    assert "item 7" in logged[3] and "not an object" in logged[3]
    assert all(m.startswith("day 2025-11-20:") for m in logged)


def test_payload_that_is_not_a_list_is_a_source_error() -> None:
    with pytest.raises(SourceError) as caught:
        parse_daily_papers({"error": "nope"}, origin="mine.json")
    message = str(caught.value)
    assert message.startswith("mine.json: expected a JSON array of Hugging Face daily-papers items")
    assert "/api/daily_papers" in message and message.endswith("got a JSON object")


def test_fallback_day_only_when_the_item_has_none() -> None:
    items = load_json(HF_DAY_20)[:2]
    del items[1]["paper"]["submittedOnDailyAt"]
    first, second = parse_daily_papers(items, fallback_day=date(2030, 1, 1))
    assert first.announced_on == date(2025, 11, 20) and second.announced_on == date(2030, 1, 1)


async def test_fetch_day_sends_the_documented_params(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route(LISTING, Reply.file(HF_DAY_07))
    async with client(server, sleep) as hf:
        papers = await hf.fetch_day(date(2025, 11, 7))
    assert [p.upvotes for p in papers[:4]] == [242, 98, 83, 40]
    assert all(p.announced_on == date(2025, 11, 7) for p in papers)
    (request,) = server.requests  # 15 items < limit 100: no second page asked for
    assert request.query == {"date": "2025-11-07", "sort": "trending", "limit": "100", "p": "0"}


def _pages(items: list, requests: list[RecordedRequest]):
    def handler(request: RecordedRequest) -> Reply:
        requests.append(request)
        page, limit = int(request.query["p"]), int(request.query["limit"])
        return Reply.json(items[page * limit : (page + 1) * limit])

    return handler


async def test_month_pages_until_the_empty_page(server: PaperServer, sleep: RecordingSleep) -> None:
    # 15 + 12 + 12 real items (the p-4 file shares 2511.03295 with 2025-11-07), served 13 per page.
    items = load_json(HF_DAY_07) + load_json(HF_DAY_20) + load_json(HF_MONTH_P4)
    seen: list[RecordedRequest] = []
    server.route(LISTING, _pages(items, seen))
    async with client(server, sleep, sort="publishedAt", limit=13) as hf:
        papers = await hf.fetch_month("2025-11")
    assert [r.query["p"] for r in seen] == ["0", "1", "2", "3"]  # p=3 is the empty page
    assert all(r.query["month"] == "2025-11" and r.query["sort"] == "publishedAt" for r in seen)
    assert len(papers) == 38  # 39 items, one paper listed twice
    assert len({p.arxiv_id for p in papers}) == 38
    assert papers[-1].arxiv_id == "2511.17918"


async def test_short_page_ends_paging_and_the_recorded_empty_page_is_no_papers(server: PaperServer, sleep: RecordingSleep) -> None:
    server.queue(LISTING, Reply.file(HF_MONTH_P4), Reply.file(HF_MONTH_P5_EMPTY))
    async with client(server, sleep) as hf:
        week = await hf.fetch_week("2025-W47")
        empty = await hf.fetch_day(date(2025, 11, 29))
    assert len(week) == 12 and week[0].arxiv_id == "2511.03295" and week[0].upvotes == 4
    assert empty == []
    assert [r.query.get("week") or r.query.get("date") for r in server.requests] == ["2025-W47", "2025-11-29"]


async def test_http_400_is_a_clear_source_error(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route(LISTING, Reply.json({"error": "Invalid date"}, status=400))
    async with client(server, sleep) as hf:
        with pytest.raises(SourceError) as caught:
            await hf.fetch_day(date(2025, 11, 7))
    message = str(caught.value)
    assert "Hugging Face rejected the listing date=2025-11-07" in message
    assert "HTTP 400" in message and "Invalid date" in message and server.base_url in message
    assert len(server.requests) == 1  # a 400 is not retried


async def test_bad_week_or_month_is_refused_before_any_request(server: PaperServer, sleep: RecordingSleep) -> None:
    async with client(server, sleep) as hf:
        with pytest.raises(UsageError, match="YYYY-Www"):
            await hf.fetch_week("2025-W60")
        with pytest.raises(UsageError, match="YYYY-MM"):
            await hf.fetch_month("2025-13")
    assert server.requests == []


async def test_fetch_paper_reads_the_flat_object_and_404_is_none(server: PaperServer, sleep: RecordingSleep) -> None:
    flat = copy.deepcopy(load_json(HF_DAY_07)[0]["paper"])  # /api/papers/{id} has no `paper` wrapper
    server.route("/api/papers/2511.04570", Reply.json(flat))
    async with client(server, sleep) as hf:
        paper = await hf.fetch_paper("https://arxiv.org/abs/2511.04570v2")
        missing = await hf.resolve("2511.99999")
    assert paper is not None and paper.arxiv_id == "2511.04570" and paper.upvotes == 242
    assert paper.title.endswith("Multimodal Reasoning Paradigm") and paper.announced_on == date(2025, 11, 7)
    assert missing is None
    assert [r.path for r in server.requests] == ["/api/papers/2511.04570", "/api/papers/2511.99999"]


async def test_trending_answer_for_other_days_is_kept_under_their_days_with_a_warning(
    server: PaperServer, sleep: RecordingSleep, caplog: pytest.LogCaptureFixture
) -> None:
    server.route(LISTING, Reply.file(HF_DAY_20))
    async with client(server, sleep) as hf:
        with caplog.at_level(logging.WARNING, logger="bot.sources.huggingface"):
            papers = await hf.fetch_day(date(2025, 11, 21))
    assert len(papers) == 12 and {p.announced_on for p in papers} == {date(2025, 11, 20)}
    assert any("12 of 12 papers listed on other days" in r.getMessage() for r in caplog.records)
