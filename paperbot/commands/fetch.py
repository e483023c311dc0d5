"""`paperbot fetch`: pull papers from Hugging Face and/or arXiv into the store."""
from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from bot.config import ArxivConfig, Config, HuggingFaceConfig
from bot.domain import Paper
from bot.errors import SourceError, UsageError
from bot.plural import counted
from bot.sources.guard import naming_source
from bot.usecases.ingest import store_papers
from paperbot.commands.fetch_range import check_period
from paperbot.compose import open_sources, open_store, resolve_database

_log = logging.getLogger(__name__)

# A person waits for this command: a source that does not answer fails at once, in one line, instead of
# retrying with backoff as `paperbot run`'s background fetch does (4 retries; a minute without network).
ONE_SHOT_RETRIES = 0
ONE_SHOT_TIMEOUT_SECONDS = 10.0


def one_shot(config: Config) -> Config:
    """``config`` with each source's ``max_retries`` and ``timeout_seconds`` cut to the one-shot limits,
    unless the config file sets them (then they are what was asked for)."""
    def tightened(section: HuggingFaceConfig | ArxivConfig) -> dict[str, float | int]:
        update: dict[str, float | int] = {}
        if "max_retries" not in section.model_fields_set:
            update["max_retries"] = min(section.max_retries, ONE_SHOT_RETRIES)
        if "timeout_seconds" not in section.model_fields_set:
            update["timeout_seconds"] = min(section.timeout_seconds, ONE_SHOT_TIMEOUT_SECONDS)
        return update

    hf, ax = config.sources.huggingface, config.sources.arxiv
    sources = config.sources.model_copy(update={"huggingface": hf.model_copy(update=tightened(hf)),
                                                "arxiv": ax.model_copy(update=tightened(ax))})
    return config.model_copy(update={"sources": sources})


async def fetch(
    config: Config,
    *,
    day: date | None = None,
    week: str | None = None,
    month: str | None = None,
    source: str = "all",
) -> int:
    if (week or month) and source == "arxiv":
        raise UsageError("--week and --month are Hugging Face listings; arXiv's feed has only the current day. Use --source hf.")
    check_period(source, day=day, week=week, month=month)
    day = day or (None if week or month else datetime.now(UTC).date())
    papers: list[Paper] = []
    failures: list[str] = []
    async with open_sources(one_shot(config)) as sources:
        if source in ("hf", "all") and sources.huggingface is not None:
            try:
                if week:
                    papers += await sources.huggingface.fetch_week(week)
                elif month:
                    papers += await sources.huggingface.fetch_month(month)
                elif day is not None:
                    papers += await sources.huggingface.fetch_day(day)
            except SourceError as exc:
                _log.error("%s", naming_source("Hugging Face", exc))
                failures.append("huggingface")
        if source in ("arxiv", "all") and sources.arxiv is not None and day is not None:
            try:
                papers += await sources.arxiv.fetch_day(day)
            except SourceError as exc:
                _log.error("%s", naming_source("arXiv", exc))
                failures.append("arxiv")
    database = resolve_database(config)
    async with open_store(database.url, source=database.source) as store:
        report = await store_papers(store, papers)
    what = week or month or (day.isoformat() if day else "today")
    updated = report.fetched - report.new - report.unchanged
    same = f", {report.unchanged} unchanged" if report.unchanged else ""
    print(f"Fetched {counted(report.fetched, 'paper')} for {what}: {report.new} new, {updated} updated{same}.")
    if failures:
        print(f"Failed sources: {', '.join(failures)} (see the log above).")
        return 1
    return 0
