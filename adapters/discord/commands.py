"""The `/papers` application-command group, made from the core's declarations.

Every registered core subcommand becomes a Discord subcommand whose options are its declared
parameters: typed (integer, number, boolean or string, with their bounds), with choices where the
values are a closed set and autocomplete where suggestions help (counts, times, timezones, days).
Discord's typed values go straight to the core's command (``CommandSpec.from_options``), never
through the text parser. Nothing here lists subcommands: a new declaration appears here as is.

Flow for every subcommand: build the command (a UsageError is answered ephemerally at once),
defer, run it through ``PaperBot.handle`` with the interaction as the transport (a digest is then
posted, recorded and threaded by the core), and show a text reply; an export is handed to the core's
``SavedUseCases.deliver`` with :class:`adapters.discord.saved.EphemeralFiles` (the file as an
ephemeral attachment, the pages when Discord refuses it). Errors after the defer delete
the public placeholder and answer with an ephemeral followup, in words that show no internals.

An interaction that does not fit these commands — Discord's copy is older or newer than the bot's:
an unknown subcommand, an option the command lacks or of another type, a required one missing — is
answered at once (ephemerally; an autocomplete with no choices) with a pointer to /papers help, and
the commands are synced again in the background (:class:`PapersTree`).
"""
from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
from discord import app_commands

from adapters.discord.interaction import InteractionTransport, Responder
from adapters.discord.platform import DiscordPlatform
from adapters.discord.previews import fitted
from adapters.discord.saved import EphemeralFiles, paged_text
from adapters.discord.text import fit, fit_lines, fit_plain
from bot.app import PaperBot
from bot.commands import Command, CommandSpec, specs
from bot.commands.params import Count, Param, ParamType, Timezone, ValueKind
from bot.domain import ChannelRef, Requester
from bot.errors import (
    DeliveryError,
    Failure,
    PaperbotError,
    StoreUnavailableError,
    failure_of,
    store_words,
)
from bot.log_context import log_context
from bot.replies import ExportReply, PagedReply, Reply, TextReply

_log = logging.getLogger(__name__)

GROUP_NAME = "papers"
MAX_SUBCOMMANDS = 25  # Discord's limit for subcommands in a group, and options in a command
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
MAX_CONTENT = 2000
MAX_CHOICES = 25
MAX_CHOICE = 100  # Discord's limit for a choice's name and a string choice's value

SOMETHING_WRONG = "Something went wrong on our side; please try again later."
DISCORD_BUSY = "Discord did not take the answer just now; please try again in a moment."
CANNOT_POST = "I can't post here: I may be missing a permission (View Channel, Send Messages, Embed Links)."
REJECTED = "Discord refused the answer as I wrote it; that is a bug on our side and it has been logged."
NOT_DONE = "nothing was done"  # what a database failure meant for a command (bot.errors.store_words)
OUT_OF_DATE = ("This command is out of date: Discord still has another version of my commands. "
               "/papers help lists the current ones (the list is being refreshed).")


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


def requester_for(interaction: discord.Interaction, forum: int | None = None) -> Requester:
    """``forum``: the forum the interaction's channel is a post of (the core runs the command for it)."""
    here = channel_ref(interaction)
    return Requester(
        channel=here,
        user_id=str(interaction.user.id),
        can_manage_channel=can_manage(interaction),
        display_name=interaction.user.display_name,
        belongs_to=ChannelRef(here.platform, here.workspace, str(forum)) if forum is not None else None,
    )


def error_text(exc: BaseException) -> str:
    """What the caller is told: a mistake in the command in its own words; a failure of ours or of
    Discord's in a short sentence that shows no internals (channel ids, status codes, traces)."""
    if not isinstance(exc, PaperbotError):
        return SOMETHING_WRONG
    if isinstance(exc, StoreUnavailableError):  # passing or needing repair: the core's rule says which
        return store_words(exc, NOT_DONE)
    kind = failure_of(exc)
    if kind in (Failure.OWN_WORDS, Failure.NOT_ALLOWED):
        return fit(str(exc), 1900)
    return {Failure.REJECTED: REJECTED, Failure.CANNOT_POST: CANNOT_POST,
            Failure.RATE_LIMITED: DISCORD_BUSY, Failure.PLATFORM_DOWN: DISCORD_BUSY}[kind]


async def answer_privately(interaction: discord.Interaction, text: str, responder: Responder | None = None) -> None:
    """An ephemeral answer, whether or not the interaction was already deferred (retried like every answer)."""
    await (responder or Responder(interaction)).private(text)


async def show(interaction: discord.Interaction, reply: Reply, responder: Responder | None = None) -> None:
    """A text reply as the interaction's answer (line breaks kept); a publication was already posted."""
    responder = responder or Responder(interaction)
    if isinstance(reply, PagedReply | ExportReply):  # `/papers saved`, `/papers export`: private, one page
        await responder.private(paged_text(reply))
        return
    if not isinstance(reply, TextReply):
        return
    if reply.ephemeral:
        await responder.private(fit_lines(reply.text, MAX_CONTENT))
    else:
        await responder.edit(content=fitted(lambda room: fit_lines(reply.text, room), MAX_CONTENT))


