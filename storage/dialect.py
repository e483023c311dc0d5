"""The two write-side differences between backends, behind one call each.

``upsert_insert``: idempotent writes (posts, reactions, seen events) and batch upserts
must not raise on duplicates; SQLite and PostgreSQL both speak ``INSERT … ON CONFLICT``
through their own dialect ``insert`` constructs with the same API.
``serialize``: read-merge-write transactions must not interleave.
"""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable, Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ConfigError

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert_insert(session: AsyncSession, table: Table) -> Any:
    """The dialect's INSERT for ``table`` (has ``on_conflict_do_nothing/_update`` and ``excluded``)."""
    name = session.get_bind().dialect.name
    try:
        return _INSERTS[name](table)
    except KeyError:
        raise ConfigError(f"database backend '{name}' is not supported; use SQLite or PostgreSQL") from None


# Advisory-lock keys (PostgreSQL): one per kind of read-merge-write transaction.
LOCK_KEYS = {"papers": 0x70617001, "migrations": 0x70617065}


async def serialize(session: AsyncSession, name: str) -> None:
    """Make transactions that read, merge and write ``name`` run one at a time.

    Why: two concurrent ``upsert_papers`` could both find a paper missing and the second
    would overwrite the first instead of merging. PostgreSQL gets a transaction-scoped
    advisory lock; SQLite needs nothing, since ``BEGIN IMMEDIATE`` already holds its
    single write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEYS[name]})


async def rows_affected(session: AsyncSession, statement: Executable) -> int:
    """How many rows an UPDATE or DELETE changed."""
    result = await session.execute(statement)
    return int(cast(CursorResult[Any], result).rowcount or 0)
