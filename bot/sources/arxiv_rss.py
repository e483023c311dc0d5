"""arXiv's daily "new submissions" RSS feed by category: ``{base}/rss/cs.LG+cs.CL``.

The feed holds only the current announcement (rebuilt at midnight US Eastern) and is
empty on Saturdays and Sundays. Each item says how it was announced: ``new``, ``cross``
(listed from another archive), ``replace`` or ``replace-cross`` (a new version of an
older paper). Parsing is feedparser's, with HTML sanitising off: abstracts are plain
text full of ``$a<b$`` that a sanitiser would eat.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from bot.arxiv_ids import try_parse_arxiv_id
from bot.domain import Paper, Source
from bot.errors import SourceError, UsageError
from bot.paper_bounds import check_paper, plausible_day, shown
from bot.sources.feed_safety import defuse_author_fields
from bot.sources.feed_values import items, parse_each, reporter, text
from bot.sources.guard import unexpected
from bot.sources.http import HttpFetcher, redact_url
from bot.text import clean_text

_log = logging.getLogger(__name__)

DEFAULT_RSS_BASE_URL = "https://rss.arxiv.org"
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
FRESH_TYPES = frozenset({"new", "cross"})
_DESCRIPTION_RE = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?(?P<abstract>.*)$",
    re.DOTALL | re.IGNORECASE,
)
_GUID_PREFIX = "oai:arXiv.org:"


@dataclass(frozen=True)
class RssEntry:
    """One announced paper and how it was announced (one of :data:`ANNOUNCE_TYPES`)."""

    paper: Paper
    announce_type: str

    @property
    def is_fresh(self) -> bool:
        """A first announcement in these categories (new or cross-list), not a new version."""
        return self.announce_type in FRESH_TYPES


@dataclass(frozen=True)
class RssListing:
    """One day's announcement for some categories; ``day`` is None for a feed without dates."""

    day: date | None
    entries: tuple[RssEntry, ...]

    def papers(self, *, include_replacements: bool = False) -> list[Paper]:
        return [e.paper for e in self.entries if e.is_fresh or (include_replacements and e.announce_type.startswith("replace"))]


def parse_rss(payload: bytes, *, origin: str = "arXiv RSS") -> RssListing:
    """The feed's items as bounded Papers with their announce types; malformed items are logged and skipped.

    No exception but SourceError leaves this function; a feed with items of which none could be
    read is one (an empty feed, as on weekends, is not).
    """
    try:
        feed = feedparser.parse(defuse_author_fields(payload), sanitize_html=False, resolve_relative_uris=False)
        if not feed.get("version") and not feed.entries:
            problem = feed.get("bozo_exception")
            detail = f" ({' '.join(str(problem).split())[:200]})" if problem else ""
            raise SourceError(f"{origin} is not an RSS feed{detail}; it began with {payload[:80]!r}")
        channel = feed.get("feed")
        feed_day = _day(channel.get("published") or channel.get("updated")) if isinstance(channel, dict) else None
    except SourceError:
        raise
    except Exception as exc:
        raise unexpected("arXiv RSS", f"reading {origin}", exc) from exc
    entries = parse_each(feed.entries, lambda index, item: _entry(item, feed_day, reporter(_log, f"{origin}: item {index} ({_item_id(item)})")),
                         log=_log, origin=origin, source="arXiv RSS", kind="item", plural="items", entry_id=_item_id)
    if feed.entries and not entries:  # arXiv answered, but nothing in it could be read: a failure, not an empty day
        count = len(feed.entries)
        raise SourceError(f"{origin}: the listing had {count} item{'s' if count != 1 else ''} and none could be read "
                          "(the reasons are logged above)")
    day = feed_day or next((e.paper.announced_on for e in entries if e.paper.announced_on), None)
    return RssListing(day=day, entries=tuple(entries))


