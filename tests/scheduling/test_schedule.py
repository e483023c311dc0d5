"""Due computation with an injectable clock: IANA zones, DST, weekdays, weekly, grace window."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain import ChannelRef, Subscription
from bot.errors import UsageError
from bot.scheduling.schedule import ScheduledSubscription, ScheduleOptions, due_instant, occurrences, parse_weekdays

CH = ChannelRef("slack", "T", "C")
UTC = UTC


def sub(post: time = time(9), tz: str = "Europe/Berlin", **opts) -> ScheduledSubscription:
    created = datetime(2025, 1, 1, tzinfo=UTC)
    return ScheduledSubscription(Subscription(CH, post, tz, created_at=created), ScheduleOptions(**opts))


def test_berlin_nine_stays_nine_local_across_dst() -> None:
    assert due_instant(date(2025, 3, 28), time(9), "Europe/Berlin") == datetime(2025, 3, 28, 8, tzinfo=UTC)  # CET
    assert due_instant(date(2025, 3, 31), time(9), "Europe/Berlin") == datetime(2025, 3, 31, 7, tzinfo=UTC)  # CEST
    assert due_instant(date(2025, 10, 27), time(9), "Europe/Berlin") == datetime(2025, 10, 27, 8, tzinfo=UTC)


def test_due_on_the_monday_after_spring_forward_at_local_nine() -> None:
    s = sub(weekdays=frozenset(range(1, 8)))
    # Sun 30 Mar 2025 is the switch; Mon 31 Mar 09:00 CEST = 07:00 UTC
    assert occurrences(s, datetime(2025, 3, 31, 6, 59, tzinfo=UTC), timedelta(hours=6)) == []
    occ = occurrences(s, datetime(2025, 3, 31, 7, 0, tzinfo=UTC), timedelta(hours=6))
    assert [(o.local_day, o.due_at) for o in occ] == [(date(2025, 3, 31), datetime(2025, 3, 31, 7, tzinfo=UTC))]


def test_a_time_that_does_not_exist_on_the_switch_day_is_posted_once() -> None:
    s = sub(post=time(2, 30), weekdays=frozenset(range(1, 8)))
    occ = occurrences(s, datetime(2025, 3, 30, 12, tzinfo=UTC), timedelta(hours=12))
    assert [o.local_day for o in occ] == [date(2025, 3, 30)]


def test_default_weekdays_are_monday_to_friday() -> None:
    s = sub(tz="UTC")
    saturday = datetime(2025, 11, 8, 10, tzinfo=UTC)
    assert occurrences(s, saturday, timedelta(hours=6)) == []
    friday = datetime(2025, 11, 7, 10, tzinfo=UTC)
    assert [o.local_day for o in occurrences(s, friday, timedelta(hours=6))] == [date(2025, 11, 7)]


def test_weekly_posts_on_its_first_weekday_only() -> None:
    s = sub(tz="UTC", weekly=True, weekdays=frozenset({3}))
    days = [datetime(2025, 11, d, 10, tzinfo=UTC) for d in range(3, 10)]
    hits = [o.local_day for now in days for o in occurrences(s, now, timedelta(hours=6))]
    assert hits == [date(2025, 11, 5)]  # the Wednesday


def test_local_day_follows_the_channel_zone() -> None:
    s = sub(post=time(8), tz="Pacific/Auckland", weekdays=frozenset(range(1, 8)))
    now = datetime(2025, 11, 6, 19, 30, tzinfo=UTC)  # 08:30 on Fri 7 Nov in Auckland (NZDT, +13)
    assert [o.local_day for o in occurrences(s, now, timedelta(hours=6))] == [date(2025, 11, 7)]


def test_nothing_before_the_subscription_existed() -> None:
    created = datetime(2025, 11, 7, 15, tzinfo=UTC)
    s = ScheduledSubscription(Subscription(CH, time(9), "UTC", created_at=created))
    assert occurrences(s, datetime(2025, 11, 7, 15, 1, tzinfo=UTC), timedelta(hours=24)) == []


@pytest.mark.parametrize("text,days", [("mon-fri", {1, 2, 3, 4, 5}), ("mon,wed,fri", {1, 3, 5}), ("daily", set(range(1, 8))),
                                       ("fri-mon", {5, 6, 7, 1}), ("weekends", {6, 7})])
def test_parse_weekdays(text: str, days: set[int]) -> None:
    assert parse_weekdays(text) == frozenset(days)


def test_parse_weekdays_rejects_nonsense() -> None:
    with pytest.raises(UsageError):
        parse_weekdays("someday")
