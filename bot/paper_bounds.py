"""The bounds every Paper meets before it is stored: one rule for every source.

A source's payload is someone else's data. Whatever a parser made of it, :func:`check_paper`
returns a Paper whose every field fits the store and is plausible — or refuses the item,
saying which field and why — so that one bad item costs only itself, never the day's fetch
(PostgreSQL ``int4`` overflow, NUL in ``text``, ``String(64)`` ids, year-1 dates that move a
paper out of its digest). It is applied where papers are made (``bot.sources``) and once more
in ``bot.usecases.ingest.store_papers``; it is idempotent, so the second pass changes nothing.

Text is cleaned by :mod:`bot.text`'s rule, the one every surface uses (a Persian non-joiner or a
Devanagari joiner inside a word stays, an invisible character that hides text goes); this module
adds only the lengths and an abstract's line breaks.

This module imports only :mod:`bot.arxiv_ids` and :mod:`bot.text` at run time, so :mod:`bot.domain` can use its
plausibility rules in ``merge_papers``.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.arxiv_ids import try_parse_arxiv_id
from bot.text import clean_characters, clean_text, shorten

if TYPE_CHECKING:
    from bot.domain import Paper

_log = logging.getLogger(__name__)

MAX_INT = 2**31 - 1  # PostgreSQL's int4 (and far below SQLite's 2**63)
MAX_VERSION = 50  # arXiv versions above this are junk, and would win "newest version" for good
EARLIEST_DAY = date(1991, 1, 1)  # arXiv began in August 1991
FUTURE_SLACK = timedelta(days=2)  # time zones and announcement schedules, nothing more
MAX_ID = 64  # storage's String(64)
MAX_TITLE = 1_000
MAX_ABSTRACT = 20_000  # arXiv caps abstracts at 1,920 characters
MAX_AI_SUMMARY = 2_000
MAX_AUTHOR = 200
MAX_AUTHORS = 500
MAX_CATEGORY = 40
MAX_CATEGORIES = 30
MAX_KEYWORD = 100
MAX_KEYWORDS = 50
MAX_URL = 2_048
MAX_SOURCE_NAME = 40
MAX_SOURCES = 10
MAX_PROBLEM_LINES = 20  # detail lines per batch in the log; the summary line always follows

_INLINE_SPACE_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n\s*")
_WHITESPACE_RE = re.compile(r"\s")


@dataclass(frozen=True)
class Checked:
    """What :func:`check_paper` made of a paper: the bounded paper (None: refused) and what it changed."""

    paper: Paper | None
    problems: tuple[str, ...] = ()

    def describe(self) -> str:
        """One bounded line: refused or kept, and the fields' problems."""
        return ("refused: " if self.paper is None else "kept; ") + _cut("; ".join(self.problems), 400)


def latest_day(today: date | None = None) -> date:
    """The last plausible day (today, UTC, plus a little slack)."""
    return (today or datetime.now(UTC).date()) + FUTURE_SLACK


def plausible_version(value: object) -> bool:
    return type(value) is int and 1 <= value <= MAX_VERSION


def plausible_day(value: object, today: date | None = None) -> bool:
    """A ``date`` (or the day of a ``datetime``) between 1991-01-01 and :func:`latest_day`."""
    if isinstance(value, datetime):
        value = value.date()
    return isinstance(value, date) and EARLIEST_DAY <= value <= latest_day(today)


def to_utc(value: object) -> datetime | None:
    """``value`` as an aware UTC datetime (naive ones are taken as UTC); None when it is none or overflows."""
    if not isinstance(value, datetime):
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError, OSError):  # e.g. 9999-12-31T23:59:59-12:00
        return None


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp (as sources write them) in UTC, or None when unusable."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return to_utc(stamp)


def clean_line(value: object) -> str:
    """One line of text: :func:`bot.text.clean_text` (normalised, invisible characters that do nothing
    gone, whitespace collapsed); "" if not a string."""
    return clean_text(value) if isinstance(value, str) else ""