async def run_command(interaction: discord.Interaction, build: Callable[[], Command]) -> None:
    """:func:`_run_command` with the interaction's channel and command on every log line within."""
    name = interaction.command.name if interaction.command else None
    with log_context(platform="discord", channel=str(interaction.channel_id or ""), command=name):
        await _run_command(interaction, build)


async def _run_command(interaction: discord.Interaction, build: Callable[[], Command]) -> None:
    """Build → defer → handle → answer; every failure is answered (ephemerally) or logged, never raised.

    Every answer goes through one :class:`Responder`, so a 429 or 5xx on any of them is tried again
    while the token lives; when the answer finally cannot be given, the caller gets a short ephemeral
    note if Discord still takes one (instead of "thinking…" for good)."""
    responder = Responder(interaction)
    paperbot: PaperBot = interaction.client.paperbot  # type: ignore[attr-defined]
    platform: DiscordPlatform = interaction.client.platform  # type: ignore[attr-defined]
    name = interaction.command.name if interaction.command else "?"
    try:
        try:
            command = build()
        except PaperbotError as exc:
            await responder.private(error_text(exc))
            return
        if not await responder.defer():
            return
        requester = requester_for(interaction, await platform.forums.parent_forum(interaction.channel))
        try:
            reply = await paperbot.handle(requester, command, InteractionTransport(interaction, platform, responder))
            if isinstance(reply, ExportReply):  # `/papers export`: the file as an ephemeral attachment, else pages
                reply = await paperbot.saved.deliver(reply, requester, EphemeralFiles(responder))
        except PaperbotError as exc:
            if isinstance(exc, DeliveryError | StoreUnavailableError):
                _log.warning("/papers %s could not be answered: %s", name, exc)
            await responder.private(error_text(exc))
            return
        except Exception as exc:  # noqa: BLE001 - answered in words, logged with the trace
            _log.exception("/papers %s failed", name)
            await responder.private(error_text(exc))
            return
        await show(interaction, reply, responder)
    except discord.HTTPException as exc:
        _log.warning("answering interaction %s failed: %s %s", interaction.id, exc.status, (exc.text or "")[:200])
        await responder.last_word(DISCORD_BUSY)
    except Exception:  # noqa: BLE001 - e.g. a reply type this adapter cannot render yet
        _log.exception("answering interaction %s failed", interaction.id)
        await responder.last_word(SOMETHING_WRONG)


# ---------------------------------------------------------------- options from declarations


def autocomplete_for(kind: ParamType[Any]) -> Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[Any]]]]:
    """Discord autocomplete from the parameter type's own suggestions (typed as the option is)."""

    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[Any]]:
        """At most 25 choices, each name shown as plain text (≤ 100) and each value ≤ 100 characters."""
        suggestions = [s for s in kind.suggestions(str(current)[:MAX_CONTENT]) if s and len(s) <= MAX_CHOICE]
        choices: list[app_commands.Choice[Any]] = []
        for suggestion in suggestions[:MAX_CHOICES]:
            name = fit_plain(suggestion, MAX_CHOICE)
            if not name:
                continue
            if kind.kind is ValueKind.INTEGER:
                if suggestion.isdigit():
                    choices.append(app_commands.Choice(name=name, value=int(suggestion)))
            else:
                choices.append(app_commands.Choice(name=name, value=suggestion))
        return choices

    return complete


count_autocomplete = autocomplete_for(Count())
timezone_autocomplete = autocomplete_for(Timezone())


def annotation(param: Param) -> Any:
    """The Python annotation discord.py turns into the option's type and bounds."""
    kind = param.type
    if kind.kind is ValueKind.INTEGER:
        return app_commands.Range[int, int(kind.minimum or 0), int(kind.maximum or 0)]
    if kind.kind is ValueKind.NUMBER:
        return app_commands.Range[float, float(kind.minimum or 0), float(kind.maximum or 0)]
    if kind.kind is ValueKind.BOOLEAN:
        return bool
    return app_commands.Range[str, 1, min(kind.max_length, 6000)]


def subcommand(spec: CommandSpec, parent: app_commands.Group) -> app_commands.Command[Any, ..., None]:
    """One Discord subcommand from one core declaration."""

    async def callback(interaction: discord.Interaction, **options: object) -> None:
        await run_command(interaction, lambda: spec.from_options(options))

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    choices: dict[str, list[app_commands.Choice[str]]] = {}
    completions: dict[str, Any] = {}
    for param in spec.params:
        default = inspect.Parameter.empty if param.required else None
        parameters.append(inspect.Parameter(param.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation(param),
                                            default=default))
        if param.type.choices and len(param.type.choices) <= 25:
            choices[param.name] = [app_commands.Choice(name=c, value=c) for c in param.type.choices]
        elif param.type.suggests and param.type.kind is not ValueKind.BOOLEAN:
            completions[param.name] = autocomplete_for(param.type)
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {p.name: p.help for p in spec.params}  # type: ignore[attr-defined]
    if choices:
        callback.__discord_app_commands_param_choices__ = choices  # type: ignore[attr-defined]
    if completions:
        callback.__discord_app_commands_param_autocomplete__ = completions  # type: ignore[attr-defined]
    return app_commands.Command(name=spec.name, description=spec.summary, callback=callback, parent=parent)


