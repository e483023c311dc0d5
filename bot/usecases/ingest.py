"""Fetch papers from sources into the store, merging sightings of the same paper.

Every paper is bounded (:func:`bot.paper_bounds.bound_papers`) before it reaches the store,
whatever source made it, so one bad item is refused alone and never fails the batch.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain import Paper, dedupe_papers, merge_papers
from bot.errors import SourceError
from bot.metrics import metrics, source_error_kind
from bot.paper_bounds import bound_papers
from bot.ports import PaperSource, Store

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    """``fetched`` distinct papers: ``new`` ones, ``unchanged`` ones (stored already with the same
    fields), the rest updated."""

    fetched: int
    new: int
    failed_sources: tuple[str, ...] = ()
    unchanged: int = 0


async def store_papers(store: Store, papers: Sequence[Paper]) -> IngestReport:
    """Bound, merge and store ``papers``; ``fetched`` counts the distinct papers that were fit to store.

    A paper is unchanged when merging the sighting into the stored paper gives the stored paper
    back (read just before; one more SELECT per chunk), so a re-fetch of the same listing says so
    instead of "100 updated"."""
    unique = dedupe_papers(bound_papers(papers, origin="storing papers"))
    stored = await store.get_papers(p.arxiv_id for p in unique) if unique else {}
    unchanged = sum(1 for p in unique if (old := stored.get(p.arxiv_id)) is not None and merge_papers(old, p) == old)
    new = await store.upsert_papers(unique)
    return IngestReport(fetched=len(unique), new=new, unchanged=unchanged)


async def ingest_day(store: Store, sources: Sequence[PaperSource], day: date) -> IngestReport:
    """Fetch ``day`` from every source; one failing source (whatever it raises) is logged and the rest still land."""
    papers: list[Paper] = []
    failed: list[str] = []
    for source in sources:
        name = source.name
        try:
            found = await source.fetch_day(day)
        except SourceError as exc:
            _log.error("fetching %s from %s failed: %s", day, name, exc)
            metrics().source_error(name, source_error_kind(exc))
            failed.append(name)
            continue
        except Exception as exc:  # noqa: BLE001 - a source's bug must not cost the other sources their day
            _log.error("fetching %s from %s failed unexpectedly: %s: %s", day, name, type(exc).__name__, str(exc)[:300])
            metrics().source_error(name, source_error_kind(exc))
            failed.append(name)
            continue
        metrics().papers_fetched(name, len(found))
        _log.info("%s: %d papers for %s", name, len(found), day)
        papers.extend(found)
    report = await store_papers(store, papers)
    return IngestReport(report.fetched, report.new, tuple(failed), report.unchanged)