def _entry(item: Any, feed_day: date | None, on_problems: Callable[[str], None]) -> RssEntry:
    description = text(item.get("summary"))
    described = _DESCRIPTION_RE.match(description) if len(description) <= 200_000 else None
    guid = text(item.get("id"))
    raw_id = guid[len(_GUID_PREFIX):] if guid.startswith(_GUID_PREFIX) else (described["id"] if described else text(item.get("link")))
    parsed = try_parse_arxiv_id(raw_id) if len(raw_id) <= 300 else None
    if parsed is None:
        raise ValueError(f"no arXiv id in guid {shown(guid)} or description")
    title = clean_text(text(item.get("title")))
    if not title:
        raise ValueError("title: missing or empty")
    announce_type = clean_text(text(item.get("arxiv_announce_type")) or (described["type"] if described else "new")).lower()[:40]
    if announce_type not in ANNOUNCE_TYPES:
        _log.info("arXiv item %s has an unknown announce type %s", parsed.id, shown(announce_type))
    creators = ",".join(text(a.get("name")) for a in items(item.get("authors")) if isinstance(a, dict)) or text(item.get("author"))
    terms = (text(t.get("term")).strip() for t in items(item.get("tags")) if isinstance(t, dict))
    checked = check_paper(Paper(
        arxiv_id=parsed.id,
        version=parsed.version,
        title=title,
        abstract=clean_text(described["abstract"] if described else description),
        authors=tuple(name for name in (clean_text(n) for n in creators.split(",")) if name),
        categories=tuple(dict.fromkeys(term for term in terms if term)),
        announced_on=_day(item.get("published")) or feed_day,
        sources=frozenset({Source.ARXIV.value}),
    ))
    if checked.paper is None:
        raise ValueError(checked.describe())
    if checked.problems:
        on_problems(checked.describe())
    return RssEntry(paper=checked.paper, announce_type=announce_type)


def _day(value: object) -> date | None:
    """The calendar day of an RFC 822 date in its own zone (arXiv's announce day is US Eastern); None if implausible."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    try:
        day = parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return day if plausible_day(day) else None


def _item_id(item: Any) -> str:
    value = (text(item.get("id")) or text(item.get("link"))) if isinstance(item, dict) else ""
    return clean_text(value[:200])[:80] or "no id"




class ArxivRssSource:
    """Today's announcement for the configured categories. Share the fetcher with the API client.

    Deadlines and the SourceError-only promise are :class:`bot.sources.arxiv.ArxivClient`'s.
    """

    name = "arxiv"

    def __init__(self, fetcher: HttpFetcher, *, base_url: str = DEFAULT_RSS_BASE_URL, categories: Sequence[str] = ("cs.LG",)) -> None:
        self._fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.categories = tuple(categories)

    async def fetch_listing(self, categories: Sequence[str] | None = None) -> RssListing:
        cats = tuple(categories) if categories is not None else self.categories
        if not cats or any(not c.strip() or "+" in c or "/" in c for c in cats):
            raise UsageError(f"arXiv categories must be names like cs.LG or stat.ML, got {list(cats)!r}")
        url = f"{self.base_url}/rss/{'+'.join(c.strip() for c in cats)}"
        response = await self._fetcher.get(url, headers={"Accept": "application/rss+xml, application/xml;q=0.9"})
        listing = parse_rss(response.body, origin=redact_url(url))
        if not listing.entries:
            _log.info("%s is empty (arXiv announces nothing on Saturdays and Sundays)", redact_url(url))
        return listing

    async def fetch_new(self, categories: Sequence[str] | None = None, *, include_replacements: bool = False) -> list[Paper]:
        """Papers first announced today (new and cross-listed); new versions too if asked."""
        return (await self.fetch_listing(categories)).papers(include_replacements=include_replacements)

    async def fetch_day(self, day: date) -> list[Paper]:
        """Today's new and cross-listed papers if the feed is for ``day``; otherwise ``[]``.

        The feed has no history: asking for any other day than the one it currently
        announces gives an empty list (and an info log), never another day's papers.
        """
        listing = await self.fetch_listing()
        if listing.day is not None and listing.day != day:
            _log.info("the arXiv feed announces %s, not %s; it keeps no earlier days", listing.day, day)
            return []
        return listing.papers()
