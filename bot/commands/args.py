"""Parsers for the argument types commands share: counts, dates, weeks, times, timezones.

Each raises UsageError naming what was typed and what is accepted.
"""
from __future__ import annotations

import re
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import UsageError

MAX_COUNT = 25

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_count(text: str) -> bool:
    return text.isdigit() or text.lower().startswith("count=")


def parse_count(text: str, *, name: str = "count") -> int:
    """A positive integer no larger than MAX_COUNT."""
    text = text.strip()
    if text.lower().startswith("count="):
        text = text[6:]
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise UsageError(f"{name} '{text}' is not accepted: give a whole number from 1 to {MAX_COUNT}.")
    return int(text)


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2025-11-07.") from None


def parse_week(text: str) -> str:
    """Normalise 'YYYY-Www' (also 'YYYYWww'); returns 'YYYY-Www'."""
    match = _WEEK_RE.match(text.strip())
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
            return f"{year:04d}-W{week:02d}"
        except ValueError:
            pass
    raise UsageError(f"'{text}' is not an ISO week: use YYYY-Www, e.g. 2025-W45.")


def parse_time(text: str) -> time:
    """'09:00', '9', '9am', '18:30' → time; rejects anything else with the accepted forms."""
    match = TIME_RE.match(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        meridiem = (match.group(3) or "").lower()
        if meridiem and 1 <= hour <= 12:
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        elif meridiem:
            hour = -1
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return time(hour, minute)
    raise UsageError(f"'{text}' is not a time of day: use HH:MM in 24-hour form (e.g. 09:00) or 9am.")


def parse_timezone(text: str) -> str:
    """An IANA timezone name, case-insensitively matched (e.g. 'europe/berlin' → 'Europe/Berlin')."""
    name = text.strip()
    if name.upper() in ("UTC", "Z", "GMT"):
        return "UTC"
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = {zone.lower(): zone for zone in available_timezones()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    raise UsageError(
        f"'{name}' is not an IANA timezone: use a name like Europe/Berlin, America/New_York, Asia/Tokyo or UTC."
    )
