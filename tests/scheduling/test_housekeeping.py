"""The scheduler forgets platform event ids after a week, so the retry-protection table stays small
(real store: SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduling.scheduler import Scheduler
from storage.store import SqlStore
from tests.harness.clocks import Clock
from tests.harness.platforms import FakePlatform

T0 = datetime(2025, 11, 7, 12, 0, tzinfo=UTC)


async def test_event_ids_are_forgotten_after_a_week_at_most_once_an_hour(store: SqlStore) -> None:
    clock = Clock(T0)
    week = timedelta(days=7)
    assert not await store.seen_event("Ev-old", T0 - week - timedelta(days=1))
    assert not await store.seen_event("Ev-recent", T0 - timedelta(days=6))
    assert not await store.seen_event("Ev-soon-old", T0 - week + timedelta(minutes=30))
    s = Scheduler(store, {"slack": FakePlatform()}, clock=clock)

    assert (await s.tick()).forgotten_events == 1
    assert not await store.seen_event("Ev-old", T0)  # forgotten: new again
    assert await store.seen_event("Ev-recent", T0)  # still remembered: a retry is recognised

    clock.now = T0 + timedelta(minutes=40)  # Ev-soon-old is over a week old now, but the last pass was 40 min ago
    assert (await s.tick()).forgotten_events == 0
    clock.now = T0 + timedelta(minutes=61)
    assert (await s.tick()).forgotten_events == 1
    assert not await store.seen_event("Ev-soon-old", clock.now)
