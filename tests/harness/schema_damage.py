"""Damage a real database's schema the way a hand-run DROP or a half-restored backup does, so tests see
what people are told about it (storage raises StoreSchemaError, not a passing outage)."""
from __future__ import annotations

from storage.store import SqlStore


async def drop_tables(store: SqlStore, *tables: str) -> None:
    """``DROP TABLE`` each of ``tables`` on the store's own database (a real SQLite file or PostgreSQL)."""
    assert store.engine is not None, "a store that owns its engine (SqlStore.connect)"
    async with store.engine.begin() as connection:
        for table in tables:
            await connection.exec_driver_sql(f"DROP TABLE {table}")
