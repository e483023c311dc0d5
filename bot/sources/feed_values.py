"""feedparser's values taken only as what we expect, shared by the arXiv API and RSS parsers.

A malformed feed can put anything where text or a list belongs; these turn the unexpected into
"" or [] so a parser never trips on a type, and :func:`reporter` logs what bounding changed in a
kept item, naming it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.paper_bounds import MAX_PROBLEM_LINES
from bot.sources.guard import unexpected

T = TypeVar("T")


def text(value: object) -> str:
    """feedparser's value if it is text, else ""."""
    return value if isinstance(value, str) else ""


def items(value: object) -> list[Any]:
    """feedparser's value if it is a list, else []."""
    return value if isinstance(value, list) else []


def reporter(log: logging.Logger, where: str) -> Callable[[str], None]:
    """Logs what bounding changed in a kept paper, naming the item."""

    def report(problems: str) -> None:
        log.warning("%s: %s", where, problems)

    return report


def parse_each(entries: Sequence[Any], parse: Callable[[int, Any], T], *, log: logging.Logger, origin: str,
               source: str, kind: str, plural: str, entry_id: Callable[[Any], str]) -> list[T]:
    """``parse(index, entry)`` for each of a feed's entries, keeping the rest when one fails: a bad
    entry (ValueError, or any surprise) is skipped and said in a warning (the first MAX_PROBLEM_LINES),
    then one line counts the skipped. ``kind`` / ``plural`` name an entry in those lines ("entry", "entries")."""
    kept: list[T] = []
    skipped = 0
    for index, entry in enumerate(entries):
        try:
            kept.append(parse(index, entry))
            continue
        except ValueError as exc:
            reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - one entry's surprise costs that entry only
            reason = str(unexpected(source, f"reading the {kind}", exc))
        skipped += 1
        if skipped <= MAX_PROBLEM_LINES:
            log.warning("%s: skipping %s %d (%s): %s", origin, kind, index, entry_id(entry), reason[:400])
    if skipped:
        log.warning("%s: skipped %d of %d %s (the reasons are logged above); kept the rest", origin, skipped,
                    len(entries), plural)
    return kept
