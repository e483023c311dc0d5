"""Store contract: processed platform events (retries are recognised)."""
from __future__ import annotations

from storage.store import SqlStore
from tests.harness.builders import NOON


async def test_seen_event_is_false_the_first_time_then_true(store: SqlStore) -> None:
    assert await store.seen_event("Ev01", NOON) is False
    assert await store.seen_event("Ev01", NOON) is True
    assert await store.seen_event("Ev01", NOON) is True
    assert await store.seen_event("Ev02", NOON) is False
    assert await store.seen_event("ev01", NOON) is False  # ids are case-sensitive


async def test_seen_events_persist(db_url: str, store: SqlStore) -> None:
    assert await store.seen_event("1234.5678", NOON) is False
    await store.close()
    async with SqlStore.connect(db_url) as reopened:
        assert await reopened.seen_event("1234.5678", NOON) is True
