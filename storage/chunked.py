"""Reads by many keys: one ``IN (…)`` query per chunk of keys.

Chunks stay well under SQLite's and asyncpg's bind-parameter limits, and one query serves
hundreds of keys (a planning pass loads thousands of channels' profiles).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

READ_CHUNK = 500  # keys per IN (…)
_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int = READ_CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def rows_by_key(session: AsyncSession, query: Select[Any], column: InstrumentedAttribute[Any],
                      keys: Iterable[str]) -> dict[str, list[Any]]:
    """The ORM rows of ``query`` whose ``column`` is one of ``keys``, grouped by that value: every key
    is present (an empty list when nothing matched), and each list keeps the query's order."""
    out: dict[str, list[Any]] = {key: [] for key in keys}
    for chunk in chunks(sorted(out)):
        for row in await session.scalars(query.where(column.in_(chunk))):
            out[getattr(row, column.key)].append(row)
    return out


async def tuples_by_key(session: AsyncSession, query: Select[Any], column: ColumnElement[Any],
                        keys: Iterable[str]) -> dict[str, list[Row[Any]]]:
    """``rows_by_key`` for a Core query of columns (``column`` among them): plain rows, no ORM
    objects to build — several times faster for the tens of thousands a planning pass reads."""
    out: dict[str, list[Row[Any]]] = {key: [] for key in keys}
    at = next(i for i, c in enumerate(query.selected_columns) if c is column)  # the key's place in each row
    for chunk in chunks(sorted(out)):
        for row in (await session.execute(query.where(column.in_(chunk)))).all():
            out[row[at]].append(row)
    return out
