"""The discord.py client paperbot runs: the `/papers` tree, raw reaction events, command sync.

:func:`create_client` picks a plain ``Client`` or an ``AutoShardedClient`` (when shards are
configured), points the library at the configured REST and gateway URLs, and attaches the
PaperBot. Reactions come from the raw events, so posts that are no longer cached (older
messages, restarts) still count; the bot's own reactions are ignored, and so are reactions on
members' messages in channels where none is recorded as a post (a pasted link;
:class:`adapters.discord.linked.LinkedChannels`). The core ignores any message it did not record. Members'
messages in paper threads go to :class:`adapters.discord.threads.DiscordThreads`, clicks on posted
papers' controls to :class:`adapters.discord.buttons.ButtonListener`.

Discord never delivers a gateway event again, so one that fails for a passing reason (the
database away, anything unexpected) is kept — spooled to a file, replayed after a restart — and
retried by the core (``PaperBot.keep_for_retry`` with ``kept_reaction``). For one reaction
(message, member, emoji) the latest add or remove wins: the core drops a kept add when a later
removal comes, so it is never applied over it.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import discord
import yarl
from discord import app_commands

from adapters.discord.buttons import ButtonListener
from adapters.discord.commands import PapersTree, papers_group
from adapters.discord.links import DiscordLinks, add_to_paperbot_menu
from adapters.discord.platform import DiscordPlatform
from adapters.discord.sync import CommandSync
from adapters.discord.threads import DiscordThreads
from bot.app import PaperBot
from bot.domain import ChannelRef, ReactionEvent
from bot.log_context import log_context
from bot.usecases.kept_kinds import kept_reaction

_log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


@dataclass(frozen=True)
class DiscordSettings:
    """What the adapter needs from configuration (built by ``paperbot.discord_runner``)."""

    api_base_url: str = "https://discord.com"
    gateway_url: str | None = None
    dev_guild_id: int | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    guild_ready_timeout: float = 2.0
    sync_commands: bool = True
    message_content: bool = False  # the privileged intent: paper links in members' messages are read


def point_library_at(api_base_url: str, gateway_url: str | None) -> None:
    """discord.py reads its endpoints from class attributes; set them from configuration."""
    discord.http.Route.BASE = f"{api_base_url.rstrip('/')}/api/v10"
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def intents(message_content: bool = False) -> discord.Intents:
    """Guilds (channels, threads, interactions), guild/DM reactions and guild messages; no privileged
    intents unless ``[discord] message_content`` asks for one.

    ``guild_messages`` delivers members' messages in paper threads. The privileged
    ``message_content`` intent is not needed for them: Discord still sends the text of a message that
    mentions the bot (the questions), and other thread replies only count as activity. It is needed
    to notice paper links pasted in subscribed channels (``adapters.discord.links``).
    """
    wanted = discord.Intents.none()
    wanted.message_content = message_content
    wanted.guilds = True
    wanted.guild_reactions = True
    wanted.dm_reactions = True
    wanted.guild_messages = True
    return wanted


def emoji_key(emoji: discord.PartialEmoji) -> str:
    """A Unicode emoji as itself, a custom one by its name (what the core's emoji table knows)."""
    return emoji.name or str(emoji)


class _PaperbotMixin:
    """Shared by the plain and the sharded client."""

    paperbot: PaperBot
    settings: DiscordSettings
    tree: app_commands.CommandTree[Any]
    platform: DiscordPlatform
    discussion: DiscordThreads
    buttons: ButtonListener
    links: DiscordLinks
    command_sync: CommandSync
    token_rejected: bool

    def _attach(self, paperbot: PaperBot, settings: DiscordSettings) -> None:
        self.paperbot = paperbot
        self.settings = settings
        self.tree = PapersTree(self)  # type: ignore[arg-type]  # the mixin is always a Client
        self.tree.add_command(papers_group())
        self.tree.add_command(add_to_paperbot_menu())
        self.platform = DiscordPlatform(self)  # type: ignore[arg-type]
        self.discussion = DiscordThreads(self, paperbot, self.platform)  # type: ignore[arg-type]
        # clicks on posted papers' controls
        self.buttons = ButtonListener(paperbot, self.platform.dm_workspaces, self.platform.forums)
        self.links = DiscordLinks(self, paperbot, self.platform, detect=settings.message_content)  # type: ignore[arg-type]
        self.token_rejected = False
        self.command_sync = CommandSync(self.tree, guild_id=settings.dev_guild_id, enabled=settings.sync_commands,
                                        on_unauthorized=self._token_rejected)

    async def setup_hook(self) -> None:
        """Logged in: start the command sync in the background (serving never waits for it, nor ends
        with it), and let the core apply the events a previous run kept for Discord."""
        self.command_sync.start()
        self.paperbot.retry.serve("discord", self.platform)

    def _token_rejected(self) -> None:
        """Discord refused the token after login (a 401 on the sync): stop; the runner says what to do."""
        self.token_rejected = True
        asyncio.get_running_loop().create_task(self.close(), name="discord close")  # type: ignore[attr-defined]

    async def on_ready(self) -> None:
        user = self.user  # type: ignore[attr-defined]
        _log.info("Discord: logged in as %s (%s) in %d guilds", user, getattr(user, "id", "?"), len(self.guilds))  # type: ignore[attr-defined]

    async def on_message(self, message: discord.Message) -> None:
        with log_context(platform="discord", channel=str(message.channel.id)):
            await self.discussion.on_message(message)
            await self.links.on_message(message)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        with log_context(platform="discord", channel=str(interaction.channel_id)):
            await self.buttons.on_interaction(interaction)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        with log_context(platform="discord", channel=str(payload.channel_id)):
            await self._reaction(payload, added=True)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        with log_context(platform="discord", channel=str(payload.channel_id)):
            await self._reaction(payload, added=False)

    async def _reaction(self, payload: discord.RawReactionActionEvent, *, added: bool) -> None:
        me = self.user  # type: ignore[attr-defined]
        if me is not None and payload.user_id == me.id:
            return  # the bot's own reactions
        # someone else's message (only known on add): it counts only if recorded as a post (a pasted link)
        members = me is not None and payload.message_author_id is not None and payload.message_author_id != me.id
        emoji = emoji_key(payload.emoji)
        try:  # in a forum post: the forum's papers (DMs have no forums)
            forum = await self.platform.forums.forum_of(payload.channel_id) if payload.guild_id else None
        except Exception:  # noqa: BLE001 - one bad event must not stop the gateway loop
            # only an uncached thread needs a look-up, and that one answers HTTP errors itself
            _log.exception("reaction on %s/%s is not recorded: the forum it belongs to could not be found",
                           payload.channel_id, payload.message_id)
            return
        # a DM names no guild: the core finds it from the stored post (it survives restarts); the guild
        # remembered when the DM was opened covers a digest not recorded yet; "dm" when neither knows
        workspace = str(payload.guild_id) if payload.guild_id else self.platform.dm_workspaces.get(payload.channel_id, "dm")
        event = ReactionEvent(
            channel=ChannelRef("discord", workspace, str(payload.channel_id)), message_id=str(payload.message_id),
            user_id=str(payload.user_id), emoji=emoji, added=added, at=self.paperbot.clock(),  # when it came, kept
            belongs_to=ChannelRef("discord", workspace, str(forum)) if forum is not None else None,
        )
        if members and not await self.links.channels.may_count(event.channel, event.belongs_to):
            return  # no member's message there carries papers: not looked up, reaction by reaction
        what = f"reaction {'+' if added else '-'}{emoji} by {payload.user_id} on {payload.channel_id}/{payload.message_id}"
        # never raises: one bad event must not stop the gateway loop
        await self.paperbot.keep_for_retry(kept_reaction(event, what, find_workspace=not payload.guild_id))


class PaperbotClient(_PaperbotMixin, discord.Client):
    pass


class ShardedPaperbotClient(_PaperbotMixin, discord.AutoShardedClient):
    pass


def create_client(paperbot: PaperBot, settings: DiscordSettings) -> PaperbotClient | ShardedPaperbotClient:
    """A plain client, or an AutoShardedClient when shard_count/shard_ids are configured."""
    point_library_at(settings.api_base_url, settings.gateway_url)
    client: PaperbotClient | ShardedPaperbotClient
    if settings.shard_count or settings.shard_ids:
        client = ShardedPaperbotClient(
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,  # type: ignore[arg-type]
            intents=intents(settings.message_content), allowed_mentions=NO_MENTIONS,
            guild_ready_timeout=settings.guild_ready_timeout,
        )
    else:
        client = PaperbotClient(intents=intents(settings.message_content), allowed_mentions=NO_MENTIONS,
                                guild_ready_timeout=settings.guild_ready_timeout)
    client._attach(paperbot, settings)
    return client
