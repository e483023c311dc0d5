"""Each enabled paper source answers one cheap request: Hugging Face's daily papers of today
(``limit=1``), arXiv's RSS feed of the first configured category and its API (``max_results=1``).

The requests go through the sources' own :class:`~bot.sources.http.HttpFetcher` (its redaction,
size limit and time limit), with no retries and a short timeout: the doctor says what is wrong
now instead of waiting through a fetch's backoff. The answer is parsed like a fetch parses it, so
a proxy's HTML page is caught as well as a closed port.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.config import Config
from bot.errors import SourceError
from bot.plural import counted
from bot.sources.arxiv_api import parse_atom
from bot.sources.arxiv_rss import parse_rss
from bot.sources.hf_payload import parse_daily_papers
from bot.sources.http import HttpError, HttpFetcher, HttpResponse, redact_url
from paperbot.doctor.network import DOCTOR_TIMEOUT, Failure, fix_for, from_http_error
from paperbot.doctor.report import Check


async def check_huggingface(config: Config) -> Check:
    cfg = config.sources.huggingface
    name = "source huggingface"
    if not cfg.enabled:
        return Check.skip(name, "[sources.huggingface] enabled = false")
    day = datetime.now(UTC).date().isoformat()
    base = cfg.base_url.rstrip("/")
    async with HttpFetcher(timeout=min(DOCTOR_TIMEOUT, cfg.timeout_seconds), max_retries=0,
                           max_body_bytes=cfg.max_response_bytes) as fetcher:
        return await _probe(
            name, fetcher, f"{base}/api/daily_papers", {"date": day, "limit": "1"}, {"Accept": "application/json"},
            lambda response: parse_daily_papers(response.json(), origin=response.url),
            key="[sources.huggingface] base_url", base=base, what="Hugging Face's daily papers API",
            off="[sources.huggingface] enabled", done=lambda papers: f"{redact_url(base)} answered ({counted(len(papers), 'paper')} for {day})",
        )


async def check_arxiv(config: Config) -> list[Check]:
    cfg = config.sources.arxiv
    if not cfg.enabled:
        return [Check.skip("source arxiv", "[sources.arxiv] enabled = false")]
    category = cfg.categories[0] if cfg.categories else "cs.LG"
    rss, api = cfg.rss_base_url.rstrip("/"), cfg.api_base_url.rstrip("/")
    # one fetcher for both, as arXiv asks: one connection, min_interval_seconds between requests
    async with HttpFetcher(timeout=min(DOCTOR_TIMEOUT, cfg.timeout_seconds), max_retries=0, max_connections=1,
                           min_interval=cfg.min_interval_seconds, max_body_bytes=cfg.max_response_bytes) as fetcher:
        feed = await _probe(
            "source arxiv rss", fetcher, f"{rss}/rss/{category}", None, {"Accept": "application/rss+xml, application/xml;q=0.9"},
            lambda response: parse_rss(response.body, origin=response.url),
            key="[sources.arxiv] rss_base_url", base=rss, what=f"arXiv's RSS feed (of {category})", off="[sources.arxiv] enabled",
            done=lambda listing: f"{redact_url(rss)} answered the {category} feed ({counted(len(listing.entries), 'entry', 'entries')})",
        )
        query = await _probe(
            "source arxiv api", fetcher, f"{api}/api/query", {"search_query": f"cat:{category}", "max_results": "1"},
            {"Accept": "application/atom+xml"},
            lambda response: parse_atom(response.body, origin=response.url),
            key="[sources.arxiv] api_base_url", base=api, what="arXiv's export API", off="[sources.arxiv] enabled",
            done=lambda papers: f"{redact_url(api)} answered a query ({counted(len(papers), 'paper')})",
        )
    return [feed, query]


async def _probe(name: str, fetcher: HttpFetcher, url: str, params: dict[str, str] | None, headers: dict[str, str],
                 parse: Callable[[HttpResponse], Any], *, key: str, base: str, what: str, off: str,
                 done: Callable[[Any], str]) -> Check:
    """GET ``url`` once and parse the answer: ok with ``done(parsed)``, or a failure naming ``key``."""
    shown = redact_url(base)
    try:
        response = await fetcher.get(url, params=params, headers=headers)
    except HttpError as exc:
        failure = from_http_error(exc)
        told = f"requested {exc.url}" if failure.kind == "network" else str(exc)
        return Check.fail(name, f"{key} ({shown}) could not be used: {failure.words}", cause=told,
                          fix=fix_for(failure, key=key, url=shown, what=what, off=off))
    try:
        parsed = parse(response)
    except (SourceError, ValueError) as exc:
        failure = Failure("the answer is not what was expected", "answer")
        return Check.fail(name, f"{key} ({shown}) answered, but not as {what}", cause=str(exc)[:300],
                          fix=fix_for(failure, key=key, url=shown, what=what, off=off))
    return Check.ok(name, done(parsed))
