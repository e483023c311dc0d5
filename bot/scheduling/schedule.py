"""Schedule options of a subscription and the due computation (injectable clock, IANA zones, DST).

A subscription posts at ``post_time`` local wall-clock time in its IANA ``timezone`` on each of
its ``weekdays``; 09:00 Europe/Berlin is 09:00 local in winter and in summer (the UTC instant
moves). A local time that does not exist on a spring-forward day is posted at the same instant
as the wall-clock time before the gap would have been (zoneinfo ``fold=0``); a repeated one
(autumn) is posted once, at its first occurrence.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.domain import Subscription
from bot.errors import UsageError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_DEFAULT = frozenset({1, 2, 3, 4, 5})  # ISO weekdays, Monday = 1
DEFAULT_GRACE = timedelta(hours=6)


@dataclass(frozen=True)
class ScheduleOptions:
    """What storage keeps beside a ``Subscription``: days, threshold, weekly, and pause state."""

    weekdays: frozenset[int] = WEEKDAYS_DEFAULT
    threshold: float | None = None
    weekly: bool = False
    paused_reason: str | None = None
    paused_at: datetime | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


@dataclass(frozen=True)
class ScheduledSubscription:
    subscription: Subscription
    options: ScheduleOptions = ScheduleOptions()


@dataclass(frozen=True)
class Occurrence:
    """One posting of one subscription: the channel's local day and the UTC instant it is due."""

    local_day: date
    due_at: datetime


def weekdays_text(days: frozenset[int]) -> str:
    if days == WEEKDAYS_DEFAULT:
        return "Mon–Fri"
    if days == frozenset(range(1, 8)):
        return "every day"
    return ",".join(DAY_NAMES[d - 1].capitalize() for d in sorted(days))


def parse_weekdays(text: str) -> frozenset[int]:
    """'mon-fri', 'mon,wed,fri', 'daily', 'weekdays', 'weekends', 'sat-sun' → ISO weekday numbers."""
    value = text.strip().lower()
    named = {"daily": range(1, 8), "everyday": range(1, 8), "all": range(1, 8), "weekdays": range(1, 6), "weekends": (6, 7)}
    if value in named:
        return frozenset(named[value])
    days: set[int] = set()
    for part in value.split(","):
        start, _, end = part.strip().partition("-")
        try:
            first = DAY_NAMES.index(start[:3])
            last = DAY_NAMES.index(end[:3]) if end else first
        except ValueError:
            raise UsageError(
                f"'{text}' is not a list of weekdays: use e.g. mon-fri, mon,wed,fri, daily or weekends."
            ) from None
        i = first
        while True:
            days.add(i + 1)
            if i == last:
                break
            i = (i + 1) % 7
    return frozenset(days)


def encode_weekdays(days: frozenset[int]) -> str:
    return "".join(str(d) for d in sorted(days))


@lru_cache(maxsize=256)  # a few distinct strings ("12345"), decoded for every subscription of a planning pass
def decode_weekdays(text: str | None) -> frozenset[int]:
    return frozenset(int(c) for c in text) if text else WEEKDAYS_DEFAULT


def due_instant(local_day: date, post_time: time, zone: str) -> datetime:
    """The UTC instant of ``post_time`` on ``local_day`` in ``zone``."""
    local = datetime.combine(local_day, post_time.replace(tzinfo=None), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def occurrences(sub: ScheduledSubscription, now: datetime, lookback: timedelta) -> list[Occurrence]:
    """Occurrences due at or before ``now`` and after ``now - lookback``, oldest first.

    Days before the subscription existed never count (subscribing at 15:00 does not post
    the 09:00 digest late). A weekly subscription posts on the first of its weekdays.
    """
    subscription, options = sub.subscription, sub.options
    days = options.weekdays or WEEKDAYS_DEFAULT
    if options.weekly:
        days = frozenset({min(days)})
    every = _occurrences(subscription.timezone, subscription.post_time, days, now, lookback)
    created = subscription.created_at
    return [o for o in every if o.due_at >= created] if created is not None else list(every)


@lru_cache(maxsize=4096)
def _occurrences(timezone: str, post_time: time, days: frozenset[int], now: datetime,
                 lookback: timedelta) -> tuple[Occurrence, ...]:
    """``occurrences`` before the creation-day cut: the same for every subscription of one zone, time
    and weekdays, so a planning pass over 10,000 channels computes it once per such schedule."""
    zone = ZoneInfo(timezone)
    local_today = now.astimezone(zone).date()
    out = []
    span = lookback.days + 2
    for back in range(span, -1, -1):
        day = local_today - timedelta(days=back)
        if day.isoweekday() not in days:
            continue
        due = due_instant(day, post_time, timezone)
        if due > now or due <= now - lookback:
            continue
        out.append(Occurrence(day, due))
    return tuple(out)
