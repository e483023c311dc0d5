"""Counts a person reads agree with their number: "Top 1 paper", "the 1 most discussed paper"."""
from __future__ import annotations

from datetime import date

from bot.plural import counted, plural
from bot.scheduling.planner import _title


def test_the_noun_agrees_with_its_count() -> None:
    assert [counted(n, "paper") for n in (0, 1, 2)] == ["0 papers", "1 paper", "2 papers"]
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == "3 entries"
    assert plural(1, "is", "are") == "is" and plural(2, "is", "are") == "are"


def test_a_digest_of_one_paper_is_titled_in_the_singular() -> None:
    assert _title(1, date(2025, 11, 7), None).startswith("Top 1 paper of ")
    assert _title(1, None, "2025-W45") == "Top 1 paper of week 2025-W45"
    assert _title(2, date(2025, 11, 7), None).startswith("Top 2 papers of ")
