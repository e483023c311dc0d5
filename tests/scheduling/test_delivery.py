"""Planning and delivery against the real store (SQLite and PostgreSQL), with an injectable clock.

Crashes are simulated by raising a BaseException at a stage (nothing catches it, like a kill),
then building a new scheduler on a new store connection: a "restart".
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain import ChannelRef, Subscription
from bot.errors import ChannelUnavailableError, RateLimitedError, TransientDeliveryError
from bot.scheduling.delivery import DeliverySettings
from bot.scheduling.planner import PlanSettings
from bot.scheduling.ports import EMPTY, FAILED, SENT, SKIPPED
from bot.scheduling.schedule import ScheduleOptions
from bot.scheduling.scheduler import Scheduler
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.builders import papers
from tests.harness.clocks import Clock
from tests.harness.faults import Crash
from tests.harness.platforms import FakePlatform

UTC = UTC
A = ChannelRef("slack", "T1", "CA")
B = ChannelRef("slack", "T1", "CB")
FRI = date(2025, 11, 7)  # a Friday
MON = date(2025, 11, 10)


async def subscribe(store: SqlStore, channel: ChannelRef, *, tz: str = "Europe/Berlin", at: time = time(9), count: int = 3,
                    **options) -> None:
    await store.save_subscription(Subscription(channel, at, tz, count=count, created_at=datetime(2025, 1, 1, tzinfo=UTC)))
    if options:
        await store.set_schedule(channel, ScheduleOptions(**options))


async def by_day(store: SqlStore, channel: ChannelRef) -> dict:
    return {r["local_day"]: r for r in await store.outbox_rows(channel)}


async def statuses(store: SqlStore, channel: ChannelRef) -> dict:
    return {day: r["status"] for day, r in (await by_day(store, channel)).items()}


def scheduler(store: SqlStore, platform: FakePlatform, clock: Clock, **kw) -> Scheduler:
    return Scheduler(store, {"slack": platform}, clock=clock, delivery_settings=kw.pop("delivery", None), **kw)


async def test_posts_at_local_time_once(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 7, 59, tzinfo=UTC))  # 08:59 Berlin
    s = scheduler(store, platform, clock)
    await s.tick()
    assert platform.sent == []
    clock.now = datetime(2025, 11, 7, 8, 0, tzinfo=UTC)
    await s.tick()
    await s.tick()
    assert platform.count(A.key) == 1 and len(platform.sent[0][2]) == 3
    assert await statuses(store, A) == {FRI: SENT, FRI - timedelta(days=1): SKIPPED}  # Thursday: before this "install"
    assert {p.arxiv_id for p in await store.recent_posts(A)} == set(platform.sent[0][2])


async def test_no_new_papers_posts_nothing_and_never_repeats(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A, weekdays=frozenset(range(1, 8)), count=10)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    s = scheduler(store, platform, clock)
    await s.tick()
    clock.now = datetime(2025, 11, 8, 8, 30, tzinfo=UTC)  # Saturday: no new papers
    await s.tick()
    assert platform.count(A.key) == 1
    assert await statuses(store, A) == {FRI - timedelta(days=1): SKIPPED, FRI: SENT, FRI + timedelta(days=1): EMPTY}


async def test_no_new_papers_note_when_configured(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A, weekdays=frozenset(range(1, 8)), count=10)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    s = scheduler(store, platform, clock, plan_settings=PlanSettings(empty_day_note=True))
    await s.tick()
    clock.now = datetime(2025, 11, 8, 8, 30, tzinfo=UTC)
    await s.tick()
    assert [p[2] for p in platform.sent][1] == ["No new papers today."]


async def test_grace_period_posts_late_once_and_skips_older(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A, tz="UTC")
    await subscribe(store, B, tz="UTC", at=time(3))
    platform = FakePlatform()
    clock = Clock(datetime(2025, 11, 7, 14, 0, tzinfo=UTC))  # A due 09:00 (5 h late), B due 03:00 (11 h late)
    s = scheduler(store, platform, clock)
    await s.tick()
    await s.tick()
    assert platform.count(A.key) == 1 and platform.count(B.key) == 0
    row = (await by_day(store, B))[FRI]
    assert row["status"] == SKIPPED and "grace" in row["error"]


async def test_grace_period_is_configurable(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A, tz="UTC")
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 14, 0, tzinfo=UTC))
    await scheduler(store, platform, clock, plan_settings=PlanSettings(grace=timedelta(hours=1))).tick()
    assert platform.sent == []


async def test_threshold_and_weekdays(store: SqlStore) -> None:
    await store.upsert_papers(papers(MON))
    await subscribe(store, A, tz="UTC", weekdays=frozenset({1}), threshold=10**9)
    await subscribe(store, B, tz="UTC", weekdays=frozenset({2}))
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 10, 10, tzinfo=UTC))
    await scheduler(store, platform, clock).tick()
    assert platform.sent == []  # A: nothing passes its threshold; B: not a Tuesday
    assert (await statuses(store, A))[MON] == EMPTY


async def test_crash_between_planned_and_sent(url: str) -> None:
    async with SqlStore.connect(url) as store:
        await store.upsert_papers(papers(FRI))
        await subscribe(store, A)
        await subscribe(store, B)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))

    def crash_before_send(stage, item):
        raise Crash(stage)

    async with SqlStore.connect(url) as store:
        await scheduler(store, platform, clock).planner.plan_due()  # planned, then the process dies
    async with SqlStore.connect(url) as store:
        # a second crash: claimed ("sending") but killed before the platform saw anything
        s = scheduler(store, platform, clock)
        s.delivery._publish = _raising(Crash("before send"))  # type: ignore[method-assign]
        with pytest.raises(BaseException):
            await s.tick()
    assert platform.sent == []
    clock.now += timedelta(minutes=16)  # the dead worker's lease runs out
    async with SqlStore.connect(url) as store:
        await scheduler(store, platform, clock).tick()
        assert platform.count(A.key) == 1 and platform.count(B.key) == 1
        assert {r["status"] for r in await store.outbox_rows() if r["local_day"] == FRI} == {SENT}
        assert len(await store.recent_posts(A)) == 3


def _raising(exc: BaseException):
    async def send(*args, **kwargs):
        raise exc
    return send


async def test_crash_between_sent_and_recorded(url: str) -> None:
    async with SqlStore.connect(url) as store:
        await store.upsert_papers(papers(FRI))
        await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))

    def crash(stage, item):
        if stage == "after_send":
            raise Crash(stage)

    async with SqlStore.connect(url) as store:
        with pytest.raises(Crash):
            await scheduler(store, platform, clock, fault=crash).tick()
    assert platform.count(A.key) == 1
    async with SqlStore.connect(url) as store:
        await scheduler(store, platform, clock).tick()  # lease still held by the dead worker: nothing
        assert platform.count(A.key) == 1
        clock.now += timedelta(minutes=16)
        await scheduler(store, platform, clock).tick()
        await scheduler(store, platform, clock).tick()
        assert platform.count(A.key) == 1  # found on the platform by its tag, not resent
        row = (await by_day(store, A))[FRI]
        assert row["status"] == SENT and row["message_ids"] == platform.by_tag[f"paperbot-outbox-{row['id']}"]
        assert len(await store.recent_posts(A)) == 3


async def test_without_a_lookup_an_interrupted_send_fails_visibly_instead_of_doubling(url: str) -> None:
    class NoLookup(FakePlatform):
        finds_sent = False

    async with SqlStore.connect(url) as store:
        await store.upsert_papers(papers(FRI))
        await subscribe(store, A)
    platform, clock = NoLookup(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    async with SqlStore.connect(url) as store:
        with pytest.raises(Crash):
            await scheduler(store, platform, clock, fault=lambda st, it: (_ for _ in ()).throw(Crash())).tick()
        clock.now += timedelta(minutes=16)
        await scheduler(store, platform, clock).tick()
        assert platform.count(A.key) == 1
        row = (await by_day(store, A))[FRI]
        assert row["status"] == FAILED and "may have been sent" in row["error"]


async def test_channel_unavailable_pauses_with_reason_and_others_continue(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    await subscribe(store, B)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    platform.errors[A.key].append(ChannelUnavailableError("the bot was removed from #papers"))
    await scheduler(store, platform, clock).tick()
    assert platform.count(B.key) == 1 and platform.count(A.key) == 0
    options = await store.get_schedule(A)
    assert options.paused and options.paused_reason == "the bot was removed from #papers"
    row = (await by_day(store, A))[FRI]
    assert row["status"] == FAILED
    clock.now += timedelta(days=3)  # Monday: a paused channel is not planned
    await store.upsert_papers(papers(MON))
    await scheduler(store, platform, clock).tick()
    assert platform.count(A.key) == 0 and platform.count(B.key) == 2


async def test_transient_errors_retry_with_backoff_then_fail_visibly(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    platform.errors[A.key] += [TransientDeliveryError("502")] * 3
    s = scheduler(store, platform, clock, delivery=DeliverySettings(max_attempts=3))
    await s.tick()
    row = (await by_day(store, A))[FRI]
    assert row["status"] == "sending" and row["error"].endswith("502")  # the retry looks on the platform first
    await s.tick()  # backoff not over: nothing happens
    assert (await by_day(store, A))[FRI]["attempts"] == 1
    for _ in range(3):
        clock.now += timedelta(hours=1)
        await s.tick()
    row = (await by_day(store, A))[FRI]
    assert row["status"] == FAILED and "gave up after 3 attempts" in row["error"] and platform.sent == []


async def test_rate_limited_waits_as_told_then_sends(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    platform.errors[A.key] += [RateLimitedError("429", retry_after=0.05)] * 2
    s = scheduler(store, platform, clock)
    report = await s.tick()
    assert report.delivery.rate_limited == 2 and report.delivery.sent == 1 and platform.count(A.key) == 1


async def test_a_plan_left_unsent_past_the_grace_period_is_skipped_not_posted(url: str) -> None:
    async with SqlStore.connect(url) as store:
        await store.upsert_papers(papers(FRI))
        await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    async with SqlStore.connect(url) as store:
        await scheduler(store, platform, clock).planner.plan_due()  # planned, then down for a day
    clock.now += timedelta(days=1)
    async with SqlStore.connect(url) as store:
        await scheduler(store, platform, clock).tick()
        assert platform.count(A.key) == 0
        row = (await by_day(store, A))[FRI]
        assert row["status"] == SKIPPED and "grace" in row["error"]


async def test_only_platforms_this_process_can_deliver_are_planned(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    await subscribe(store, ChannelRef("discord", "G1", "1"))
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    await scheduler(store, platform, clock).tick()
    assert {r["platform"] for r in await store.outbox_rows()} == {"slack"}


async def test_unsubscribed_after_planning_gets_nothing(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    s = scheduler(store, platform, clock)
    await s.planner.plan_due()
    await store.delete_subscription(A)
    await s.tick()
    assert platform.sent == []
    assert (await by_day(store, A))[FRI]["status"] == SKIPPED


async def test_weekly_digest_is_the_top_of_the_previous_week(store: SqlStore) -> None:
    await store.upsert_papers(papers(date(2025, 11, 3), 3, "2511") + papers(FRI, 3, "2512") + papers(MON, 3, "2513"))
    await subscribe(store, A, tz="UTC", weekly=True, weekdays=frozenset({1}), count=10)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 10, 9, 30, tzinfo=UTC))
    await scheduler(store, platform, clock).tick()
    (sent,) = platform.sent
    assert len(sent[2]) == 6 and not any(i.startswith("2513") for i in sent[2])  # Mon 3 – Sun 9 Nov, not today's
    assert (await by_day(store, A))[MON]["week"] == "2025-W45"


async def test_a_timeout_that_actually_posted_is_not_posted_again(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    real_send = platform.send

    async def posts_then_times_out(channel, publication, *, tag=None):
        await real_send(channel, publication, tag=tag)
        raise TransientDeliveryError("read timeout")

    platform.send = posts_then_times_out
    s = scheduler(store, platform, clock)
    await s.tick()
    platform.send = real_send
    clock.now += timedelta(minutes=5)
    await s.tick()
    assert platform.count(A.key) == 1
    row = (await by_day(store, A))[FRI]
    assert row["status"] == SENT and len(await store.recent_posts(A)) == 3


async def test_transient_retry_without_a_lookup_resends(store: SqlStore) -> None:
    class NoLookup(FakePlatform):
        finds_sent = False

    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    platform, clock = NoLookup(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))
    platform.errors[A.key].append(TransientDeliveryError("503"))
    s = scheduler(store, platform, clock)
    await s.tick()
    assert (await by_day(store, A))[FRI]["status"] == "planned"
    clock.now += timedelta(minutes=5)
    await s.tick()
    assert platform.count(A.key) == 1 and (await by_day(store, A))[FRI]["status"] == SENT


async def test_sqlite_restart_checks_interrupted_sends_at_once(tmp_path) -> None:
    from paperbot.scheduling import resume_after_restart

    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        await store.upsert_papers(papers(FRI))
        await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 30, tzinfo=UTC))

    def crash(stage, item):
        raise Crash(stage)

    async with SqlStore.connect(url) as store:
        with pytest.raises(Crash):
            await scheduler(store, platform, clock, fault=crash).tick()
    async with SqlStore.connect(url) as store:  # restart, same minute: no waiting for the lease
        await resume_after_restart(url, store, clock=clock)
        await scheduler(store, platform, clock).tick()
        assert platform.count(A.key) == 1 and (await by_day(store, A))[FRI]["status"] == SENT


async def test_a_tick_plans_inside_its_plan_scope_and_delivers_after(store: SqlStore) -> None:
    from contextlib import contextmanager

    await store.upsert_papers(papers(FRI))
    await subscribe(store, A)
    platform, clock = FakePlatform(), Clock(datetime(2025, 11, 7, 8, 0, tzinfo=UTC))
    seen: list[tuple[str, int]] = []

    @contextmanager
    def scope():
        seen.append(("enter", len(platform.sent)))
        yield
        seen.append(("exit", len(platform.sent)))

    await scheduler(store, platform, clock, plan_scope=scope).tick()
    assert seen == [("enter", 0), ("exit", 0)]  # planning inside the scope, sending after it
    assert platform.count(A.key) == 1 and (await statuses(store, A))[FRI] == SENT
