"""`/papers dm on HH:MM Area/City [days] [count] | off | settings …` (your own digest by DM) and
`/papers recap on [day] [HH:MM] | off` (a channel's weekly "what we discussed" post).

The DM digest is per member (anyone may switch their own; replies are ephemeral); the recap is
per channel and needs a channel manager (declared; enforced in the use case).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from bot.commands.params import Choice, Count, Param, TimeOfDay, Timezone, Weekday, Weekdays
from bot.commands.spec import command
from bot.commands.taste import RANKING_SETTINGS, describe_settings, require, setting_changes
from bot.domain import Requester
from bot.errors import UsageError
from bot.replies import TextReply
from bot.usecases.personal_digests import PersonalDigestUseCases, describe_dm, describe_recap
from bot.usecases.taste import TasteUseCases

DM_USAGE_HINT = "e.g. /papers dm on 08:30 Europe/Paris, /papers dm off, /papers dm settings trending:0.3"
RECAP_USAGE_HINT = "e.g. /papers recap on fri 16:00, /papers recap off"

_DM_SCHEDULE = ("at", "timezone", "days", "count")


def _build_dm(values: dict[str, Any]) -> DmCommand:
    action = values.pop("action", "show")
    schedule = {k: values.pop(k) for k in _DM_SCHEDULE if k in values}
    if action == "settings":
        if schedule:
            raise UsageError(f"dm settings takes ranking settings only, not {', '.join(schedule)}: {DM_USAGE_HINT}")
        return DmCommand("settings", changes=setting_changes(values, RANKING_SETTINGS))
    if values:
        raise UsageError(f"{', '.join(values)}: ranking settings go with dm settings, e.g. /papers dm settings trending:0.3")
    if action in ("show", "off") and schedule:
        raise UsageError(f"dm {action} takes nothing more ({', '.join(schedule)} given): {DM_USAGE_HINT}")
    if action == "on" and ("at" not in schedule or "timezone" not in schedule):
        raise UsageError(f"dm on needs a time and an IANA timezone, {DM_USAGE_HINT}.")
    return DmCommand(action, schedule.get("at"), schedule.get("timezone"), schedule.get("days"), schedule.get("count"))


@command("dm", "your own digest by direct message, ranked by your taste (dm: show it)", order=140, build=_build_dm,
         refused={"threads": "threads: is a channel setting (a DM has no threads)"},
         params=(
             Param("action", Choice(["show", "on", "off", "settings"]), "show, switch on or off, or change its settings"),
             Param("at", TimeOfDay(), "local time of day, HH:MM", keys=("time",)),
             Param("timezone", Timezone(), "IANA timezone, e.g. Europe/Paris", keys=("tz",)),
             Param("days", Weekdays(), "which days, e.g. mon-fri (default)", keys=("weekdays",)),
             Param("count", Count(), "papers per digest (1–25)"),
             *RANKING_SETTINGS,
         ))
@dataclass(frozen=True)
class DmCommand:
    action: str = "show"  # "show" | "on" | "off" | "settings"
    post_time: time | None = None
    timezone: str | None = None
    weekdays: frozenset[int] | None = None
    count: int | None = None
    changes: tuple[tuple[str, Any], ...] = ()  # "settings": what to change (none: show them)

    async def execute(self, requester: Requester, personal: PersonalDigestUseCases,
                      taste: TasteUseCases | None) -> TextReply:
        if self.action == "settings":
            settings = await require(taste).update_dm_settings(requester, **dict(self.changes))
            return TextReply(f"{'Updated. ' if self.changes else ''}Your DM digest settings: {describe_settings(settings)}.",
                             ephemeral=True)
        if self.action == "off":
            removed = await personal.dm_off(requester)
            return TextReply("Your personal digest is off." if removed else "You had no personal digest.", ephemeral=True)
        if self.action == "on":
            assert self.post_time is not None and self.timezone is not None
            sub, created = await personal.dm_on(requester, self.post_time, self.timezone, self.weekdays, self.count)
            return TextReply(("On. " if created else "Updated. ") + describe_dm(sub), ephemeral=True)
        current = await personal.dm(requester)
        if current is None:
            return TextReply(f"You have no personal digest. Start one: {DM_USAGE_HINT}.", ephemeral=True)
        return TextReply(describe_dm(current), ephemeral=True)


def _build_recap(values: dict[str, Any]) -> RecapCommand:
    action = values.pop("action", "show")
    if action != "on" and values:
        raise UsageError(f"recap {action} takes nothing more: {RECAP_USAGE_HINT}")
    return RecapCommand(action, values.get("day"), values.get("at"))


@command("recap", "a weekly post of the most reacted-to and replied-to papers here (default Fri 16:00)", order=150,
         build=_build_recap, manages_channel=lambda c: c.action != "show", params=(
             Param("action", Choice(["show", "on", "off"]), "show it, or switch it on or off"),
             Param("day", Weekday(), "the weekday it posts on (default fri)"),
             Param("at", TimeOfDay(), "local time of day, HH:MM (default 16:00)", keys=("time",)),
         ))
@dataclass(frozen=True)
class RecapCommand:
    action: str = "show"
    weekday: int | None = None
    post_time: time | None = None

    async def execute(self, requester: Requester, personal: PersonalDigestUseCases) -> TextReply:
        if self.action == "off":
            removed = await personal.recap_off(requester)
            return TextReply("Weekly recap off for this channel." if removed else "This channel had no weekly recap.")
        if self.action == "on":
            return TextReply("On. " + describe_recap(await personal.recap_on(requester, self.weekday, self.post_time)))
        sub = await personal.recap(requester.channel)
        return TextReply(describe_recap(sub) if sub else f"This channel has no weekly recap. Start one: {RECAP_USAGE_HINT}.")
