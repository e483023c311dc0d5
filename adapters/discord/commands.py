"""The `/papers` application-command group: typed options in, core commands out.

Each typed subcommand is a module-level callback that turns Discord's options into the words
the core's own parser reads (``count=5``, ``tz=Europe/Berlin``), so the syntax, defaults and
error messages stay the core's. A registered core subcommand without a typed definition still appears,
as a subcommand taking its arguments as one text option parsed by the core — so a new core
command works on Discord at once, and typing it is one callback plus one entry in ``TYPED``.

After a digest or a paper is posted, its discussion threads are opened as the channel's thread
mode asks (:mod:`adapters.discord.threads`).

Flow for every subcommand: build the command (a UsageError is answered ephemerally at once),
defer, run it through ``PaperBot.handle``, then edit the original response. Errors after the
defer delete the public placeholder and answer with an ephemeral followup.
"""
from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from zoneinfo import available_timezones

import discord
from discord import app_commands

from adapters.discord.embeds import digest_messages, paper_embed
from adapters.discord.text import fit, fit_lines
from bot.app import PaperBot
from bot.commands import MAX_COUNT, REGISTRY, Command, specs
from bot.domain import ChannelRef, Digest, PostKind, RankedPaper, Requester
from bot.errors import PaperbotError, UsageError
from bot.replies import DigestReply, PaperReply, Reply, TextReply

_log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
GROUP_NAME = "papers"
Count = app_commands.Range[int, 1, MAX_COUNT]
COUNT_SUGGESTIONS = (3, 5, 10, 15, 20, 25)
COMMON_TIMEZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo",
    "Asia/Singapore", "Australia/Sydney",
)
_ALL_TIMEZONES = sorted(available_timezones())
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


# ---------------------------------------------------------------- requester and answers


def channel_ref(interaction: discord.Interaction) -> ChannelRef:
    workspace = str(interaction.guild_id) if interaction.guild_id else "dm"
    return ChannelRef("discord", workspace, str(interaction.channel_id))


def can_manage(interaction: discord.Interaction) -> bool:
    """Discord's rule: Manage Channels or Manage Server (administrators have both). DMs: yes."""
    if interaction.guild_id is None:
        return True
    perms = interaction.permissions
    return perms.manage_channels or perms.manage_guild


def requester_for(interaction: discord.Interaction) -> Requester:
    return Requester(
        channel=channel_ref(interaction),
        user_id=str(interaction.user.id),
        can_manage_channel=can_manage(interaction),
        display_name=interaction.user.display_name,
    )


def error_text(exc: BaseException) -> str:
    return fit(str(exc), 1900) if isinstance(exc, PaperbotError) else "Something went wrong on our side; please try again later."


