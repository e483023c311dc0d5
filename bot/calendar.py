"""Days and ISO weeks as digests name them, and the week syntax people type (``2025-W45``)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from bot.errors import UsageError
from bot.text import clean_text, shorten

DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 1900, 2999  # a week's last day must still be a date (9999-W52 is not)


@lru_cache(maxsize=256)  # a planning pass titles 10,000 digests with the same few days
def describe_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def parse_day(text: str) -> date:
    """'YYYY-MM-DD' → a date; anything else → UsageError with the accepted form."""
    value = text.strip()
    if DAY_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageError(f"'{shorten(clean_text(text), 40)}' is not a date: use YYYY-MM-DD, e.g. 2025-11-07.")


def parse_week(text: str) -> str:
    """Normalise 'YYYY-Www' (also 'YYYYWww'); returns 'YYYY-Www'."""
    match = WEEK_RE.match(text.strip())
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR:
            try:
                date.fromisocalendar(year, week, 1)
                return f"{year:04d}-W{week:02d}"
            except ValueError:
                pass
    raise UsageError(f"'{shorten(clean_text(text), 40)}' is not an ISO week: use YYYY-Www, e.g. 2025-W45.")


def week_bounds(week: str) -> tuple[date, date]:
    year, number = parse_week(week).split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return monday, monday + timedelta(days=6)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"
