"""Schedule options and pause state of a channel's subscription, for commands (``/papers subscribe``,
``/papers schedule``) and for a settings reply (``status_line``)."""
from __future__ import annotations

from dataclasses import replace

from bot.domain import ChannelRef, Requester
from bot.errors import NotFoundError, PermissionDeniedError
from bot.scheduling.ports import DeliveryStore
from bot.scheduling.schedule import ScheduleOptions, weekdays_text


class ScheduleUseCases:
    def __init__(self, store: DeliveryStore) -> None:
        self._store = store

    async def configure(
        self,
        requester: Requester,
        *,
        weekdays: frozenset[int] | None = None,
        threshold: float | None = None,
        weekly: bool | None = None,
    ) -> ScheduleOptions:
        """Change the given options (None: keep) and resume a paused subscription (subscribing again resumes)."""
        if not requester.can_manage_channel:
            raise PermissionDeniedError("Only people who manage this channel can change its schedule.")
        current = await self._store.get_schedule(requester.channel)
        if current is None:
            raise NotFoundError("This channel is not subscribed: use /papers subscribe first.")
        options = replace(
            current,
            weekdays=weekdays if weekdays is not None else current.weekdays,
            threshold=threshold if threshold is not None else current.threshold,
            weekly=weekly if weekly is not None else current.weekly,
            paused_reason=None,
            paused_at=None,
        )
        await self._store.set_schedule(requester.channel, options)
        return options

    async def options(self, channel: ChannelRef) -> ScheduleOptions | None:
        return await self._store.get_schedule(channel)

    async def status_line(self, channel: ChannelRef) -> str | None:
        """One line for a settings reply: days, threshold, weekly, and why posting is paused (if it is)."""
        options = await self._store.get_schedule(channel)
        if options is None:
            return None
        return describe(options)


def when(options: ScheduleOptions) -> str:
    """'on Mon–Fri', 'every day', 'weekly on Mon'."""
    if options.weekly:
        return f"weekly on {weekdays_text(frozenset({min(options.weekdays)}))}"
    text = weekdays_text(options.weekdays)
    return text if text == "every day" else f"on {text}"


def extras(options: ScheduleOptions) -> str:
    """Threshold and pause state, as sentences ('' when neither applies)."""
    text = ""
    if options.threshold is not None:
        text += f" Only papers scoring at least {options.threshold:g}."
    if options.paused:
        text += (f" Paused since {options.paused_at:%Y-%m-%d %H:%M} UTC: {options.paused_reason}."
                 " Run /papers subscribe again to resume.")
    return text.strip()


def describe(options: ScheduleOptions) -> str:
    return f"Posts {when(options)}. {extras(options)}".strip()
