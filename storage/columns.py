"""Column types that make SQLite and PostgreSQL agree on values."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC on every backend.

    Why: SQLite has no time zones and would silently drop the offset; PostgreSQL's
    ``timestamptz`` keeps the instant. Values go in converted to UTC (naive ones are
    taken to be UTC already) and always come out aware, in UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment


def utc_from_driver(value: Any) -> datetime:
    """What ``UTCDateTime`` reads from the value the driver returned for such a column, without
    SQLAlchemy's per-value result processing (a planning pass reads ~50,000 reaction times): SQLite's
    text (SQLAlchemy's ``YYYY-MM-DD HH:MM:SS.ffffff``, stored as UTC) or asyncpg's aware datetime.

    The text is read with its offset appended, not parsed and then given ``tzinfo=UTC``: the same
    datetime, and ~8 times faster (CPython 3.11's ``datetime.replace`` takes ~0.6 µs, the parse 0.07)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # text with an offset of its own (never written by SQLAlchemy): taken as UTC, as before
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
    moment: datetime = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return moment
