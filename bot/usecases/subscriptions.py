"""Subscribe a channel to a daily digest, or stop it. Only channel managers may.

Subscribing writes the subscription, its schedule options (which also resumes a paused one) and
any topic phrases in one transaction: a failure half-way leaves the channel as it was.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import time

from bot.clock import Clock, utc_now
from bot.domain import MAX_COUNT, Requester, Subscription
from bot.errors import PermissionDeniedError, UsageError
from bot.ports import Store
from bot.scheduling.schedule import ScheduleOptions
from bot.taste.model import TOPIC, StoredSignal

DEFAULT_COUNT = 5


def require_manager(requester: Requester, action: str) -> None:
    if not requester.can_manage_channel:
        raise PermissionDeniedError(
            f"Only people who manage this channel can {action}. Anyone can still ask for papers and react."
        )


class SubscriptionUseCases:
    def __init__(self, store: Store, *, clock: Clock = utc_now, default_count: int = DEFAULT_COUNT) -> None:
        self._store = store
        self._clock = clock
        self._default_count = default_count

    async def subscribe(
        self, requester: Requester, *, post_time: time, timezone: str, count: int | None = None,
        weekdays: frozenset[int] | None = None, threshold: float | None = None, weekly: bool | None = None,
        topics: tuple[str, ...] = (),
    ) -> tuple[Subscription, ScheduleOptions, bool]:
        """Create or update; returns (subscription, its schedule options, created). Options given as
        None keep their current value; a paused subscription is resumed."""
        require_manager(requester, "subscribe it to the daily digest")
        count = count or self._default_count
        if not 1 <= count <= MAX_COUNT:
            raise UsageError(f"count {count} is not accepted: give a whole number from 1 to {MAX_COUNT}.")
        channel, now = requester.channel, self._clock()
        async with self._store.transaction() as tx:
            existing = await tx.get_subscription(channel)
            subscription = Subscription(
                channel=channel, post_time=post_time, timezone=timezone, count=count,
                created_by=existing.created_by if existing else requester.user_id,
                created_at=existing.created_at if existing else now,
            )
            await tx.save_subscription(subscription)
            current = await tx.get_schedule(channel) or ScheduleOptions()
            options = replace(
                current,
                weekdays=weekdays if weekdays is not None else current.weekdays,
                threshold=threshold if threshold is not None else current.threshold,
                weekly=weekly if weekly is not None else current.weekly,
                paused_reason=None, paused_at=None,
            )
            await tx.set_schedule(channel, options)
            for topic in topics:  # the channel's cold start (bot.taste)
                await tx.add_signal(StoredSignal(channel.key, TOPIC, topic, 1.0, requester.user_id, now))
        return subscription, options, existing is None

    async def unsubscribe(self, requester: Requester) -> bool:
        require_manager(requester, "unsubscribe it")
        return await self._store.delete_subscription(requester.channel)

    async def get(self, requester: Requester) -> Subscription | None:
        return await self._store.get_subscription(requester.channel)
