"""Wiring for daily posts: configuration + store + the adapters' ChatPlatforms → a Scheduler.

``paperbot.platforms.chat_platforms()`` gives the started platforms ``{name: ChatPlatform}``;
once the adapters do; until then the scheduler runs with none (it plans, and claims nothing).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.clock import Clock, utc_now
from bot.config import Config
from bot.plural import counted, plural
from bot.ports import ChatPlatform
from bot.scheduling.delivery import DeliverySettings
from bot.scheduling.planner import PlanSettings
from bot.scheduling.scheduler import Scheduler, SchedulerSettings
from bot.usecases.publishing import Publisher
from bot.usecases.taste import TasteUseCases
from paperbot.gc_policy import collector_paused
from storage.store import SqlStore

_log = logging.getLogger(__name__)


def build_scheduler(
    config: Config, store: SqlStore, platforms: Mapping[str, ChatPlatform], *, clock: Clock = utc_now,
    taste: TasteUseCases | None = None, publisher: Publisher | None = None,
) -> Scheduler:
    """``taste``: the bot's TasteUseCases (an embedder is configured) → personalised channel and DM digests;
    None → trending. Weekly recaps and DM digests are planned by the same scheduler."""
    cfg = config.schedule
    ranker = member_ranker = None
    if taste is not None:
        from bot.scheduling.dm import taste_member_ranker
        from bot.scheduling.personal import PersonalRanker

        ranker = PersonalRanker(taste, clock=clock)
        member_ranker = taste_member_ranker(taste)  # DM digests: each member's own profile
    return Scheduler(
        store,
        platforms,
        clock=clock,
        settings=SchedulerSettings(tick_seconds=cfg.tick_seconds, lease=timedelta(minutes=cfg.lease_minutes)),
        plan_settings=PlanSettings(grace=timedelta(hours=cfg.grace_hours), empty_day_note=cfg.empty_day_note),
        delivery_settings=DeliverySettings(max_attempts=cfg.max_attempts, grace=timedelta(hours=cfg.grace_hours)),
        ranker=ranker,
        member_ranker=member_ranker,
        recap_count=cfg.recap_count,
        publisher=publisher,
        plan_scope=collector_paused,  # no collection during a pass (paperbot/gc_policy.py)
    )


async def resume_after_restart(url: str, store: SqlStore, *, clock: Clock = utc_now) -> None:
    """SQLite runs one process (``single_process_lock``), so claims left by its previous run are
    dead now: release them, and the sends they were making are checked at once instead of after
    the lease. (PostgreSQL: other processes may be alive; their leases run out instead.)"""
    if url.startswith("sqlite"):
        released = await store.expire_claims(clock() - timedelta(seconds=1))
        if released:
            _log.warning("%s %s being sent when paperbot stopped: checking %s on the platform",
                         counted(released, "digest"), plural(released, "was", "were"), plural(released, "it", "them"))
