"""`/papers dm on HH:MM Area/City [days] | off` (your own digest by DM) and `/papers recap on [day] [HH:MM] | off`.

The DM digest is per member (anyone may switch their own; replies are ephemeral); the recap is
per channel and needs a channel manager (``manages_channel``; enforced in the use case).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Any

from bot.commands.args import TIME_RE, parse_count, parse_time, parse_timezone
from bot.commands.base import CommandSpec, register
from bot.commands.taste import describe_settings, parse_settings
from bot.errors import UsageError
from bot.replies import TextReply
from bot.scheduling.personal_ports import dm_settings_channel
from bot.scheduling.schedule import DAY_NAMES, parse_weekdays
from bot.usecases.personal_digests import PersonalDigestUseCases, describe_dm, describe_recap

if TYPE_CHECKING:
    from bot.app import PaperBot
    from bot.domain import Requester

DM_USAGE = ("/papers dm on HH:MM Area/City [days=mon-fri] [count] | off | settings [trending:0.3] [exclude:\"kw\"] …"
            " — your own digest by direct message, ranked by your reactions and likes, with your own ranking"
            " settings (/papers dm shows it)")
RECAP_USAGE = ("/papers recap on [day] [HH:MM] | off — a weekly post of the most reacted-to and replied-to papers"
               " here (default Fri 16:00)")
UNAVAILABLE = "Personal digests and recaps need the scheduler's database (this store has none)."


def _use_cases(bot: PaperBot) -> PersonalDigestUseCases | None:
    if not hasattr(bot.store, "save_dm"):
        return None
    return PersonalDigestUseCases(bot.store, bot.store, clock=bot.clock)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DmCommand:
    action: str = "show"  # "show" | "on" | "off" | "settings"
    post_time: time | None = None
    timezone: str | None = None
    weekdays: frozenset[int] | None = None
    count: int | None = None
    changes: tuple[tuple[str, Any], ...] = ()  # "settings": what to change (none: show them)

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        if self.action == "settings":
            return await self._settings(bot, requester)
        cases = _use_cases(bot)
        if cases is None:
            return TextReply(UNAVAILABLE, ephemeral=True)
        if self.action == "off":
            removed = await cases.dm_off(requester)
            return TextReply("Your personal digest is off." if removed else "You had no personal digest.", ephemeral=True)
        if self.action == "on":
            assert self.post_time is not None and self.timezone is not None
            sub, created = await cases.dm_on(requester, self.post_time, self.timezone, self.weekdays, self.count)
            return TextReply(("On. " if created else "Updated. ") + describe_dm(sub), ephemeral=True)
        sub = await cases.dm(requester)
        if sub is None:
            return TextReply(f"You have no personal digest. {DM_USAGE}", ephemeral=True)
        return TextReply(describe_dm(sub), ephemeral=True)

    async def _settings(self, bot: PaperBot, requester: Requester) -> TextReply:
        """Your DM digest's ranking settings: yours to change, no channel manager needed."""
        if bot.taste is None:
            return TextReply("Ranking settings need personalization, which is off here (no embedding model).", ephemeral=True)
        ch = requester.channel
        own = dm_settings_channel(ch.platform, ch.workspace, requester.user_id)
        changes = dict(self.changes)
        settings = await (bot.taste.update_settings(own, **changes) if changes else bot.taste.settings(own))
        return TextReply(f"{'Updated. ' if changes else ''}Your DM digest settings: {describe_settings(settings)}.", ephemeral=True)


@dataclass(frozen=True)
class RecapCommand:
    action: str = "show"
    weekday: int | None = None
    post_time: time | None = None

    async def execute(self, bot: PaperBot, requester: Requester) -> TextReply:
        cases = _use_cases(bot)
        if cases is None:
            return TextReply(UNAVAILABLE)
        if self.action == "off":
            removed = await cases.recap_off(requester)
            return TextReply("Weekly recap off for this channel." if removed else "This channel had no weekly recap.")
        if self.action == "on":
            return TextReply("On. " + describe_recap(await cases.recap_on(requester, self.weekday, self.post_time)))
        sub = await cases.recap(requester.channel)
        return TextReply(describe_recap(sub) if sub else f"This channel has no weekly recap. {RECAP_USAGE}")


def parse_dm(args: list[str]) -> DmCommand:
    if not args:
        return DmCommand()
    action, rest = args[0].lower(), args[1:]
    if action == "off" and not rest:
        return DmCommand("off")
    if action == "settings":
        changes = parse_settings(rest).changes
        if any(key == "threads" for key, _ in changes):
            raise UsageError(f"threads: is a channel setting (a DM has no threads): {DM_USAGE}")
        return DmCommand("settings", changes=changes)
    if action != "on":
        raise UsageError(f"'{' '.join(args)}' is not accepted: {DM_USAGE}")
    post_time = timezone = weekdays = count = None
    for arg in rest:
        key, _, value = arg.partition("=")
        if value and key.lower() in ("days", "weekdays"):
            weekdays = parse_weekdays(value)
        elif value and key.lower() == "count" or arg.isdigit() and len(arg) <= 2:
            count = parse_count(value or arg)
        elif TIME_RE.match(arg):
            post_time = parse_time(arg)
        elif "/" in arg or arg.upper() in ("UTC", "GMT"):
            timezone = parse_timezone(arg)
        else:
            weekdays = parse_weekdays(arg)  # 'weekdays', 'daily', 'mon-fri'… (names what is accepted when not)
    if post_time is None or timezone is None:
        raise UsageError(f"dm on needs a time and an IANA timezone, e.g. /papers dm on 08:30 Europe/Paris. {DM_USAGE}")
    return DmCommand("on", post_time, timezone, weekdays, count)


def parse_recap(args: list[str]) -> RecapCommand:
    if not args:
        return RecapCommand()
    action, rest = args[0].lower(), args[1:]
    if action == "off" and not rest:
        return RecapCommand("off")
    if action != "on":
        raise UsageError(f"'{' '.join(args)}' is not accepted: {RECAP_USAGE}")
    weekday = post_time = None
    for arg in rest:
        if TIME_RE.match(arg):
            post_time = parse_time(arg)
        elif arg[:3].lower() in DAY_NAMES and arg.isalpha():
            weekday = DAY_NAMES.index(arg[:3].lower()) + 1
        else:
            raise UsageError(f"'{arg}' is not a weekday (mon … sun) or a time (HH:MM): {RECAP_USAGE}")
    return RecapCommand("on", weekday, post_time)


register(CommandSpec("dm", DM_USAGE, parse_dm))
register(CommandSpec("recap", RECAP_USAGE, parse_recap, manages_channel=True))