def clean_block(value: object) -> str:
    """Text whose line breaks matter (abstracts): like :func:`clean_line`, keeping single and double newlines."""
    if not isinstance(value, str):
        return ""
    text = clean_characters(value.replace("\r\n", "\n"))
    lines = (_INLINE_SPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def bounded_url(value: object) -> str | None:
    """An http(s) URL of at most 2,048 characters with no whitespace or invisible characters (none is
    part of an address; they only disguise one), else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL or not url.isprintable() or _WHITESPACE_RE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. "http://[::1"
        return None
    return url if parts.scheme.lower() in ("http", "https") and host else None


def check_paper(paper: Paper, *, today: date | None = None) -> Checked:
    """``paper`` within the bounds (module docstring), or refused when its id or title is unusable."""
    problems: list[str] = []
    raw_id = paper.arxiv_id
    parsed = try_parse_arxiv_id(raw_id) if isinstance(raw_id, str) and len(raw_id) <= MAX_ID else None
    if parsed is None or parsed.id != raw_id or parsed.version is not None:
        return Checked(None, (f"arxiv_id: {shown(raw_id)} is not a canonical arXiv id of at most {MAX_ID} characters",))
    title = _text(paper.title, "title", MAX_TITLE, problems, clean_line)
    if not title:
        return Checked(None, ("title: missing or empty",))
    last = latest_day(today)
    bounded = replace(
        paper,
        title=title,
        abstract=_text(paper.abstract, "abstract", MAX_ABSTRACT, problems, clean_block),
        version=_version(paper.version, problems),
        authors=_names(paper.authors, "authors", MAX_AUTHORS, MAX_AUTHOR, problems),
        categories=_categories(paper.categories, problems),
        published_at=_moment(paper.published_at, "published_at", last, problems),
        updated_at=_moment(paper.updated_at, "updated_at", last, problems),
        announced_on=_day(paper.announced_on, last, problems),
        thumbnail_url=_url(paper.thumbnail_url, "thumbnail_url", problems),
        upvotes=_count(paper.upvotes, "upvotes", problems),
        num_comments=_count(paper.num_comments, "num_comments", problems),
        github_repo=_url(paper.github_repo, "github_repo", problems),
        github_stars=_count(paper.github_stars, "github_stars", problems),
        project_page=_url(paper.project_page, "project_page", problems),
        ai_summary=_text(paper.ai_summary, "ai_summary", MAX_AI_SUMMARY, problems, clean_line) or None,
        ai_keywords=_names(paper.ai_keywords, "ai_keywords", MAX_KEYWORDS, MAX_KEYWORD, problems),
        sources=_sources(paper.sources, problems),
    )
    return Checked(bounded, tuple(problems))


def bound_paper(paper: Paper, *, origin: str = "a source", today: date | None = None) -> Paper | None:
    """:func:`check_paper`, logging one warning line (naming the item and the fields) when it changed anything."""
    checked = check_paper(paper, today=today)
    if checked.problems:
        _log.warning("%s: paper %s %s", origin, shown(paper.arxiv_id), checked.describe())
    return checked.paper


def bound_papers(papers: Iterable[Paper], *, origin: str = "a source", today: date | None = None) -> list[Paper]:
    """Every paper bounded; refused ones left out. One line per changed paper (at most 20), then how many were refused."""
    kept: list[Paper] = []
    refused = changed = total = 0
    for paper in papers:
        total += 1
        checked = check_paper(paper, today=today)
        if checked.problems:
            changed += 1
            if changed <= MAX_PROBLEM_LINES:
                _log.warning("%s: paper %s %s", origin, shown(paper.arxiv_id), checked.describe())
        if checked.paper is None:
            refused += 1
        else:
            kept.append(checked.paper)
    if changed > MAX_PROBLEM_LINES:
        _log.warning("%s: %d more papers out of bounds (not listed)", origin, changed - MAX_PROBLEM_LINES)
    if refused:
        _log.warning("%s: refused %d of %d papers (see above)", origin, refused, total)
    return kept


# ---- one field each --------------------------------------------------------------------------

def _text(value: object, name: str, limit: int, problems: list[str], clean: Callable[[object], str]) -> str:
    if value is not None and not isinstance(value, str):
        problems.append(f"{name}: not text ({type(value).__name__})")
        return ""
    text: str = clean(value)
    if len(text) > limit:
        problems.append(f"{name}: cut from {len(text)} to {limit} characters")
        text = _cut(text, limit)
    return text


def _version(value: object, problems: list[str]) -> int | None:
    if value is None:
        return None
    if type(value) is int and 1 <= value <= MAX_VERSION:
        return value
    problems.append(f"version: {shown(value)} is not in 1..{MAX_VERSION} (cleared)")
    return None


def _count(value: object, name: str, problems: list[str]) -> int | None:
    if value is None:
        return None
    if type(value) is int and 0 <= value <= MAX_INT:
        return value
    problems.append(f"{name}: {shown(value)} is not in 0..{MAX_INT} (cleared)")
    return None


def _moment(value: object, name: str, last: date, problems: list[str]) -> datetime | None:
    if value is None:
        return None
    moment = to_utc(value)
    if moment is None or not EARLIEST_DAY <= moment.date() <= last:
        problems.append(f"{name}: {shown(value)} is not a time between {EARLIEST_DAY} and {last} (cleared)")
        return None
    return moment


def _day(value: object, last: date, problems: list[str]) -> date | None:
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if not isinstance(day, date) or not EARLIEST_DAY <= day <= last:
        problems.append(f"announced_on: {shown(value)} is not a day between {EARLIEST_DAY} and {last} (cleared)")
        return None
    return day


def _url(value: object, name: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    url = bounded_url(value)
    if url is None:
        problems.append(f"{name}: {shown(value)} is not an http(s) URL of at most {MAX_URL} characters (cleared)")
    return url


def _names(value: object, name: str, most: int, limit: int, problems: list[str]) -> tuple[str, ...]:
    """Authors or keywords: a list of short lines, empty ones dropped, at most ``most`` of them."""
    if not isinstance(value, (tuple, list)):
        if value is not None:
            problems.append(f"{name}: not a list ({type(value).__name__})")
        return ()
    names: list[str] = []
    long = junk = 0
    for item in value:
        text = clean_line(item)
        if not isinstance(item, str):
            junk += 1
        if not text:
            continue
        if len(text) > limit:
            long += 1
            text = _cut(text, limit)
        names.append(text)
    if junk:
        problems.append(f"{name}: {junk} entries that are not text (dropped)")
    if long:
        problems.append(f"{name}: {long} entries cut to {limit} characters")
    if len(names) > most:
        problems.append(f"{name}: {len(names)} entries, only the first {most} kept")
        names = names[:most]
    return tuple(names)


def _categories(value: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, (tuple, list)):
        if value is not None:
            problems.append(f"categories: not a list ({type(value).__name__})")
        return ()
    kept: dict[str, None] = {}
    bad = 0
    for item in value:
        text = clean_line(item)
        if not text:
            bad += not isinstance(item, str)
            continue
        if len(text) > MAX_CATEGORY or " " in text:
            bad += 1
            continue
        kept[text] = None
    if bad:
        problems.append(f"categories: {bad} entries that are not category names of at most {MAX_CATEGORY} characters (dropped)")
    names = tuple(kept)
    if len(names) > MAX_CATEGORIES:
        problems.append(f"categories: {len(names)} entries, only the first {MAX_CATEGORIES} kept")
        names = names[:MAX_CATEGORIES]
    return names


def _sources(value: object, problems: list[str]) -> frozenset[str]:
    items = value if isinstance(value, (frozenset, set, tuple, list)) else ()
    names = sorted({clean_line(s) for s in items if isinstance(s, str) and 0 < len(clean_line(s)) <= MAX_SOURCE_NAME})
    if len(names) != len(items) or len(names) > MAX_SOURCES:
        problems.append("sources: entries that are not short source names (dropped)")
    return frozenset(names[:MAX_SOURCES])


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` characters (``bot.text.shorten``, shedding only whitespace before the ellipsis),
    cleaned again: a joiner the cut left before the ellipsis joins nothing any more."""
    return clean_characters(shorten(text, limit, trailing=None))


def shown(value: object) -> str:
    """A value as it may appear in a log line: an ASCII-only repr of at most 60 characters."""
    if isinstance(value, int) and value.bit_length() > 96:  # repr of a huge int is slow, or refused past 4,300 digits
        return f"<an integer of {value.bit_length()} bits>"
    if isinstance(value, str) and len(value) > 200:
        value = value[:200]
    text = ascii(value)
    return text if len(text) <= 60 else text[:59] + "…"
