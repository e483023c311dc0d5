"""Hugging Face daily-papers JSON → :class:`bot.domain.Paper`, one item at a time.

The payload is someone else's data: one odd item must not cost us the day. Each item is
validated on its own (pydantic gives the field and the reason), then bounded
(:func:`bot.paper_bounds.check_paper`); a bad one is logged with its index and id and
skipped, and no exception but SourceError leaves :func:`parse_daily_papers`. The format's
traps, kept straight here:

- ``upvotes`` exists only under ``paper``; ``numComments`` only at the item's top level.
- The item's ``publishedAt`` and ``paper.publishedAt`` differ (by hours); the paper's is used.
- Titles and abstracts are hard-wrapped ("…Multimodal\\n  Reasoning…") and are re-flowed.
- ``paper.authors[].hidden`` only hides a claimed author from their HF profile; the
  person is still an author, so every name is kept, in order.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.arxiv_ids import ArxivId, try_parse_arxiv_id
from bot.domain import Paper, Source
from bot.errors import SourceError
from bot.paper_bounds import MAX_PROBLEM_LINES, check_paper, shown, to_utc
from bot.sources.guard import unexpected
from bot.text import clean_text

_log = logging.getLogger(__name__)

ACCEPTED_FORMAT = (
    "a JSON array of Hugging Face daily-papers items, as returned by "
    "GET https://huggingface.co/api/daily_papers (each item has a 'paper' object with an arXiv 'id' and a 'title')"
)


class _Author(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    hidden: bool | None = None


class _PaperFields(BaseModel):
    """``item.paper`` of a daily-papers item, or the flat object of ``/api/papers/{id}``."""

    model_config = ConfigDict(extra="ignore")

    id: ArxivId
    title: str | None = None
    summary: str | None = None
    authors: list[_Author] | None = None
    publishedAt: datetime | None = None
    submittedOnDailyAt: datetime | None = None
    upvotes: int | None = None  # ranges are paper_bounds' (a negative count costs the field, not the item)
    numComments: int | None = None  # used only for flat /api/papers objects
    githubRepo: str | None = None
    githubStars: int | None = None
    projectPage: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _arxiv_id(cls, value: Any) -> ArxivId:
        parsed = try_parse_arxiv_id(value) if isinstance(value, str) and len(value) <= 200 else None
        if parsed is None:
            raise ValueError(f"not an arXiv id: {shown(value)}")
        return parsed


class _DailyItem(BaseModel):
    """One element of the ``/api/daily_papers`` array: the paper plus listing-level fields."""

    model_config = ConfigDict(extra="ignore")

    paper: _PaperFields
    thumbnail: str | None = None
    numComments: int | None = None
    title: str | None = None
    summary: str | None = None


class MalformedItem(ValueError):
    """An item that cannot become a Paper; the message names the field and why."""


def parse_daily_papers(payload: Any, *, fallback_day: date | None = None, origin: str = "daily papers") -> list[Paper]:
    """Turn a daily-papers array (parsed JSON) into Papers, skipping and logging malformed items.

    ``fallback_day`` is the listing's day, used when an item lacks ``submittedOnDailyAt``.
    ``origin`` (a URL or file name) goes into log lines and errors so they can be traced.
    Items may also be flat ``/api/papers/{id}`` objects (no ``paper`` wrapper), which is
    what people get when they save single papers.
    """
    if not isinstance(payload, list):
        raise SourceError(f"{origin}: expected {ACCEPTED_FORMAT}; got a JSON {_json_type(payload)}")
    papers: list[Paper] = []
    lines = 0
    for index, item in enumerate(payload):
        try:
            papers.append(parse_item(item, fallback_day=fallback_day, on_problems=_logger(origin, index, item)))
            continue
        except MalformedItem as exc:
            reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - one item's surprise costs that item, not the listing
            reason = str(unexpected("Hugging Face", "parsing the item", exc))
        lines += 1
        if lines <= MAX_PROBLEM_LINES:
            _log.warning("%s: skipping item %d (id %s): %s", origin, index, _item_id(item), reason[:400])
    if lines > MAX_PROBLEM_LINES:
        _log.warning("%s: skipped %d more items (not listed)", origin, lines - MAX_PROBLEM_LINES)
    return papers


def parse_item(item: Any, *, fallback_day: date | None = None, on_problems: Callable[[str], None] | None = None) -> Paper:
    """One daily-papers item (or flat paper object) → a bounded Paper, or :class:`MalformedItem`.

    ``on_problems(text)`` is told what bounding changed in a kept paper (a field cleared or cut).
    """
    if not isinstance(item, dict):
        raise MalformedItem(f"item is a JSON {_json_type(item)}, not an object")
    paper = _unbounded(item)
    checked = check_paper(paper)
    if checked.paper is None:
        raise MalformedItem(checked.describe())
    if checked.problems and on_problems is not None:
        on_problems(checked.describe())
    if checked.paper.announced_on is None and fallback_day is not None:
        return replace(checked.paper, announced_on=fallback_day)  # the listing's own day, not the payload's
    return checked.paper


def _unbounded(item: dict[str, Any]) -> Paper:
    if "paper" in item:
        daily = _validate(_DailyItem, item)
        return _to_paper(
            daily.paper,
            thumbnail=daily.thumbnail,
            num_comments=daily.numComments,
            fallback_title=daily.title,
            fallback_summary=daily.summary,
        )
    flat = _validate(_PaperFields, item, prefix="")
    return _to_paper(flat, thumbnail=None, num_comments=flat.numComments)


def _validate(model: type[BaseModel], item: dict[str, Any], prefix: str = "") -> Any:
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        raise MalformedItem(_describe(exc, prefix)) from None


def _to_paper(
    fields: _PaperFields,
    *,
    thumbnail: str | None,
    num_comments: int | None,
    fallback_title: str | None = None,
    fallback_summary: str | None = None,
) -> Paper:
    """The item's values as they are; :func:`parse_item` bounds them (overflowing or year-1 dates too)."""
    title = clean_text(fields.title) or clean_text(fallback_title)
    if not title:
        raise MalformedItem("paper.title: missing or empty")
    listed = fields.submittedOnDailyAt
    utc = to_utc(listed)
    return Paper(
        arxiv_id=fields.id.id,
        version=fields.id.version,
        title=title,
        abstract=clean_text(fields.summary if fields.summary is not None else fallback_summary),
        authors=tuple(name for name in (clean_text(a.name) for a in fields.authors or ()) if name),
        published_at=fields.publishedAt,
        announced_on=utc.date() if utc is not None else listed.date() if listed is not None else None,
        thumbnail_url=_optional(thumbnail),
        upvotes=fields.upvotes,
        num_comments=num_comments,
        github_repo=_optional(fields.githubRepo),
        github_stars=fields.githubStars,
        project_page=_optional(fields.projectPage),
        ai_summary=_optional(clean_text(fields.ai_summary)),
        ai_keywords=tuple(k for k in (clean_text(k) for k in fields.ai_keywords or ()) if k),
        sources=frozenset({Source.HUGGINGFACE.value}),
    )


def _describe(exc: ValidationError, prefix: str) -> str:
    parts = []
    for error in exc.errors()[:4]:
        where = ".".join(str(p) for p in error["loc"]) or "item"
        got = "" if error["type"] == "missing" else f" (got {shown(error.get('input'))})"
        parts.append(f"{prefix}{where}: {error['msg']}{got}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _item_id(item: Any) -> str:
    """What identifies an item in a log line: its id, else its title."""
    if isinstance(item, dict):
        paper = item.get("paper")
        inner: dict[str, Any] = paper if isinstance(paper, dict) else item
        identifier = inner.get("id")
        if isinstance(identifier, str):
            return clean_text(identifier[:200])[:40]
        title = inner.get("title") or item.get("title")
        if isinstance(title, str) and title.strip():
            return f"unknown, title {clean_text(title)[:60]!r}"
    return "unknown"


def _logger(origin: str, index: int, item: Any) -> Callable[[str], None]:
    def log(problems: str) -> None:
        _log.warning("%s: item %d (id %s): %s", origin, index, _item_id(item), problems)

    return log


def _optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")
