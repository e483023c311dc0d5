"""Many rows into one table through the driver's ``executemany``, without SQLAlchemy's per-row work.

A planning pass stores 10,000 outbox rows and more in one transaction. Given a list of dicts,
SQLAlchemy builds the parameters of every row and runs every column's bind processor on every
value (JSON, dates, times); that was most of the insert's CPU. Here the statement is compiled
once for the dialect (its SQL and the order of its placeholders), each column's bind processor
runs once per *distinct* value (a pass has a handful of due times and days and many ``None``),
JSON columns come serialised by the caller, and the driver gets plain tuples: sqlite3's
``executemany`` or asyncpg's. The stored values are those SQLAlchemy would have stored
(``tests/storage/test_bulk_insert.py``).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Table, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert_insert


def _processed(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """``[process(v) for v in values]``, calling ``process`` once per distinct value (values equal under
    ``==`` bind alike: true of dates, times and strings, not of ``1`` and ``True`` in a Boolean column)."""
    done = {v: process(v) for v in set(values)}
    return list(map(done.__getitem__, values))


def _processor(table: Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    column_type = table.c[name].type
    if isinstance(column_type, JSON):
        return None  # the caller passes the JSON text (both drivers take text for a JSON column)
    process: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process


async def insert_ignoring_conflicts(session: AsyncSession, table: Table, columns: Sequence[str],
                                    rows: Sequence[Sequence[Any]], conflict: Sequence[str]) -> None:
    """``INSERT … ON CONFLICT (conflict) DO NOTHING`` of ``rows`` (values in ``columns`` order; JSON
    columns as ``json.dumps`` text), in the session's transaction, as one driver ``executemany``."""
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    statement = upsert_insert(session, table).values({name: bindparam(name) for name in columns})
    statement = statement.on_conflict_do_nothing(index_elements=[table.c[name] for name in conflict])
    compiled = statement.compile(dialect=dialect)
    assert compiled.positiontup is not None, "sqlite3 and asyncpg take positional parameters"
    place = {name: i for i, name in enumerate(columns)}
    order = [place[name] for name in compiled.positiontup]
    by_column = list(zip(*rows, strict=True))
    for i, name in enumerate(columns):
        process = _processor(table, name, dialect)
        if process is not None:
            by_column[i] = tuple(_processed(by_column[i], process))
    parameters = list(zip(*(by_column[i] for i in order), strict=True))
    await connection.exec_driver_sql(compiled.string, parameters)
