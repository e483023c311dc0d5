"""A channel's settings as one form (Slack's settings modal; any surface with forms): the same
values, the same checks and the same words as `/papers settings` and `/papers subscribe`.

Each field is a parameter of those commands' declarations (:mod:`bot.commands`), so a value is
parsed and refused exactly as typed text is: a bad value is a per-field error in the parameter
type's own words, nothing is changed until every field is right, and only channel managers may
submit. Which fields: the trending weight, the thread mode, and the daily digest's size, time,
timezone and days. Leaving the digest's fields empty keeps the channel as it is (an unsubscribed
channel stays unsubscribed: `/papers unsubscribe` stops one); changing any of them (re)subscribes
it, which also resumes a paused digest — so they are applied only when they changed. What changed is
written in one unit of work: a failure half-way leaves the channel as it was.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from bot.clock import Clock, utc_now
from bot.commands.params import Param
from bot.commands.spec import REGISTRY
from bot.commands.subscription import DEFAULT_POST_TIME, DEFAULT_TIMEZONE
from bot.commands.taste import describe_settings
from bot.discussion.threads import ThreadMode
from bot.domain import ChannelRef, Requester
from bot.errors import PermissionDeniedError, UsageError
from bot.ports import Store
from bot.scheduling.schedule import DAY_NAMES, WEEKDAYS_DEFAULT
from bot.scheduling.usecases import ScheduleUseCases
from bot.usecases.discussion import DiscussionUseCases
from bot.usecases.subscriptions import DEFAULT_COUNT, SubscriptionUseCases
from bot.usecases.taste import TasteUseCases

REFUSED = "Only people who manage this channel can change its settings."
SCHEDULE = ("count", "at", "timezone", "days")

# field → (the command that declares it, its label)
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("trending", "settings", "Trending weight"),
    ("threads", "settings", "Discussion threads"),
    ("count", "subscribe", "Papers per digest"),
    ("at", "subscribe", "Time of day"),
    ("timezone", "subscribe", "Timezone"),
    ("days", "subscribe", "Days"),
)


@dataclass(frozen=True)
class FormField:
    name: str  # the parameter's name in the text command (trending, threads, count, at, timezone, days)
    label: str
    hint: str  # what is accepted, in words
    value: str  # the current value as one would type it ('' : none)
    choices: tuple[str, ...] = ()  # a closed set: shown as a choice, not free text
    max_length: int = 200


@dataclass(frozen=True)
class SettingsForm:
    channel: ChannelRef
    intro: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class FormOutcome:
    """Per-field errors (nothing changed), or what the channel's settings are now."""

    errors: Mapping[str, str]
    summary: str = ""


def field_param(name: str) -> Param:
    """The declared parameter a field is (its type parses and bounds the value, and words the error)."""
    command = next(c for n, c, _ in FIELDS if n == name)
    param = REGISTRY[command].param(name)
    if param is None:  # a declaration changed under the form: a bug, caught by its tests
        raise LookupError(f"/papers {command} declares no parameter {name}")
    return param


def days_text(days: frozenset[int]) -> str:
    """Weekdays as one can type them back: 'mon-fri', 'daily', 'mon,wed,fri'."""
    if days == WEEKDAYS_DEFAULT:
        return "mon-fri"
    if days == frozenset(range(1, 8)):
        return "daily"
    return ",".join(DAY_NAMES[d - 1] for d in sorted(days))


