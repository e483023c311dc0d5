"""arXiv's category RSS feed: the real 4-item feed (new, new, cross, replace) and a weekend's empty one."""
from __future__ import annotations

import logging
import re
from datetime import date

import pytest

from bot.errors import SourceError, UsageError
from bot.sources.arxiv import ArxivClient, parse_rss
from tests.harness.clocks import RecordingSleep
from tests.harness.fixtures_paths import RSS_4_ITEMS
from tests.harness.paper_server import PaperServer, Reply

FEED_PATH = "/rss/cs.LG+cs.AI+cs.CL+stat.ML"
CATEGORIES = ["cs.LG", "cs.AI", "cs.CL", "stat.ML"]


def weekend_feed() -> bytes:
    """The real feed with its items removed and Saturday's date: what arXiv serves on weekends."""
    text = RSS_4_ITEMS.read_text(encoding="utf-8")
    text = re.sub(r"\s*<item>.*?</item>", "", text, flags=re.DOTALL)
    return text.replace("Thu, 24 Sep 2026 00:00:00 -0400", "Sat, 26 Sep 2026 00:00:00 -0400").encode()


def arxiv(server: PaperServer, sleep: RecordingSleep) -> ArxivClient:
    return ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, categories=CATEGORIES, min_interval=0.0, sleep=sleep)


def test_real_feed_items_with_their_announce_types() -> None:
    listing = parse_rss(RSS_4_ITEMS.read_bytes())
    assert listing.day == date(2026, 9, 24)
    assert [(e.paper.arxiv_id, e.paper.version, e.announce_type) for e in listing.entries] == [
        ("2609.26811", 1, "new"),
        ("2609.26820", 1, "new"),
        ("2205.06398", 2, "cross"),
        ("2009.13987", 3, "replace"),
    ]
    first, second, cross, replaced = (e.paper for e in listing.entries)
    assert first.title == "The Drift Contract: Spectral Updates for Depth-Robust Local Learning"
    assert first.abstract.startswith("Local learning trains each layer with its own auxiliary loss")
    assert "Announce Type" not in first.abstract and "Abstract:" not in first.abstract
    assert first.authors == ("Fabien Polly",) and first.categories == ("cs.LG",)
    assert second.authors == ("Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan")
    assert second.categories == ("cs.LG", "cs.AI")
    assert cross.categories == ("stat.ME", "stat.AP", "stat.ML") and cross.primary_category == "stat.ME"
    assert cross.authors == ("Pritam Dey", "Zhengwu Zhang", "David B. Dunson")
    assert replaced.title == "Random Polytope Descriptors" and replaced.authors[-1] == "Lukas Ruff"
    assert all(p.announced_on == date(2026, 9, 24) and p.sources == {"arxiv"} for p in (first, second, cross, replaced))


def test_math_in_abstracts_survives() -> None:
    """feedparser's HTML sanitiser would eat `$a<b$`; abstracts are plain text."""
    feed = RSS_4_ITEMS.read_text(encoding="utf-8").replace(
        "We introduce a class of random polytopes", "For $a&lt;b$ and x &amp; y we introduce a class of random polytopes"
    )
    replaced = parse_rss(feed.encode()).entries[3].paper
    assert replaced.abstract.startswith("For $a<b$ and x & y we introduce a class of random polytopes")


async def test_fetch_new_is_new_and_cross_by_default(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route(FEED_PATH, Reply.file(RSS_4_ITEMS, content_type="application/rss+xml"))
    server.route("/rss/cs.LG", Reply(weekend_feed(), content_type="application/rss+xml"))
    async with arxiv(server, sleep) as client:
        fresh = await client.fetch_new()
        everything = await client.fetch_new(include_replacements=True)
        other = await client.fetch_new(["cs.LG"])
    assert [p.arxiv_id for p in fresh] == ["2609.26811", "2609.26820", "2205.06398"]
    assert [p.arxiv_id for p in everything] == ["2609.26811", "2609.26820", "2205.06398", "2009.13987"]
    assert other == []
    assert [r.path for r in server.requests] == [FEED_PATH, FEED_PATH, "/rss/cs.LG"]


async def test_fetch_day_only_for_the_day_the_feed_announces(server: PaperServer, sleep: RecordingSleep, caplog: pytest.LogCaptureFixture) -> None:
    server.route(FEED_PATH, Reply.file(RSS_4_ITEMS, content_type="application/rss+xml"))
    async with arxiv(server, sleep) as client:
        today = await client.fetch_day(date(2026, 9, 24))
        with caplog.at_level(logging.INFO, logger="bot.sources.arxiv_rss"):
            yesterday = await client.fetch_day(date(2026, 9, 23))
    assert [p.arxiv_id for p in today] == ["2609.26811", "2609.26820", "2205.06398"]
    assert yesterday == []
    assert any("announces 2026-09-24, not 2026-09-23" in r.getMessage() for r in caplog.records)


async def test_weekend_feed_is_empty_not_an_error(server: PaperServer, sleep: RecordingSleep, caplog: pytest.LogCaptureFixture) -> None:
    server.route(FEED_PATH, Reply(weekend_feed(), content_type="application/rss+xml"))
    async with arxiv(server, sleep) as client:
        with caplog.at_level(logging.INFO, logger="bot.sources.arxiv_rss"):
            listing = await client.fetch_listing()
            papers = await client.fetch_day(date(2026, 9, 26))
    assert listing.entries == () and listing.day == date(2026, 9, 26)
    assert papers == []
    assert any("is empty" in r.getMessage() and "Saturdays and Sundays" in r.getMessage() for r in caplog.records)


async def test_an_html_page_instead_of_a_feed_is_a_source_error(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route(FEED_PATH, Reply(b"<html><body>Service down for maintenance</body></html>", content_type="text/html"))
    async with arxiv(server, sleep) as client:
        with pytest.raises(SourceError, match="is not an RSS feed"):
            await client.fetch_new()


async def test_bad_categories_are_refused_before_any_request(server: PaperServer, sleep: RecordingSleep) -> None:
    async with arxiv(server, sleep) as client:
        with pytest.raises(UsageError, match="cs.LG or stat.ML"):
            await client.fetch_new(["cs.LG+cs.AI"])
        with pytest.raises(UsageError):
            await client.fetch_new([])
    assert server.requests == []
