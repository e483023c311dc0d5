"""The `/papers …` command language, parsed once for every surface.

The console and Slack hand the raw text after ``/papers``; Discord builds the same
command objects from its typed options. A bad argument raises UsageError naming the
argument and what is accepted — nothing the user typed is silently dropped.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.arxiv_ids import ACCEPTED_FORMS, ArxivId, parse_arxiv_id
from bot.errors import UsageError

MAX_COUNT = 25
DEFAULT_POST_TIME = time(9, 0)
DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class TodayCommand:
    """Top papers of the latest day that has papers (or of ``day``)."""

    count: int | None = None
    day: date | None = None


@dataclass(frozen=True)
class WeekCommand:
    """Top papers of an ISO week (default: the week of the latest day that has papers)."""

    count: int | None = None
    week: str | None = None


@dataclass(frozen=True)
class PaperCommand:
    paper: ArxivId


@dataclass(frozen=True)
class SubscribeCommand:
    post_time: time = DEFAULT_POST_TIME
    timezone: str = DEFAULT_TIMEZONE
    count: int | None = None


@dataclass(frozen=True)
class UnsubscribeCommand:
    pass


@dataclass(frozen=True)
class HelpCommand:
    topic: str | None = None


Command = TodayCommand | WeekCommand | PaperCommand | SubscribeCommand | UnsubscribeCommand | HelpCommand

USAGE: dict[str, str] = {
    "today": "/papers today [count] [YYYY-MM-DD] — top papers of the latest day (or that day)",
    "week": "/papers week [count] [YYYY-Www] — top papers of this week (or that ISO week)",
    "paper": "/papers paper <arXiv id or URL> — one paper",
    "subscribe": "/papers subscribe [HH:MM] [IANA timezone] [count] — daily digest here (default 09:00 UTC, 5 papers)",
    "unsubscribe": "/papers unsubscribe — stop the daily digest here",
    "help": "/papers help — this list",
}

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def help_text() -> str:
    return "Commands:\n" + "\n".join(f"  {line}" for line in USAGE.values())


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
    match = _TIME_RE.match(text.strip())
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


def parse_command(text: str) -> Command:
    """Parse what follows ``/papers`` (a leading '/papers' is tolerated)."""
    try:
        tokens = shlex.split(text.strip())
    except ValueError as exc:
        raise UsageError(f"could not read the command ({exc}); check the quotes.") from None
    if tokens and tokens[0].lower() in ("/papers", "papers"):
        tokens = tokens[1:]
    if not tokens:
        return HelpCommand()
    name, args = tokens[0].lower(), tokens[1:]
    if name in ("help", "?"):
        return HelpCommand(args[0].lower() if args else None)
    if name in ("today", "day"):
        return _parse_today(args)
    if name == "week":
        return _parse_week(args)
    if name == "paper":
        if len(args) != 1:
            raise UsageError(f"give exactly one paper: {USAGE['paper']}. Accepted: {ACCEPTED_FORMS}.")
        return PaperCommand(parse_arxiv_id(args[0]))
    if name == "subscribe":
        return _parse_subscribe(args)
    if name == "unsubscribe":
        if args:
            raise UsageError(f"unsubscribe takes no arguments: {USAGE['unsubscribe']}")
        return UnsubscribeCommand()
    raise UsageError(f"unknown command '{name}'. {help_text()}")


def _parse_today(args: list[str]) -> TodayCommand:
    count: int | None = None
    day: date | None = None
    for arg in args:
        if arg.isdigit() or arg.lower().startswith("count="):
            count = parse_count(arg)
        elif re.match(r"^\d{4}-\d{2}-\d{2}$", arg):
            day = parse_day(arg)
        else:
            raise UsageError(f"'{arg}' is not accepted here: {USAGE['today']}")
    return TodayCommand(count=count, day=day)


def _parse_week(args: list[str]) -> WeekCommand:
    count: int | None = None
    week: str | None = None
    for arg in args:
        if arg.isdigit() or arg.lower().startswith("count="):
            count = parse_count(arg)
        else:
            try:
                week = parse_week(arg)
            except UsageError:
                raise UsageError(f"'{arg}' is not accepted here: {USAGE['week']}") from None
    return WeekCommand(count=count, week=week)


def _parse_subscribe(args: list[str]) -> SubscribeCommand:
    post_time, timezone, count = DEFAULT_POST_TIME, DEFAULT_TIMEZONE, None
    for arg in args:
        key, _, value = arg.partition("=")
        if value and key.lower() in ("time", "at"):
            post_time = parse_time(value)
        elif value and key.lower() in ("tz", "timezone"):
            timezone = parse_timezone(value)
        elif value and key.lower() == "count":
            count = parse_count(value)
        elif arg.isdigit() and len(arg) <= 2 and count is None and ":" not in arg:
            count = parse_count(arg)
        elif _TIME_RE.match(arg) and not arg.isdigit():
            post_time = parse_time(arg)
        elif "/" in arg or arg.upper() in ("UTC", "GMT"):
            timezone = parse_timezone(arg)
        else:
            raise UsageError(f"'{arg}' is not accepted here: {USAGE['subscribe']}")
    return SubscribeCommand(post_time=post_time, timezone=timezone, count=count)