async def answer_privately(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral answer, whether or not the interaction was already deferred."""
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        pass
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def deliver(interaction: discord.Interaction, paperbot: PaperBot, reply: Reply, channel: ChannelRef) -> None:
    """Edit the deferred response with the reply; a digest continues as followups, one per paper."""
    if isinstance(reply, TextReply):  # line breaks kept (answers quote sentences line by line)
        if reply.ephemeral:
            await answer_privately(interaction, fit_lines(reply.text, 2000))
        else:
            await interaction.edit_original_response(content=fit_lines(reply.text, 2000), allowed_mentions=NO_MENTIONS)
        return
    if isinstance(reply, PaperReply):
        digest = Digest(title=reply.paper.title, items=(RankedPaper(reply.paper, 0.0, reply.why or ""),))
        message = await interaction.edit_original_response(
            content=None, embed=paper_embed(reply.paper, reply.why), allowed_mentions=NO_MENTIONS
        )
        posts = await paperbot.record_posted(channel, digest, [str(message.id)], kind=PostKind.ON_DEMAND)
        await _open_threads(interaction, channel, posts)
        return
    if isinstance(reply, DigestReply):
        digest = reply.digest
        ids = [""] * len(digest.items)
        posts = []
        try:
            for n, out in enumerate(digest_messages(digest)):
                if n == 0:
                    message = await interaction.edit_original_response(
                        content=out.content, embeds=out.embeds, allowed_mentions=NO_MENTIONS
                    )
                else:
                    message = await interaction.followup.send(
                        content=out.content or discord.utils.MISSING, embeds=out.embeds,
                        allowed_mentions=NO_MENTIONS, wait=True,
                    )
                for index in out.items:
                    ids[index] = str(message.id)
        finally:  # record what was posted, even when a later message failed
            sent = [(item, i) for item, i in zip(digest.items, ids) if i]
            if sent:
                posts = await paperbot.record_posted(
                    channel, digest.with_items(tuple(item for item, _ in sent)), [i for _, i in sent],
                    kind=PostKind.ON_DEMAND,
                )
        await _open_threads(interaction, channel, posts)
        return
    raise TypeError(f"unknown reply {reply!r}")


async def _open_threads(interaction: discord.Interaction, channel: ChannelRef, posts: list) -> None:
    """The posted papers' discussion threads, as the channel's thread mode asks (never raises)."""
    discussion = getattr(interaction.client, "discussion", None)
    if discussion is not None:
        await discussion.open_for_posts(channel, posts)


async def run_command(interaction: discord.Interaction, build: Callable[[], Command]) -> None:
    """Build → defer → handle → edit; every failure is answered (ephemerally) or logged, never raised."""
    paperbot: PaperBot = interaction.client.paperbot  # type: ignore[attr-defined]
    try:
        try:
            command = build()
        except PaperbotError as exc:
            await answer_privately(interaction, error_text(exc))
            return
        try:
            await interaction.response.defer()
        except discord.NotFound as exc:  # 10062 Unknown interaction: we were later than Discord's 3 s
            _log.warning("interaction %s expired before we could answer (%s)", interaction.id, exc.code)
            return
        requester = requester_for(interaction)
        try:
            reply = await paperbot.handle(requester, command)
        except PaperbotError as exc:
            await answer_privately(interaction, error_text(exc))
            return
        except Exception as exc:  # noqa: BLE001 - answered in words, logged with the trace
            _log.exception("/papers %s failed", getattr(interaction.command, "name", "?"))
            await answer_privately(interaction, error_text(exc))
            return
        await deliver(interaction, paperbot, reply, requester.channel)
    except discord.HTTPException as exc:
        _log.warning("answering interaction %s failed: %s %s", interaction.id, exc.status, exc.text)
    except Exception:  # noqa: BLE001 - e.g. a reply type this adapter cannot render yet
        _log.exception("answering interaction %s failed", interaction.id)
        try:
            await answer_privately(interaction, error_text(RuntimeError()))
        except discord.HTTPException:
            pass


# ---------------------------------------------------------------- autocomplete


async def count_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
    return [app_commands.Choice(name=f"{n} papers", value=n) for n in COUNT_SUGGESTIONS if str(n).startswith(current.strip())]


async def timezone_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    typed = current.strip().lower()
    if not typed:
        names = list(COMMON_TIMEZONES)
    else:
        names = [z for z in _ALL_TIMEZONES if z.lower().startswith(typed)]
        names += [z for z in _ALL_TIMEZONES if typed in z.lower() and z not in names]
    return [app_commands.Choice(name=z, value=z) for z in names[:25]]


async def days_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    presets = ("mon-fri", "daily", "weekends", "mon,wed,fri")
    return [app_commands.Choice(name=p, value=p) for p in presets if p.startswith(current.strip().lower())]


async def time_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    times = [f"{h:02d}:00" for h in range(24)]
    return [app_commands.Choice(name=t, value=t) for t in times if t.startswith(current.strip())][:25]


# ---------------------------------------------------------------- typed subcommands
#
# A typed subcommand turns Discord's options into the words the core's parser reads
# (``count=5``, ``tz=Europe/Berlin``…) and lets the core build the command: the core owns
# the syntax, the defaults and the error messages; Discord only adds types and suggestions.


def _parsed(name: str, words: list[str]) -> Callable[[], Command]:
    def build() -> Command:
        spec = next((s for s in specs() if s.name == name), None)
        if spec is None:
            raise UsageError(f"'{name}' is no longer a command; try /papers help.")
        return spec.parse(words)

    return build


def _words(**options: object) -> list[str]:
    """``key=value`` words for the options that were given (flags given as True become the bare word)."""
    out: list[str] = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        out.append(key if value is True else f"{key}={value}")
    return out


@app_commands.describe(
    count=f"how many papers (1–{MAX_COUNT})",
    day="a day as YYYY-MM-DD (default: the latest day)",
    mine="ranked for you, from your reactions",
)
@app_commands.autocomplete(count=count_autocomplete)
async def today(interaction: discord.Interaction, count: Count | None = None, day: str | None = None,
                mine: bool | None = None) -> None:
    words = _words(count=count, mine=bool(mine)) + ([day.strip()] if day else [])
    await run_command(interaction, _parsed("today", words))


@app_commands.describe(count=f"how many papers (1–{MAX_COUNT})", week="an ISO week as YYYY-Www (default: this week)")
@app_commands.autocomplete(count=count_autocomplete)
async def week(interaction: discord.Interaction, count: Count | None = None, week: str | None = None) -> None:
    await run_command(interaction, _parsed("week", _words(count=count) + ([week.strip()] if week else [])))


@app_commands.describe(paper="an arXiv id or URL, e.g. 2511.01234 or https://arxiv.org/abs/2511.01234")
async def paper(interaction: discord.Interaction, paper: str) -> None:
    await run_command(interaction, _parsed("paper", [paper.strip()]))


@app_commands.describe(
    at="local time of day, HH:MM (default 09:00)",
    timezone="IANA timezone, e.g. Europe/Berlin (default UTC)",
    count=f"papers per digest (1–{MAX_COUNT})",
    days="which days, e.g. mon-fri, daily, mon,wed,fri",
    weekly="one weekly digest instead of daily ones",
    threshold="post only papers scoring at least this",
    topics="comma-separated topics to start from, e.g. diffusion models, robotics",
)
@app_commands.autocomplete(at=time_autocomplete, timezone=timezone_autocomplete, count=count_autocomplete,
                           days=days_autocomplete)
async def subscribe(
    interaction: discord.Interaction, at: str | None = None, timezone: str | None = None, count: Count | None = None,
    days: str | None = None, weekly: bool | None = None, threshold: float | None = None, topics: str | None = None,
) -> None:
    words = _words(time=at, tz=timezone, count=count, days=days, threshold=threshold)
    if weekly is not None:
        words.append("weekly" if weekly else "daily")
    if topics:
        words.append(f"topics:{topics}")
    await run_command(interaction, _parsed("subscribe", words))


@app_commands.describe(paper="an arXiv id or URL, e.g. 2511.01234", question="what you want to know, e.g. what dataset do they use?")
async def ask(interaction: discord.Interaction, paper: str, question: str) -> None:
    await run_command(interaction, _parsed("ask", [paper.strip(), *question.split()]))


async def unsubscribe(interaction: discord.Interaction) -> None:
    await run_command(interaction, _parsed("unsubscribe", []))


async def help(interaction: discord.Interaction) -> None:  # noqa: A001 - the subcommand's name
    await run_command(interaction, _parsed("help", []))


@app_commands.describe(arguments="the command's arguments, as you would type them after its name")
async def generic(interaction: discord.Interaction, arguments: str | None = None) -> None:
    """Any registered core subcommand without a typed definition: its text arguments, parsed by the core."""
    name = interaction.command.name if interaction.command else ""
    spec = REGISTRY.get(name)
    try:
        # free-text commands (a question) split on whitespace only: an apostrophe is not a quote
        words = (arguments or "").split() if spec is not None and spec.raw else shlex.split(arguments or "")
    except ValueError as exc:
        error = UsageError(f"could not read the arguments ({exc}); check the quotes.")

        def fail() -> Command:
            raise error

        await run_command(interaction, fail)
        return
    await run_command(interaction, _parsed(name, words))


# name → callback; the description comes from the core's usage line.
TYPED: dict[str, Callable] = {
    "today": today,
    "week": week,
    "paper": paper,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "help": help,
    "ask": ask,
}


def _description(usage: str) -> str:
    text = usage.split("—", 1)[1].strip() if "—" in usage else usage
    return text[:100] or "paperbot"


def papers_group() -> app_commands.Group:
    """`/papers` with one subcommand per registered core command (at most 25, Discord's limit)."""
    group = app_commands.Group(name=GROUP_NAME, description="Ranked research-paper digests")
    for spec in specs():
        if not set(spec.name) <= _NAME_OK or len(spec.name) > 32:
            _log.warning("core command %r has no valid Discord name; skipped", spec.name)
            continue
        if len(group.commands) >= 25:
            _log.warning("Discord allows 25 subcommands; %r skipped", spec.name)
            continue
        callback = TYPED.get(spec.name, generic)
        group.add_command(
            app_commands.Command(name=spec.name, description=_description(spec.usage), callback=callback, parent=group)
        )
    return group
