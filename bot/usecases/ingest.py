"""Fetch papers from sources into the store, merging sightings of the same paper."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain import Paper, dedupe_papers
from bot.errors import SourceError
from bot.ports import PaperSource, Store

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    fetched: int
    new: int
    failed_sources: tuple[str, ...] = ()


async def store_papers(store: Store, papers: Sequence[Paper]) -> IngestReport:
    unique = dedupe_papers(list(papers))
    new = await store.upsert_papers(unique)
    return IngestReport(fetched=len(unique), new=new)


async def ingest_day(store: Store, sources: Sequence[PaperSource], day: date) -> IngestReport:
    """Fetch ``day`` from every source; one failing source is logged and the rest still land."""
    papers: list[Paper] = []
    failed: list[str] = []
    for source in sources:
        try:
            found = await source.fetch_day(day)
        except SourceError as exc:
            _log.error("fetching %s from %s failed: %s", day, source.name, exc)
            failed.append(source.name)
            continue
        _log.info("%s: %d papers for %s", source.name, len(found), day)
        papers.extend(found)
    report = await store_papers(store, papers)
    return IngestReport(report.fetched, report.new, tuple(failed))
