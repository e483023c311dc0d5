"""Subscribe a channel to a daily digest, or stop it. Only channel managers may."""
from __future__ import annotations

from datetime import time

from bot.clock import Clock, utc_now
from bot.commands.args import MAX_COUNT
from bot.domain import Requester, Subscription
from bot.errors import PermissionDeniedError, UsageError
from bot.ports import Store

DEFAULT_COUNT = 5


def _require_manager(requester: Requester, action: str) -> None:
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
        self, requester: Requester, *, post_time: time, timezone: str, count: int | None = None
    ) -> tuple[Subscription, bool]:
        """Create or update; returns (subscription, created)."""
        _require_manager(requester, "subscribe it to the daily digest")
        count = count or self._default_count
        if not 1 <= count <= MAX_COUNT:
            raise UsageError(f"count {count} is not accepted: give a whole number from 1 to {MAX_COUNT}.")
        existing = await self._store.get_subscription(requester.channel)
        subscription = Subscription(
            channel=requester.channel,
            post_time=post_time,
            timezone=timezone,
            count=count,
            created_by=existing.created_by if existing else requester.user_id,
            created_at=existing.created_at if existing else self._clock(),
        )
        await self._store.save_subscription(subscription)
        return subscription, existing is None

    async def unsubscribe(self, requester: Requester) -> bool:
        _require_manager(requester, "unsubscribe it")
        return await self._store.delete_subscription(requester.channel)

    async def get(self, requester: Requester) -> Subscription | None:
        return await self._store.get_subscription(requester.channel)