class ChannelSettingsForm:
    def __init__(self, store: Store, taste: TasteUseCases | None, discussions: DiscussionUseCases,
                 schedules: ScheduleUseCases, *, clock: Clock = utc_now, default_count: int = DEFAULT_COUNT) -> None:
        self._store = store
        self._taste = taste
        self._discussions = discussions
        self._schedules = schedules
        self._clock = clock
        self._default_count = default_count

    def _names(self) -> tuple[tuple[str, str, str], ...]:
        """The fields this bot offers (no trending weight without personal ranking)."""
        return tuple(f for f in FIELDS if f[0] != "trending" or self._taste is not None)

    async def _current(self, channel: ChannelRef) -> dict[str, str]:
        values = {"threads": (await self._discussions.thread_mode(channel)).value}
        if self._taste is not None:
            values["trending"] = f"{(await self._taste.settings(channel)).trending:g}"
        sub = await self._store.get_subscription(channel)
        if sub is not None:
            options = await self._schedules.options(channel)
            values.update(count=str(sub.count), at=f"{sub.post_time:%H:%M}", timezone=sub.timezone,
                          days=days_text(options.weekdays if options is not None else WEEKDAYS_DEFAULT))
        return values

    async def form(self, channel: ChannelRef) -> SettingsForm:
        """The form, filled with the channel's current settings."""
        current = await self._current(channel)
        fields = []
        for name, _, label in self._names():
            param = field_param(name)
            fields.append(FormField(name, label, param.type.accepts, current.get(name, ""), param.type.choices,
                                    param.type.max_length))
        subscribed = "at" in current
        intro = ("This channel's ranking, discussion threads and daily digest. A digest field left empty keeps "
                 "its value; /papers unsubscribe stops the digest." if subscribed else
                 "This channel's ranking and discussion threads. Fill in a time to start a daily digest here "
                 "(leave the digest's fields empty to keep it unsubscribed).")
        return SettingsForm(channel, intro, tuple(fields))

    def check(self, values: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """(parsed values by field, errors by field): each value parsed by its parameter's own type."""
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, _, _ in self._names():
            text = (values.get(name) or "").strip()
            if not text:
                continue
            param = field_param(name)
            try:
                if len(text) > param.type.max_length:
                    raise UsageError(f"{name} is at most {param.type.max_length} characters: give {param.type.accepts}.")
                parsed[name] = param.type.parse(text, name)
            except UsageError as exc:
                errors[name] = str(exc)
        for name, missing in (("trending", "give the trending weight"), ("threads", "choose one")):
            offered = any(f[0] == name for f in self._names())
            if offered and name not in parsed and name not in errors:
                errors[name] = f"{missing}: {field_param(name).type.accepts}."
        return parsed, errors

    async def submit(self, requester: Requester, values: Mapping[str, str]) -> FormOutcome:
        """Check every field, then apply what changed (managers only; PermissionDeniedError otherwise)."""
        if not requester.can_manage_channel:
            raise PermissionDeniedError(REFUSED)
        parsed, errors = self.check(values)
        if errors:
            return FormOutcome(errors)
        channel = requester.channel
        current = await self._current(channel)
        mode = ThreadMode(parsed["threads"])
        given = {k: parsed[k] for k in SCHEDULE if k in parsed}
        async with self._store.transaction() as tx:  # all of it or none of it
            if self._taste is not None and f"{parsed['trending']:g}" != current.get("trending"):
                stored = await tx.get_channel_settings(channel)  # as TasteUseCases.update_settings merges
                stored["trending"] = parsed["trending"]
                await tx.save_channel_settings(channel, stored)
            if mode.value != current.get("threads"):
                await tx.save_thread_mode(channel, mode)
            if given and self._schedule_changed(given, current):
                # a field left empty keeps its current value (a new subscription: the command's defaults)
                kept = {k: v for k, v in self.check(current)[0].items() if k in SCHEDULE}
                merged = {**kept, **given}
                post_time: time = merged.get("at", DEFAULT_POST_TIME)
                # the subscribe use case on this unit of work (a nested transaction joins it)
                await SubscriptionUseCases(tx, clock=self._clock, default_count=self._default_count).subscribe(
                    requester, post_time=post_time, timezone=merged.get("timezone", DEFAULT_TIMEZONE),
                    count=merged.get("count"), weekdays=merged.get("days"))
        return FormOutcome({}, await self.summary(channel))

    @staticmethod
    def _schedule_changed(given: dict[str, Any], current: dict[str, str]) -> bool:
        typed = {"count": str(given["count"]) if "count" in given else None,
                 "at": f"{given['at']:%H:%M}" if "at" in given else None,
                 "timezone": given.get("timezone"),
                 "days": days_text(given["days"]) if "days" in given else None}
        return any(value is not None and value != current.get(name) for name, value in typed.items()) or "at" not in current

    async def summary(self, channel: ChannelRef) -> str:
        """The channel's settings now, in the words `/papers settings` and `/papers schedule` use."""
        parts = []
        if self._taste is not None:
            parts.append(describe_settings(await self._taste.settings(channel)))
        parts.append(f"threads: {(await self._discussions.thread_mode(channel)).value}")
        return f"Settings here: {'; '.join(parts)}. {await self._schedules.describe(channel)}"
