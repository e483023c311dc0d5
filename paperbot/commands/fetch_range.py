"""Which days `paperbot fetch` can ask for: none after today (UTC) and none before the source began.

A day outside that range is not an error a source reports: Hugging Face answers a future or
pre-2023 date with other days' papers, and the fetch would print "Fetched 18 papers for
2099-01-01". So it is a usage error (exit 2) naming the accepted range, before any request.
Today is the UTC day, the same one the command's default --date uses.
"""
from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from bot.errors import UsageError
from bot.sources.arxiv import FIRST_DAY as ARXIV_FIRST_DAY
from bot.sources.huggingface import FIRST_DAY as HF_FIRST_DAY


def first_day(source: str) -> tuple[date, str]:
    """The earliest day ``source`` ("hf", "arxiv" or "all") has, and whose day that is.

    With "all" it is Hugging Face's: before it only arXiv has papers, and arXiv's feed keeps no
    earlier days (any day but its current one is an empty list), so nothing could be fetched."""
    if source == "arxiv":
        return ARXIV_FIRST_DAY, "arXiv"
    return HF_FIRST_DAY, "Hugging Face Daily Papers"


def check_period(source: str, *, day: date | None = None, week: str | None = None, month: str | None = None,
                 today: date | None = None) -> None:
    """A UsageError unless the asked day, ISO week or month overlaps first_day(source)..today (UTC)."""
    today = today or datetime.now(UTC).date()
    start, name = first_day(source)
    if day is not None:
        first, last, shown = day, day, f"--date {day.isoformat()}"
    elif week is not None:
        year, number = int(week[:4]), int(week[-2:])
        first, last, shown = date.fromisocalendar(year, number, 1), date.fromisocalendar(year, number, 7), f"--week {week}"
    elif month is not None:
        year, number = int(month[:4]), int(month[5:7])
        first, last = date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
        shown = f"--month {month}"
    else:
        return
    accepted = f"accepted: {start.isoformat()} to {today.isoformat()} (today, UTC)"
    if first > today:
        raise UsageError(f"{shown} is in the future; {accepted}.")
    if last < start:
        raise UsageError(f"{shown} is before {name} began ({start.isoformat()}); {accepted}.")
