"""arXiv as one source: the daily RSS listing plus the export API, behind ONE throttle.

arXiv asks for at most one request every 3 seconds over a single connection, counting
the API and the RSS feed together, so both halves here use the same :class:`HttpFetcher`
(made by :func:`arxiv_fetcher`, or passed in to share it with other arXiv code).
Every public call ends in papers or a SourceError, within ``deadline`` seconds.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable, Sequence
from datetime import date
from typing import TypeVar

import aiohttp

from bot.domain import Paper
from bot.sources.arxiv_api import DEFAULT_API_BASE_URL, MAX_BATCH, ArxivApiClient, parse_atom
from bot.sources.arxiv_rss import DEFAULT_RSS_BASE_URL, ArxivRssSource, RssEntry, RssListing, parse_rss
from bot.sources.guard import DEFAULT_DEADLINE, guarded
from bot.sources.http import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_WAIT, HttpFetcher, Sleep

__all__ = [
    "ArxivClient",
    "DEFAULT_API_BASE_URL",
    "DEFAULT_CATEGORIES",
    "DEFAULT_MIN_INTERVAL",
    "DEFAULT_RSS_BASE_URL",
    "RssEntry",
    "RssListing",
    "arxiv_fetcher",
    "parse_atom",
    "parse_rss",
]

_log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_DAY = date(1991, 8, 14)  # arXiv's first announcements; its RSS feed itself keeps only the current day
DEFAULT_MIN_INTERVAL = 3.0
DEFAULT_CATEGORIES = ("cs.AI", "cs.CL", "cs.CV", "cs.LG")


def arxiv_fetcher(
    *,
    min_interval: float = DEFAULT_MIN_INTERVAL,
    timeout: float = 30.0,
    max_retries: int = 4,
    max_wait: float = DEFAULT_MAX_WAIT,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    session: aiohttp.ClientSession | None = None,
    sleep: Sleep = asyncio.sleep,
) -> HttpFetcher:
    """A fetcher with arXiv's manners: one connection, ``min_interval`` seconds between requests.

    A Retry-After above ``max_wait`` is given up on at once; backoff waits are at most ``max_wait``.
    """
    return HttpFetcher(
        session=session,
        timeout=timeout,
        max_retries=max_retries,
        backoff_base=min(max(1.0, min_interval), max_wait),
        backoff_max=min(30.0, max_wait),
        max_retry_after=max_wait,
        retry_after_limit=max_wait,
        max_body_bytes=max_body_bytes,
        min_interval=min_interval,
        max_connections=1,
        sleep=sleep,
    )


class ArxivClient:
    """New submissions by category (RSS) and lookups by id (API), sharing one throttle.

    Implements ``PaperSource`` (``fetch_day``: the current listing, see
    :meth:`ArxivRssSource.fetch_day`) and ``PaperResolver`` (``resolve``). ``max_wait``,
    ``deadline`` and ``max_body_bytes`` are as for :class:`bot.sources.huggingface.HuggingFaceClient`
    (they apply to a fetcher made here; a fetcher passed in keeps its own waits and limits).
    """

    name = "arxiv"

    def __init__(
        self,
        *,
        rss_base_url: str = DEFAULT_RSS_BASE_URL,
        api_base_url: str = DEFAULT_API_BASE_URL,
        categories: Sequence[str] = DEFAULT_CATEGORIES,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        timeout: float = 30.0,
        max_retries: int = 4,
        batch_size: int = MAX_BATCH,
        max_wait: float = DEFAULT_MAX_WAIT,
        deadline: float | None = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        fetcher: HttpFetcher | None = None,
        session: aiohttp.ClientSession | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if deadline is not None and deadline <= 0:
            raise ValueError("deadline must be > 0 (or None)")
        self.deadline = deadline
        self._owns_fetcher = fetcher is None
        self.fetcher = fetcher or arxiv_fetcher(
            min_interval=min_interval, timeout=timeout, max_retries=max_retries, max_wait=max_wait,
            max_body_bytes=max_body_bytes, session=session, sleep=sleep,
        )
        self.rss = ArxivRssSource(self.fetcher, base_url=rss_base_url, categories=categories)
        self.api = ArxivApiClient(self.fetcher, base_url=api_base_url, batch_size=batch_size)

    async def __aenter__(self) -> ArxivClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_fetcher:
            await self.fetcher.close()

    async def fetch_listing(self, categories: Sequence[str] | None = None) -> RssListing:
        return await self._guarded("arXiv RSS", "the listing", self.rss.fetch_listing(categories))

    async def fetch_new(self, categories: Sequence[str] | None = None, *, include_replacements: bool = False) -> list[Paper]:
        return await self._guarded("arXiv RSS", "the listing", self.rss.fetch_new(categories, include_replacements=include_replacements))

    async def fetch_day(self, day: date) -> list[Paper]:
        return await self._guarded("arXiv RSS", f"the listing of {day}", self.rss.fetch_day(day))

    async def lookup(self, ids: Iterable[str]) -> list[Paper]:
        return await self._guarded("arXiv API", "the look-up", self.api.lookup(ids))

    async def resolve(self, arxiv_id: str) -> Paper | None:
        return await self._guarded("arXiv API", f"the look-up of {arxiv_id.strip()[:80]}", self.api.resolve(arxiv_id))

    async def _guarded(self, source: str, what: str, work: Awaitable[T]) -> T:
        return await guarded(source, what, work, deadline=self.deadline)
