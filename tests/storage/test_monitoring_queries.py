"""What monitoring reads from the store, on SQLite and PostgreSQL: the readiness ping, and the outbox's
oldest due undelivered item (the ``paperbot_outbox_oldest_due_age_seconds`` gauge)."""
from __future__ import annotations

from datetime import time, timedelta

from prometheus_client.parser import text_string_to_metric_families

from bot.domain import ChannelRef, Subscription
from bot.scheduling.ports import EMPTY, SKIPPED, DigestPlan
from paperbot.monitoring.prometheus import PrometheusMetrics
from storage.store import SqlStore
from tests.harness.builders import DAY, NOON


def plan(channel: str, hours_before_noon: float, status: str | None = None) -> DigestPlan:
    due = NOON - timedelta(hours=hours_before_noon)
    extra = {"status": status} if status else {}
    return DigestPlan(ChannelRef("slack", "T1", channel), DAY, due, "Top papers", (), **extra)


async def test_ping_answers_on_a_working_database(store: SqlStore) -> None:
    await store.ping()  # no error: reachable


async def test_oldest_due_undelivered_ignores_finished_and_future_items(store: SqlStore) -> None:
    assert await store.oldest_due_undelivered(NOON) is None
    await store.save_plans([
        plan("C-skipped", 9, SKIPPED),  # finished unsent: nothing waits for it
        plan("C-empty", 8, EMPTY),
        plan("C-late", 2),  # planned, due two hours ago: the oldest waiting
        plan("C-due", 1),
        plan("C-future", -1),  # not due yet
    ], NOON - timedelta(hours=10))
    assert await store.oldest_due_undelivered(NOON) == NOON - timedelta(hours=2)
    for name in ("C-late", "C-due"):  # claims are made for subscribed channels only
        await store.save_subscription(Subscription(ChannelRef("slack", "T1", name), time(9), "UTC"))
    claimed = await store.claim_outbox("w1", NOON, platforms=["slack"], limit=10, lease=timedelta(minutes=5))
    assert {item.channel.channel for item in claimed} == {"C-late", "C-due"}
    assert await store.oldest_due_undelivered(NOON) == NOON - timedelta(hours=2)  # being sent is not delivered
    late = next(item for item in claimed if item.channel.channel == "C-late")
    await store.finish_sent(late.id, "w1", ["m1"], [], NOON)
    assert await store.oldest_due_undelivered(NOON) == NOON - timedelta(hours=1)

    metrics = PrometheusMetrics(store, clock=lambda: NOON)
    await metrics.refresh()
    families = {f.name: f for f in text_string_to_metric_families(metrics.exposition().decode())}
    (sample,) = families["paperbot_outbox_oldest_due_age_seconds"].samples
    assert sample.value == 3600.0
