"""Opting in and out of the personal DM digest (per member) and the weekly recap (per channel).

The DM digest belongs to whoever asks (platform + workspace + user), wherever they ask from;
the recap belongs to the channel and only its managers may switch it (like ``subscribe``).
Switching either on again resumes it if delivery had paused it.
"""
from __future__ import annotations

from datetime import time

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Requester
from bot.errors import PermissionDeniedError
from bot.plural import counted
from bot.ports import Store
from bot.scheduling.personal_ports import (
    DEFAULT_DM_COUNT,
    DEFAULT_RECAP_DAY,
    DEFAULT_RECAP_TIME,
    DmSubscription,
    Member,
    RecapSubscription,
)
from bot.scheduling.schedule import DAY_NAMES, WEEKDAYS_DEFAULT, weekdays_text
from bot.text import sentence


def member_of(requester: Requester) -> Member:
    ch = requester.channel
    return Member(ch.platform, ch.workspace, requester.user_id)


class PersonalDigestUseCases:
    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    # DM digest

    async def dm_on(self, requester: Requester, post_time: time, timezone: str,
                    weekdays: frozenset[int] | None = None, count: int | None = None) -> tuple[DmSubscription, bool]:
        member = member_of(requester)
        async with self._store.transaction() as tx:
            current = await tx.get_dm(member)
            sub = DmSubscription(member, post_time, timezone, weekdays or (current.weekdays if current else WEEKDAYS_DEFAULT),
                                 count or (current.count if current else DEFAULT_DM_COUNT),
                                 created_at=current.created_at if current else self._clock())
            created = await tx.save_dm(sub)
        return sub, created

    async def dm_off(self, requester: Requester) -> bool:
        return await self._store.delete_dm(member_of(requester))

    async def dm(self, requester: Requester) -> DmSubscription | None:
        return await self._store.get_dm(member_of(requester))

    # weekly recap

    async def recap_on(self, requester: Requester, weekday: int | None = None, post_time: time | None = None) -> RecapSubscription:
        if not requester.can_manage_channel:
            raise PermissionDeniedError("Only people who manage this channel can switch its weekly recap.")
        channel = requester.channel
        async with self._store.transaction() as tx:
            current = await tx.get_recap(channel)
            subscription = await tx.get_subscription(channel)  # a new recap follows the digest's timezone
            timezone = current.timezone if current else (subscription.timezone if subscription else "UTC")
            sub = RecapSubscription(
                channel,
                weekday or (current.weekday if current else DEFAULT_RECAP_DAY),
                post_time or (current.post_time if current else DEFAULT_RECAP_TIME),
                timezone,
                created_by=requester.user_id,
                created_at=current.created_at if current else self._clock(),
            )
            await tx.save_recap(sub)
        return sub

    async def recap_off(self, requester: Requester) -> bool:
        if not requester.can_manage_channel:
            raise PermissionDeniedError("Only people who manage this channel can switch its weekly recap.")
        return await self._store.delete_recap(requester.channel)

    async def recap(self, channel: ChannelRef) -> RecapSubscription | None:
        return await self._store.get_recap(channel)


def describe_dm(sub: DmSubscription) -> str:
    text = (f"Your personal digest: the top {counted(sub.count, 'paper')} for you, by direct message, "
            f"{_days(sub.weekdays)} at {sub.post_time:%H:%M} {sub.timezone}.")
    if sub.paused:
        text += (f" Paused since {sub.paused_at:%Y-%m-%d %H:%M} UTC: {sentence(sub.paused_reason or '')}"
                 " Run /papers dm on again to resume.")
    return text


def describe_recap(sub: RecapSubscription) -> str:
    day = DAY_NAMES[sub.weekday - 1].capitalize()
    text = (f"Weekly recap: every {day} at {sub.post_time:%H:%M} {sub.timezone}, the papers posted here "
            "in the past 7 days with the most reactions and thread replies.")
    if sub.paused:
        text += (f" Paused since {sub.paused_at:%Y-%m-%d %H:%M} UTC: {sentence(sub.paused_reason or '')}"
                 " Run /papers recap on again to resume.")
    return text


def _days(days: frozenset[int]) -> str:
    text = weekdays_text(days)
    return text if text == "every day" else f"on {text}"
