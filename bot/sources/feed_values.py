"""feedparser's values taken only as what we expect, shared by the arXiv API and RSS parsers.

A malformed feed can put anything where text or a list belongs; these turn the unexpected into
"" or [] so a parser never trips on a type, and :func:`reporter` logs what bounding changed in a
kept item, naming it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any


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
