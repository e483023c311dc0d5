"""Store contract: subscriptions — create, read, replace, list, delete."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

from bot.domain import Subscription
from storage.store import SqlStore
from tests.harness.builders import CHANNEL, OTHER_CHANNEL


async def test_save_get_replace_list_delete(store: SqlStore) -> None:
    assert await store.get_subscription(CHANNEL) is None
    assert await store.list_subscriptions() == []
    created = datetime(2025, 11, 1, 8, tzinfo=timezone(timedelta(hours=1)))
    first = Subscription(CHANNEL, time(9, 30), "Europe/Berlin", count=5, created_by="U1", created_at=created)
    await store.save_subscription(first)
    assert await store.get_subscription(CHANNEL) == first

    replaced = Subscription(CHANNEL, time(17, 45, 30), "Asia/Tokyo", count=3, created_by="U2", created_at=created)
    await store.save_subscription(replaced)
    got = await store.get_subscription(CHANNEL)
    assert got == replaced and got.post_time == time(17, 45, 30) and got.timezone == "Asia/Tokyo"
    assert got.created_at is not None and got.created_at.utcoffset() == timedelta(0)

    other = Subscription(OTHER_CHANNEL, time(7, 0), "UTC")
    await store.save_subscription(other)
    listed = await store.list_subscriptions()
    assert [s.channel for s in listed] == [OTHER_CHANNEL, CHANNEL]  # by channel key: "discord:…" < "slack:…"
    assert listed[1] == replaced

    assert await store.delete_subscription(CHANNEL) is True
    assert await store.delete_subscription(CHANNEL) is False
    assert await store.get_subscription(CHANNEL) is None
    assert [s.channel for s in await store.list_subscriptions()] == [OTHER_CHANNEL]


async def test_created_at_is_filled_in_when_missing(store: SqlStore) -> None:
    await store.save_subscription(Subscription(CHANNEL, time(9), "UTC", created_by=None))
    got = await store.get_subscription(CHANNEL)
    assert got is not None and got.created_by is None
    assert got.created_at is not None and got.created_at.tzinfo is not None
    assert abs(datetime.now(UTC) - got.created_at) < timedelta(minutes=5)
