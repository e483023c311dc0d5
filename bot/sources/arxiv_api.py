"""arXiv's export API (Atom 1.0): full metadata for papers by id, ``{base}/api/query?id_list=…``.

Quirks handled here: an id arXiv does not know is silently dropped from the answer; a
query it cannot parse comes back as HTTP 400 whose Atom feed holds one ``<entry>``
titled "Error" with the reason in ``<summary>``; the 2016 and 2026 formats differ in
namespace placement, which feedparser absorbs.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.arxiv_ids import try_parse_arxiv_id
from bot.domain import Paper, Source
from bot.errors import SourceError
from bot.sources.http import HttpError, HttpFetcher
from bot.text import clean_text

_log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "http://export.arxiv.org"
MAX_BATCH = 100


def parse_atom(payload: bytes, *, origin: str = "arXiv API") -> list[Paper]:
    """The entries of an API answer as Papers; an error entry raises SourceError with arXiv's words."""
    feed = feedparser.parse(payload, sanitize_html=False, resolve_relative_uris=False)
    if not feed.get("version") and not feed.entries:
        raise SourceError(f"{origin} did not answer an Atom feed; it began with {payload[:80]!r}")
    error = atom_error(feed)
    if error is not None:
        raise SourceError(f"arXiv API error: {error} ({origin})")
    papers: list[Paper] = []
    for index, entry in enumerate(feed.entries):
        try:
            papers.append(_paper(entry))
        except ValueError as exc:
            _log.warning("%s: skipping entry %d (%s): %s", origin, index, entry.get("id", "no id"), exc)
    return papers


def atom_error(feed: Any) -> str | None:
    """arXiv's error text if the feed (parsed, or raw bytes) is an error answer, else None."""
    if isinstance(feed, (bytes, str)):
        feed = feedparser.parse(feed, sanitize_html=False, resolve_relative_uris=False)
    for entry in feed.entries:
        if entry.get("title", "").strip() == "Error" and "/api/errors" in entry.get("id", ""):
            return clean_text(entry.get("summary")) or entry.get("id")
    return None


def _paper(entry: Any) -> Paper:
    parsed = try_parse_arxiv_id(entry.get("id", ""))
    if parsed is None:
        raise ValueError(f"id {entry.get('id')!r} is not an arXiv abstract URL")
    title = clean_text(entry.get("title"))
    if not title:
        raise ValueError("title: missing or empty")
    primary = (entry.get("arxiv_primary_category") or {}).get("term", "").strip()
    terms = [t.get("term", "").strip() for t in entry.get("tags", [])]
    categories = tuple(dict.fromkeys(c for c in [primary, *terms] if c))
    return Paper(
        arxiv_id=parsed.id,
        version=parsed.version,
        title=title,
        abstract=clean_text(entry.get("summary")),
        authors=tuple(name for name in (clean_text(a.get("name")) for a in entry.get("authors", [])) if name),
        categories=categories,
        published_at=_timestamp(entry.get("published")),
        updated_at=_timestamp(entry.get("updated")),
        sources=frozenset({Source.ARXIV.value}),
    )


def _timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


class ArxivApiClient:
    """Looks papers up by id, at most :data:`MAX_BATCH` per request. Share the fetcher with RSS."""

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