def papers_group(declared: Mapping[str, CommandSpec] | None = None) -> app_commands.Group:
    """`/papers` with one subcommand per registered core command (at most 25, Discord's limit)."""
    group = app_commands.Group(name=GROUP_NAME, description="Ranked research-paper digests")
    for spec in declared.values() if declared is not None else specs():
        if not set(spec.name) <= _NAME_OK or len(spec.name) > 32 or len(spec.params) > MAX_SUBCOMMANDS:
            _log.warning("core command %r cannot be a Discord subcommand (name or options); skipped", spec.name)
            continue
        if len(group.commands) >= MAX_SUBCOMMANDS:
            _log.warning("Discord allows 25 subcommands; %r skipped", spec.name)
            continue
        group.add_command(subcommand(spec, group))
    return group


# ---------------------------------------------------------------- interactions the tree cannot dispatch


def mismatch(tree: app_commands.CommandTree[Any], interaction: discord.Interaction) -> str | None:
    """Why this command interaction does not fit the commands this bot has, or None when it does.

    Discord's copy of the commands can be older or newer than the bot's (a subcommand removed in a
    new version, an option added, renamed or retyped, the sync still pending): an unknown command
    or subcommand, an option the command lacks or of another type, a required option missing, an
    autocomplete for an option that has none."""
    data: Mapping[str, Any] = interaction.data or {}
    if data.get("type", 1) != 1:
        return None  # context menus: the tree's own checks
    name = str(data.get("name") or "")
    guild = discord.Object(interaction.guild_id) if interaction.guild_id else None
    found = (tree.get_command(name, guild=guild) if guild else None) or tree.get_command(name)
    if found is None:
        return f"no command /{name}"
    options: list[Mapping[str, Any]] = list(data.get("options") or [])
    command: app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu = found
    while isinstance(command, app_commands.Group):
        sub = next((o for o in options if o.get("type") in (1, 2)), None)
        child = command.get_command(str(sub.get("name"))) if sub is not None else None
        if sub is None or child is None:
            return f"no subcommand /{command.qualified_name} {sub.get('name') if sub else ''}".rstrip()
        command, options = child, list(sub.get("options") or [])
    if not isinstance(command, app_commands.Command):
        return f"/{name} is not a slash command here"
    params = {p.display_name: p for p in command.parameters}
    autocomplete = interaction.type is discord.InteractionType.autocomplete
    for option in options:
        param = params.get(str(option.get("name")))
        if param is None:
            return f"/{command.qualified_name} has no option {str(option.get('name'))[:32]!r}"
        if option.get("type") != param.type.value:
            return f"/{command.qualified_name} {param.display_name} is not of type {option.get('type')}"
        if autocomplete and option.get("focused") and not param.autocomplete:
            return f"/{command.qualified_name} {param.display_name} has no suggestions"
    if not autocomplete:
        given = {str(o.get("name")) for o in options}
        missing = [p.display_name for p in command.parameters if p.required and p.display_name not in given]
        if missing:
            return f"/{command.qualified_name} needs {', '.join(missing)}"
    return None


async def out_of_date(interaction: discord.Interaction, why: str) -> None:
    """Answer an interaction the bot cannot run with a pointer to /papers help (an autocomplete with no
    choices), at once, and have the commands synced again in the background. Never raises."""
    _log.warning("interaction %s does not fit the commands (%s): answered as out of date", interaction.id, why)
    sync = getattr(interaction.client, "command_sync", None)
    if sync is not None:
        sync.request(why)
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        await Responder(interaction).private(OUT_OF_DATE)
    except discord.HTTPException as exc:
        _log.warning("could not answer out-of-date interaction %s: %s", interaction.id, exc.status)


class PapersTree(app_commands.CommandTree[discord.Client]):
    """The command tree, answering every interaction it cannot dispatch instead of only logging it."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Run only what fits our commands; anything else is answered as out of date (within Discord's 3 s)."""
        why = mismatch(self, interaction)
        if why is None:
            return True
        await out_of_date(interaction, why)
        return False

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        """What the check above did not catch: Discord's data not matching (an unknown command, a
        signature or transformer mismatch) is out of date; a failure in our own code is logged with
        its trace and answered in words."""
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch |
                      app_commands.TransformerError):
            await out_of_date(interaction, f"{type(error).__name__}: {str(error)[:200]}")
            return
        _log.error("/papers failed in the command tree", exc_info=error)
        if interaction.type is discord.InteractionType.autocomplete:
            return
        await Responder(interaction).last_word(SOMETHING_WRONG)
