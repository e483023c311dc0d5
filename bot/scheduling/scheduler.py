"""The scheduler loop: plan what is due, then claim and deliver outbox items until none is left.

Channel digests, personal DM digests (``bot.scheduling.dm``) and weekly recaps
(``bot.scheduling.recap``) are planned into the one outbox and delivered by the same claims.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, utc_now
from bot.ports import ChatPlatform, Store
from bot.scheduling.delivery import Delivery, DeliveryReport, DeliverySettings, Fault
from bot.scheduling.dm import DmPlanner, MemberRanker
from bot.scheduling.planner import Planner, PlanReport, PlanSettings, Ranker
from bot.scheduling.recap import DEFAULT_RECAP_COUNT, RecapPlanner
from bot.usecases.discussion import DiscussionUseCases
from bot.usecases.papers import PaperLookup
from bot.usecases.publishing import Publisher

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchedulerSettings:
    tick_seconds: float = 30.0
    claim_batch: int = 500
    lease: timedelta = timedelta(minutes=15)
    # processed platform event ids (retry protection) are kept this long; platforms retry within an hour
    event_memory: timedelta = timedelta(days=7)
    housekeeping_every: timedelta = timedelta(hours=1)
    thread_repair_every: timedelta = timedelta(minutes=10)


@dataclass
class TickReport:
    plan: PlanReport
    delivery: DeliveryReport
    forgotten_events: int = 0
    threads_repaired: int = 0


class Scheduler:
    def __init__(
        self,
        store: Store,
        platforms: Mapping[str, ChatPlatform],
        *,
        clock: Clock = utc_now,
        settings: SchedulerSettings = SchedulerSettings(),
        plan_settings: PlanSettings = PlanSettings(),
        delivery_settings: DeliverySettings | None = None,
        ranker: Ranker | None = None,
        worker: str | None = None,
        fault: Fault | None = None,
        member_ranker: MemberRanker | None = None,
        recap_count: int = DEFAULT_RECAP_COUNT,
        publisher: Publisher | None = None,
        plan_scope: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> None:
        """``publisher``: the bot's one publish path (``PaperBot.publisher``: its thread mode and
        answer engine); None builds one on ``store`` with threads in every channel's mode.
        ``plan_scope``: entered around each tick's planning (``paperbot.gc_policy.collector_paused``:
        a pass keeps what it allocates until it ends, so collecting during it finds nothing)."""
        self._plan_scope = plan_scope
        self._store = store
        self._platforms = dict(platforms)
        self._clock = clock
        self.settings = settings
        self.planner = Planner(store, store, clock=clock, settings=plan_settings, ranker=ranker)
        self.personal_planners: list[DmPlanner | RecapPlanner] = [
            DmPlanner(store, store, store, clock=clock, settings=plan_settings, ranker=member_ranker),
            RecapPlanner(store, store, clock=clock, settings=plan_settings, count=recap_count),
        ]
        if publisher is None:
            publisher = Publisher(store, DiscussionUseCases(store, PaperLookup(store), clock=clock), clock=clock)
        delivery_settings = delivery_settings or DeliverySettings(grace=plan_settings.grace)
        self.delivery = Delivery(store, platforms, publisher, clock=clock, settings=delivery_settings, worker=worker,
                                 fault=fault)
        self._publisher = publisher
        self._last_housekeeping: datetime | None = None
        self._last_repair: datetime | None = None

    async def tick(self) -> TickReport:
        with self._plan_scope():
            plan = await self.planner.plan_due(platforms=self._platforms)
            for planner in self.personal_planners:
                more = await planner.plan_due(platforms=self._platforms)
                plan = plan + more
        total = DeliveryReport()
        while True:
            items = await self._store.claim_outbox(
                self.delivery.worker, self._clock(), platforms=self._platforms,
                limit=self.settings.claim_batch, lease=self.settings.lease,
            )
            if not items:
                break
            total = total + await self.delivery.deliver(items)
        return TickReport(plan, total, await self._housekeeping(), await self._repair_threads())

    async def _repair_threads(self) -> int:
        """At most once per ``thread_repair_every``: open the threads recent posts missed (a crash or a
        database restart between recording a digest and opening its threads)."""
        now = self._clock()
        if not self._platforms or (self._last_repair is not None and now - self._last_repair < self.settings.thread_repair_every):
            return 0
        self._last_repair = now
        return await self._publisher.repair_threads(self._platforms, now)

    async def _housekeeping(self) -> int:
        """At most once per ``housekeeping_every``: forget platform event ids older than ``event_memory``
        (without it the retry-protection table grows by one row per reaction, forever)."""
        now = self._clock()
        if self._last_housekeeping is not None and now - self._last_housekeeping < self.settings.housekeeping_every:
            return 0
        self._last_housekeeping = now
        forgotten = await self._store.forget_events_before(now - self.settings.event_memory)
        if forgotten:
            _log.info("forgot %d platform event ids older than %s", forgotten, self.settings.event_memory)
        return forgotten

    async def run_forever(self) -> None:
        _log.info("scheduler %s running for %s", self.delivery.worker, ", ".join(self._platforms) or "no platform")
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 — keep scheduling; the next tick retries
                _log.exception("scheduler tick failed")
            await asyncio.sleep(self.settings.tick_seconds)
