"""``utc_from_driver`` reads a reaction time as ``UTCDateTime`` would, from what either driver returns."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from storage.columns import UTCDateTime, utc_from_driver


class _Sqlite:
    name = "sqlite"


def test_sqlite_text_reads_as_the_aware_utc_datetime_that_was_stored() -> None:
    stored = [datetime(2025, 11, 6, 13, 47, 12, 123456, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC),
              datetime(2025, 3, 30, 1, 30, tzinfo=timezone(timedelta(hours=2)))]
    for moment in stored:
        naive = UTCDateTime().process_bind_param(moment, _Sqlite())  # type: ignore[arg-type]
        assert naive is not None
        text = naive.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite storage format
        got = utc_from_driver(text)
        assert got == moment and got.tzinfo is UTC and got.utcoffset() == timedelta(0)


def test_text_with_an_offset_of_its_own_is_taken_as_utc_and_aware_datetimes_are_converted() -> None:
    assert utc_from_driver("2025-11-06 13:47:12+02:00") == datetime(2025, 11, 6, 13, 47, 12, tzinfo=UTC)
    aware = datetime(2025, 11, 6, 15, 0, tzinfo=timezone(timedelta(hours=2)))  # asyncpg's timestamptz
    assert utc_from_driver(aware) == aware and utc_from_driver(aware).tzinfo is UTC
    assert utc_from_driver(datetime(2025, 11, 6, 13, 0)) == datetime(2025, 11, 6, 13, 0, tzinfo=UTC)
