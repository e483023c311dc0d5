"""Counts in words: the noun agrees with its number ("1 paper", "2 papers", "1 entry", "3 entries").

One rule for every count a person reads (titles, answers, notes, logs): a count worded by hand is
where "Top 1 papers" came from.
"""
from __future__ import annotations


def plural(value: int, one: str, many: str | None = None) -> str:
    """The noun for ``value`` of it: ``one`` for exactly 1, else ``many`` (default ``one`` + "s")."""
    return one if value == 1 else (many if many is not None else one + "s")


def counted(value: int, one: str, many: str | None = None) -> str:
    """``value`` and its noun: ``counted(1, "paper")`` is "1 paper", ``counted(0, "entry", "entries")`` "0 entries"."""
    return f"{value} {plural(value, one, many)}"
