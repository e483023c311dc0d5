"""Hugging Face daily-papers JSON → :class:`bot.domain.Paper`, one item at a time.

The payload is someone else's data: one odd item must not cost us the day. Each item is
validated on its own (pydantic gives the field and the reason), then bounded
(:func:`bot.paper_bounds.check_paper`). Only the required fields (the ``paper`` object, its
arXiv ``id`` and its ``title``) refuse an item: such an item is logged with its index and id and
skipped. Any other field that fails validation (HF changed its type: ``githubStars: "lots"``,
``publishedAt: "garbage"``) is cleared and the paper kept, one log line per field for the whole
listing, as an out-of-range count is; authors given as plain names are read as names. No exception
but SourceError leaves :func:`parse_daily_papers`. The format's traps, kept straight here:

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
from pydantic_core import ErrorDetails

from bot.arxiv_ids import ArxivId, try_parse_arxiv_id
from bot.domain import Paper, Source
from bot.errors import SourceError
from bot.paper_bounds import MAX_PROBLEM_LINES, check_paper, shown, to_utc
from bot.sources.guard import unexpected
from bot.sources.json_body import Undecodable
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

    @field_validator("authors", mode="before")
    @classmethod
    def _plain_names(cls, value: Any) -> Any:
        """``["Bob", …]`` (names, not objects) is unambiguous: each string is an author's name."""
        if isinstance(value, list):
            return [{"name": a} if isinstance(a, str) else a for a in value]
        return value

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


# What refuses an item when it fails validation; any other field is cleared instead.
_REQUIRED: dict[type[BaseModel], frozenset[tuple[str, ...]]] = {
    _DailyItem: frozenset({("paper",), ("paper", "id"), ("paper", "title")}),
    _PaperFields: frozenset({("id",), ("title",)}),
}
Cleared = Callable[[str, str], None]  # (field, why) for an optional field cleared from a kept item


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
    cleared: dict[str, tuple[int, str, int, str]] = {}  # field -> (items, first reason, first index, first id)

    for index, item in enumerate(payload):
        def clear(field: str, why: str, index: int = index, item: Any = item) -> None:
            count, first_why, first_index, first_id = cleared.get(field, (0, why, index, _item_id(item)))
            cleared[field] = (count + 1, first_why, first_index, first_id)

        try:
            papers.append(parse_item(item, fallback_day=fallback_day, on_problems=_logger(origin, index, item), on_cleared=clear))
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
    for field, (count, why, index, identifier) in cleared.items():
        _log.info("%s: cleared %s in %d item%s, the papers kept (first: item %d (id %s): %s)",
                  origin, field, count, "" if count == 1 else "s", index, identifier, why[:200])
    return papers


def parse_item(
    item: Any,
    *,
    fallback_day: date | None = None,
    on_problems: Callable[[str], None] | None = None,
    on_cleared: Cleared | None = None,
) -> Paper:
    """One daily-papers item (or flat paper object) → a bounded Paper, or :class:`MalformedItem`.

    ``on_problems(text)`` is told what bounding changed in a kept paper (a field cleared or cut);
    ``on_cleared(field, why)`` each optional field cleared because it failed validation
    (default: one log line each).
    """
    if isinstance(item, Undecodable):
        raise MalformedItem(item.reason)
    if not isinstance(item, dict):
        raise MalformedItem(f"item is a JSON {_json_type(item)}, not an object")
    paper = _unbounded(item, on_cleared or _log_cleared)
    checked = check_paper(paper)
    if checked.paper is None:
        raise MalformedItem(checked.describe())
    if checked.problems and on_problems is not None:
        on_problems(checked.describe())
    if checked.paper.announced_on is None and fallback_day is not None:
        return replace(checked.paper, announced_on=fallback_day)  # the listing's own day, not the payload's
    return checked.paper


def _unbounded(item: dict[str, Any], on_cleared: Cleared) -> Paper:
    if "paper" in item:
        daily = _validate(_DailyItem, item, on_cleared)
        return _to_paper(
            daily.paper,
            thumbnail=daily.thumbnail,
            num_comments=daily.numComments,
            fallback_title=daily.title,
            fallback_summary=daily.summary,
        )
    flat = _validate(_PaperFields, item, on_cleared)
    return _to_paper(flat, thumbnail=None, num_comments=flat.numComments)


def _validate(model: type[_DailyItem] | type[_PaperFields], item: dict[str, Any], on_cleared: Cleared) -> Any:
    """``model`` from ``item``; a failing optional field is dropped from (a copy of) the item and told
    to ``on_cleared``, a failing required one (:data:`_REQUIRED`) refuses the item."""
    required = _REQUIRED[model]
    data = item
    for _ in range(2):  # the second pass has every failing optional field removed
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
            if any(_field(e) in required or len(_field(e)) == 0 for e in errors):
                raise MalformedItem(_describe(exc)) from None
            data = _without(data, {_field(e) for e in errors})
            for error in _first_per_field(errors):
                on_cleared(".".join(_field(error)), _describe_one(error))
    raise MalformedItem("the item did not validate with its odd fields cleared")


def _field(error: ErrorDetails) -> tuple[str, ...]:
    """The field an error is about: ``("paper", "githubStars")`` for ``paper.githubStars.0``."""
    names: list[str] = []
    for part in error["loc"]:
        if not isinstance(part, str):
            break
        names.append(part)
        if names[0] != "paper" or len(names) == 2:
            break
    return tuple(names)


def _without(data: dict[str, Any], fields: set[tuple[str, ...]]) -> dict[str, Any]:
    """A copy of ``data`` without ``fields`` (the payload itself is left as it came)."""
    copy = dict(data)
    inner = dict(copy["paper"]) if isinstance(copy.get("paper"), dict) else None
    for field in fields:
        if len(field) == 2 and inner is not None:
            inner.pop(field[1], None)
        else:
            copy.pop(field[0], None)
    if inner is not None:
        copy["paper"] = inner
    return copy


def _first_per_field(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    firsts: dict[tuple[str, ...], ErrorDetails] = {}
    for error in errors:
        firsts.setdefault(_field(error), error)
    return list(firsts.values())


def _log_cleared(field: str, why: str) -> None:
    _log.info("cleared %s, the paper kept: %s", field, why[:200])


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


def _describe(exc: ValidationError) -> str:
    parts = [_describe_one(error) for error in exc.errors()[:4]]
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _describe_one(error: ErrorDetails) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "item"
    got = "" if error["type"] == "missing" else f" (got {shown(error.get('input'))})"
    return f"{where}: {error['msg']}{got}"


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
