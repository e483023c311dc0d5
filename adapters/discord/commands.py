"""The `/papers` application-command group, made from the core's declarations.

Every registered core subcommand becomes a Discord subcommand whose options are its declared
parameters: typed (integer, number, boolean or string, with their bounds), with choices where the
values are a closed set and autocomplete where suggestions help (counts, times, timezones, days).
Discord's typed values go straight to the core's command (``CommandSpec.from_options``), never
through the text parser. Nothing here lists subcommands: a new declaration appears here as is.

Flow for every subcommand: build the command (a UsageError is answered ephemerally at once),
defer, run it through ``PaperBot.handle`` with the interaction as the transport (a digest is then
posted, recorded and threaded by the core), and show a text reply. Errors after the defer delete
the public placeholder and answer with an ephemeral followup.
"""
from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
from discord import app_commands

from adapters.discord.interaction import InteractionTransport
from adapters.discord.platform import NO_MENTIONS, DiscordPlatform
from adapters.discord.text import fit, fit_lines
from bot.app import PaperBot
from bot.commands import Command, CommandSpec, specs
from bot.commands.params import Count, Param, ParamType, Timezone, ValueKind
from bot.domain import ChannelRef, Requester
from bot.errors import PaperbotError
from bot.replies import Reply, TextReply

_log = logging.getLogger(__name__)

GROUP_NAME = "papers"
MAX_SUBCOMMANDS = 25  # Discord's limit for subcommands in a group, and options in a command
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


async def show(interaction: discord.Interaction, reply: Reply) -> None:
    """A text reply as the interaction's answer (line breaks kept); a publication was already posted."""
    if not isinstance(reply, TextReply):
        return
    if reply.ephemeral:
        await answer_privately(interaction, fit_lines(reply.text, 2000))
    else:
        await interaction.edit_original_response(content=fit_lines(reply.text, 2000), allowed_mentions=NO_MENTIONS)


async def run_command(interaction: discord.Interaction, build: Callable[[], Command]) -> None:
    """Build → defer → handle → answer; every failure is answered (ephemerally) or logged, never raised."""
    paperbot: PaperBot = interaction.client.paperbot  # type: ignore[attr-defined]
    platform: DiscordPlatform = interaction.client.platform  # type: ignore[attr-defined]
    name = interaction.command.name if interaction.command else "?"
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
            reply = await paperbot.handle(requester, command, InteractionTransport(interaction, platform))
        except PaperbotError as exc:
            await answer_privately(interaction, error_text(exc))
            return
        except Exception as exc:  # noqa: BLE001 - answered in words, logged with the trace
            _log.exception("/papers %s failed", name)
            await answer_privately(interaction, error_text(exc))
            return
        await show(interaction, reply)
    except discord.HTTPException as exc:
        _log.warning("answering interaction %s failed: %s %s", interaction.id, exc.status, exc.text)
    except Exception:  # noqa: BLE001 - e.g. a reply type this adapter cannot render yet
        _log.exception("answering interaction %s failed", interaction.id)
        try:
            await answer_privately(interaction, error_text(RuntimeError()))
        except discord.HTTPException:
            pass


# ---------------------------------------------------------------- options from declarations


def autocomplete_for(kind: ParamType[Any]) -> Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[Any]]]]:
    """Discord autocomplete from the parameter type's own suggestions (typed as the option is)."""

    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[Any]]:
        suggestions = kind.suggest(current)[:25]
        if kind.kind is ValueKind.INTEGER:
            return [app_commands.Choice(name=s, value=int(s)) for s in suggestions if s.isdigit()]
        return [app_commands.Choice(name=s, value=s) for s in suggestions]

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
