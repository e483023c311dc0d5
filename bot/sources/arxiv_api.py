"""arXiv's export API (Atom 1.0): full metadata for papers by id, ``{base}/api/query?id_list=…``.

Quirks handled here: an id arXiv does not know is silently dropped from the answer; a
query it cannot parse comes back as HTTP 400 whose Atom feed holds one ``<entry>``
titled "Error" with the reason in ``<summary>``; the 2016 and 2026 formats differ in
namespace placement, which feedparser absorbs.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import feedparser

from bot.arxiv_ids import try_parse_arxiv_id
from bot.domain import Paper, Source
from bot.errors import SourceError
from bot.paper_bounds import check_paper, parse_timestamp, shown
from bot.sources.feed_safety import defuse_author_fields
from bot.sources.feed_values import items, parse_each, reporter, text
from bot.sources.guard import unexpected
from bot.sources.http import HttpError, HttpFetcher
from bot.text import clean_text

_log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "http://export.arxiv.org"
MAX_BATCH = 100


def parse_atom(payload: bytes, *, origin: str = "arXiv API") -> list[Paper]:
    """The entries of an API answer as bounded Papers; an error entry raises SourceError with arXiv's words.

    A malformed entry is logged and skipped; no exception but SourceError leaves this function.
    """
    try:
        feed = feedparser.parse(defuse_author_fields(payload), sanitize_html=False, resolve_relative_uris=False)
        if not feed.get("version") and not feed.entries:
            raise SourceError(f"{origin} did not answer an Atom feed; it began with {payload[:80]!r}")
        error = atom_error(feed)
    except SourceError:
        raise
    except Exception as exc:
        raise unexpected("arXiv API", f"reading {origin}", exc) from exc
    if error is not None:
        raise SourceError(f"arXiv API error: {error[:300]} ({origin})")
    return parse_each(feed.entries, lambda index, entry: _paper(entry, reporter(_log, f"{origin}: entry {index} ({_entry_id(entry)})")),
                      log=_log, origin=origin, source="arXiv API", kind="entry", plural="entries", entry_id=_entry_id)


def _entry_id(entry: Any) -> str:
    value = entry.get("id") if isinstance(entry, dict) else None
    return clean_text(value[:200])[:80] if isinstance(value, str) and value.strip() else "no id"


def atom_error(feed: Any) -> str | None:
    """arXiv's error text if the feed (parsed, or raw bytes) is an error answer, else None."""
    if isinstance(feed, (bytes, str)):
        raw = defuse_author_fields(feed) if isinstance(feed, bytes) else feed
        feed = feedparser.parse(raw, sanitize_html=False, resolve_relative_uris=False)
    for entry in feed.entries:
        if text(entry.get("title")).strip() == "Error" and "/api/errors" in text(entry.get("id")):
            return clean_text(text(entry.get("summary"))) or text(entry.get("id"))
    return None


def _paper(entry: Any, on_problems: Callable[[str], None]) -> Paper:
    """One entry as a bounded Paper; ValueError (the field and why) for one that cannot be stored."""
    raw_id = text(entry.get("id"))
    parsed = try_parse_arxiv_id(raw_id) if len(raw_id) <= 300 else None
    if parsed is None:
        raise ValueError(f"id {shown(raw_id)} is not an arXiv abstract URL")
    title = clean_text(text(entry.get("title")))
    if not title:
        raise ValueError("title: missing or empty")
    primary = entry.get("arxiv_primary_category")
    primary_term = text(primary.get("term")).strip() if isinstance(primary, dict) else ""
    terms = [text(t.get("term")).strip() for t in items(entry.get("tags")) if isinstance(t, dict)]
    categories = tuple(dict.fromkeys(c for c in [primary_term, *terms] if c))
    names = (clean_text(text(a.get("name"))) for a in items(entry.get("authors")) if isinstance(a, dict))
    checked = check_paper(Paper(
        arxiv_id=parsed.id,
        version=parsed.version,
        title=title,
        abstract=clean_text(text(entry.get("summary"))),
        authors=tuple(name for name in names if name),
        categories=categories,
        published_at=parse_timestamp(entry.get("published")),
        updated_at=parse_timestamp(entry.get("updated")),
        sources=frozenset({Source.ARXIV.value}),
    ))
    if checked.paper is None:
        raise ValueError(checked.describe())
    if checked.problems:
        on_problems(checked.describe())
    return checked.paper




class ArxivApiClient:
    """Looks papers up by id, at most :data:`MAX_BATCH` per request. Share the fetcher with RSS.

    Deadlines and the SourceError-only promise are :class:`bot.sources.arxiv.ArxivClient`'s.
    """

    name = "arxiv"

    def __init__(self, fetcher: HttpFetcher, *, base_url: str = DEFAULT_API_BASE_URL, batch_size: int = MAX_BATCH) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")
        self._fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.batch_size = batch_size

    async def lookup(self, ids: Iterable[str]) -> list[Paper]:
        """Papers for ``ids`` (with or without ``vN``), in arXiv's order; unknown ids are simply absent."""
        wanted = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
        papers: list[Paper] = []
        for start in range(0, len(wanted), self.batch_size):
            papers.extend(await self._query(wanted[start : start + self.batch_size]))
        return papers

    async def resolve(self, arxiv_id: str) -> Paper | None:
        """One paper by id; None when arXiv does not know it."""
        canonical = try_parse_arxiv_id(arxiv_id)
        found = await self.lookup([arxiv_id])
        return next((p for p in found if canonical is None or p.arxiv_id == canonical.id), None)

    async def _query(self, batch: list[str]) -> list[Paper]:
        url = f"{self.base_url}/api/query"
        params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
        try:
            response = await self._fetcher.get(url, params=params, headers={"Accept": "application/atom+xml"})
        except HttpError as exc:
            error = atom_error(exc.body) if exc.status == 400 and exc.body else None
            if error is not None:
                raise HttpError(
                    f"arXiv API rejected id_list={params['id_list'][:200]}: {error}", url=exc.url, status=exc.status, body=exc.body
                ) from None
            raise
        return parse_atom(response.body, origin=response.url)
