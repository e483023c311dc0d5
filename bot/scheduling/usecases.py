"""How a channel's subscription is scheduled, for `/papers schedule` and for settings replies."""
from __future__ import annotations

from bot.domain import ChannelRef
from bot.plural import counted
from bot.ports import Store
from bot.scheduling.schedule import ScheduleOptions, weekdays_text
from bot.text import sentence

NOT_SUBSCRIBED = "This channel is not subscribed: /papers subscribe starts a daily digest."


class ScheduleUseCases:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def options(self, channel: ChannelRef) -> ScheduleOptions | None:
        return await self._store.get_schedule(channel)

    async def describe(self, channel: ChannelRef) -> str:
        """When the digest posts here, its days and threshold, and why it is paused if it is."""
        sub = await self._store.get_subscription(channel)
        if sub is None:
            return NOT_SUBSCRIBED
        text = f"The top {counted(sub.count, 'paper')} at {sub.post_time:%H:%M} {sub.timezone}."
        options = await self._store.get_schedule(channel)
        return f"{text} {describe(options)}" if options is not None else text


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
    if options.paused and options.paused_at is not None:
        text += (f" Paused since {options.paused_at:%Y-%m-%d %H:%M} UTC: {sentence(options.paused_reason or '')}"
                 " Run /papers subscribe again to resume.")
    return text.strip()


def describe(options: ScheduleOptions) -> str:
    return f"Posts {when(options)}. {extras(options)}".strip()
