"""Hugging Face Daily Papers: the community-curated, upvoted daily listing (no auth).

``GET {base_url}/api/daily_papers`` with ``date=YYYY-MM-DD`` | ``week=YYYY-Www`` |
``month=YYYY-MM``, paged by ``p`` (0-based) and ``limit``. The answer is a bare JSON
array; a page past the end is ``[]``. ``GET {base_url}/api/papers/{id}`` gives one paper.
Parsing lives in :mod:`bot.sources.hf_payload` (re-exported here).
"""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable
from datetime import date
from typing import Any, Literal, TypeVar

import aiohttp

from bot.arxiv_ids import try_parse_arxiv_id
from bot.domain import Paper, dedupe_papers
from bot.errors import SourceError, UsageError
from bot.sources.guard import DEFAULT_DEADLINE, guarded
from bot.sources.hf_payload import ACCEPTED_FORMAT, MalformedItem, parse_daily_papers, parse_item
from bot.sources.http import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_WAIT, HttpError, HttpFetcher, Sleep, redact_url

__all__ = ["ACCEPTED_FORMAT", "DEFAULT_BASE_URL", "HuggingFaceClient", "parse_daily_papers"]

_log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_BASE_URL = "https://huggingface.co"
FIRST_DAY = date(2023, 5, 4)  # the first day of Hugging Face Daily Papers (as reported; not in docs/notes)
Sort = Literal["trending", "publishedAt"]
_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class HuggingFaceClient:
    """Daily papers by day, ISO week or month, and single papers by arXiv id.

    Implements the ``PaperSource`` (``fetch_day``) and ``PaperResolver`` (``resolve``)
    protocols. ``max_pages`` is a safety stop in case the server ignores ``p``.
    ``max_wait``: the longest Retry-After or backoff waited for (a server asking more is
    given up on at once); ``deadline``: seconds for one whole listing or look-up, after
    which it is a SourceError; ``max_body_bytes``: the most one answer may decode to.
    Every call ends in papers or a SourceError (never a parser's KeyError).
    """

    name = "huggingface"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        sort: Sort = "trending",
        limit: int = 100,
        max_pages: int = 50,
        max_wait: float = DEFAULT_MAX_WAIT,
        deadline: float | None = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        fetcher: HttpFetcher | None = None,
        session: aiohttp.ClientSession | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if sort not in ("trending", "publishedAt"):
            raise ValueError(f"sort must be 'trending' or 'publishedAt', not {sort!r}")
        if limit < 1 or max_pages < 1:
            raise ValueError("limit and max_pages must be at least 1")
        if deadline is not None and deadline <= 0:
            raise ValueError("deadline must be > 0 (or None)")
        self.base_url = base_url.rstrip("/")
        self.sort = sort
        self.limit = limit
        self.max_pages = max_pages
        self.deadline = deadline
        self._shown_base = redact_url(self.base_url)
        self._owns_fetcher = fetcher is None
        self._fetcher = fetcher or HttpFetcher(
            session=session,
            timeout=timeout,
            max_retries=max_retries,
            backoff_max=min(30.0, max_wait),
            max_retry_after=max_wait,
            retry_after_limit=max_wait,
            max_body_bytes=max_body_bytes,
            sleep=sleep,
        )

    async def __aenter__(self) -> HuggingFaceClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_fetcher:
            await self._fetcher.close()

    async def fetch_day(self, day: date) -> list[Paper]:
        """The papers listed for ``day`` (``submittedOnDailyAt``); ``[]`` for days without any."""
        papers = await self._guarded(f"the listing of {day}", self._listing({"date": day.isoformat()}, fallback_day=day))
        elsewhere = [p for p in papers if p.announced_on != day]
        if elsewhere:
            # Reported: sort=trending may ignore `date`. Such papers keep their own day.
            _log.warning(
                "Hugging Face answered date=%s (sort=%s) with %d of %d papers listed on other days; "
                "they are kept under their own days (sort=publishedAt honours the date)",
                day, self.sort, len(elsewhere), len(papers),
            )
        return papers

    async def fetch_week(self, week: str) -> list[Paper]:
        """The papers of ISO week ``YYYY-Www`` (e.g. ``2025-W45``)."""
        if not _is_iso_week(week.strip()):
            raise UsageError(f"'{week}' is not an ISO week; use YYYY-Www, e.g. 2025-W45.")
        return await self._guarded(f"the listing of week {week.strip()}", self._listing({"week": week.strip()}))

    async def fetch_month(self, month: str) -> list[Paper]:
        """The papers of month ``YYYY-MM`` (e.g. ``2025-11``)."""
        if not _MONTH_RE.match(month.strip()):
            raise UsageError(f"'{month}' is not a month; use YYYY-MM, e.g. 2025-11.")
        return await self._guarded(f"the listing of month {month.strip()}", self._listing({"month": month.strip()}))

    async def fetch_paper(self, arxiv_id: str) -> Paper | None:
        """One paper from ``/api/papers/{id}``; None when Hugging Face does not know it."""
        parsed = try_parse_arxiv_id(arxiv_id)
        if parsed is None:
            raise UsageError(f"'{arxiv_id}' is not an arXiv id.")
        if "/" in parsed.id:  # old-style ids have no Hugging Face page
            return None
        return await self._guarded(f"the look-up of {parsed.id}", self._paper(parsed.id))

    async def resolve(self, arxiv_id: str) -> Paper | None:
        return await self.fetch_paper(arxiv_id)

    async def _guarded(self, what: str, work: Awaitable[T]) -> T:
        return await guarded("Hugging Face", what, work, deadline=self.deadline)

    async def _paper(self, arxiv_id: str) -> Paper | None:
        url = f"{self.base_url}/api/papers/{arxiv_id}"
        try:
            payload = await self._fetcher.get_json(url)
        except HttpError as exc:
            if exc.status == 404:
                return None
            raise
        def changed(problems: str) -> None:
            _log.warning("%s: %s", redact_url(url), problems)

        try:
            return parse_item(payload, on_problems=changed)
        except MalformedItem as exc:
            raise SourceError(f"{redact_url(url)} answered with an unusable paper: {exc}") from None

    async def _listing(self, query: dict[str, str], *, fallback_day: date | None = None) -> list[Paper]:
        """Every page of one listing, until an empty or short page; sightings merged by id.

        A listing with items of which not one could be read is a SourceError: the caller (cron,
        `paperbot run`'s monitoring) must see that, not an ordinary day without papers."""
        url = f"{self.base_url}/api/daily_papers"
        what = ", ".join(f"{k}={v}" for k, v in query.items())
        papers: list[Paper] = []
        seen: set[str] = set()
        items = skipped = 0
        for page in range(self.max_pages):
            params = {**query, "sort": self.sort, "limit": str(self.limit), "p": str(page)}
            payload = await self._get_page(url, params, what)
            found = parse_daily_papers(payload, fallback_day=fallback_day, origin=f"{self._shown_base}/api/daily_papers ({what}, p={page})")
            items += len(payload)
            skipped += len(payload) - len(found)
            if not payload:
                break
            new_ids = {p.arxiv_id for p in found} - seen
            if found and not new_ids:
                _log.warning("Hugging Face page p=%d of %s repeats earlier pages; stopping there", page, what)
                break
            seen |= new_ids
            papers.extend(found)
            if len(payload) < self.limit:
                break
        else:
            _log.warning("Hugging Face listing %s still had items after %d pages; stopped", what, self.max_pages)
        if items and skipped == items:
            # Hugging Face answered, but nothing in it could be read: a failure, not an empty day.
            raise SourceError(
                f"Hugging Face's listing {what} had {items} item{'s' if items != 1 else ''} and none could be read "
                "(the reasons are logged above)"
            )
        if skipped:
            _log.warning("Hugging Face listing %s: skipped %d of %d items (the reasons are logged above); kept the rest", what, skipped, items)
        return dedupe_papers(papers)

    async def _get_page(self, url: str, params: dict[str, str], what: str) -> Any:
        try:
            return await self._fetcher.get_json(url, params=params)
        except HttpError as exc:
            if exc.status == 400:
                raise SourceError(
                    f"Hugging Face rejected the listing {what} (HTTP 400 from {exc.url}): "
                    "dates are YYYY-MM-DD, weeks YYYY-Www, months YYYY-MM"
                    + (f". It said: {_said(exc.body)}" if exc.body else "")
                ) from None
            raise


def _is_iso_week(text: str) -> bool:
    match = _WEEK_RE.match(text)
    if not match:
        return False
    try:
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return False
    return True


def _said(body: bytes) -> str:
    text = " ".join(body[:400].decode("utf-8", errors="replace").split())
    return text[:200]
