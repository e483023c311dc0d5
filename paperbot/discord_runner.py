"""Start paperbot on Discord from configuration and a PaperBot (used by ``platforms.starters``).

The runner owns the discord.py client and the :class:`DiscordPlatform` send path that the
scheduler posts through. Tests build it exactly like ``paperbot run`` does, with the REST
and gateway URLs in the config pointing at a local fake Discord.
"""
from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.client import DiscordSettings, create_client
from adapters.discord.platform import DiscordPlatform
from bot.app import PaperBot
from bot.config import Config, DiscordConfig
from bot.errors import ConfigError

_log = logging.getLogger(__name__)

TOKEN_REJECTED = ("Discord rejected [discord] token (or PAPERBOT_DISCORD_TOKEN): copy the bot token again from the "
                  "developer portal's Bot page (Reset Token).")
INTENT_REFUSED = ("Discord refused the Message Content intent that [discord] message_content = true asks for: switch "
                  "it on under Bot → Privileged Gateway Intents in the developer portal, or set "
                  "[discord] message_content = false (the \"Add to paperbot\" command works without it).")


def settings_from(config: DiscordConfig) -> DiscordSettings:
    if config.shard_ids and not config.shard_count:
        raise ConfigError("[discord] shard_ids needs [discord] shard_count (the total number of shards).")
    if config.shard_ids and config.shard_count and any(not 0 <= i < config.shard_count for i in config.shard_ids):
        raise ConfigError(f"[discord] shard_ids must be between 0 and shard_count - 1 ({config.shard_count - 1}).")
    return DiscordSettings(
        api_base_url=config.api_base_url,
        gateway_url=config.gateway_url,
        dev_guild_id=config.dev_guild_id,
        shard_count=config.shard_count,
        shard_ids=tuple(config.shard_ids) if config.shard_ids else None,
        guild_ready_timeout=config.guild_ready_timeout,
        sync_commands=config.sync_commands,
        message_content=config.message_content,
    )


class DiscordRunner:
    """One Discord connection (plain or sharded) serving one PaperBot."""

    def __init__(self, config: Config, bot: PaperBot) -> None:
        if not config.discord_enabled or config.discord.token is None:
            raise ConfigError("[discord] token (or PAPERBOT_DISCORD_TOKEN) is not set.")
        self._token = config.discord.token.get_secret_value()
        self.client = create_client(bot, settings_from(config.discord))
        self.platform: DiscordPlatform = self.client.platform
        self._closing = False

    async def run(self) -> None:
        """Log in, connect, and serve until cancelled; the client is closed on the way out. A token
        Discord refuses (at login, or later on the command sync) stops it with a ConfigError.

        Run again after an unexpected stop (``supervise`` does), it re-opens the closed client: a
        closed discord.py client would otherwise return from ``start`` at once, without connecting,
        and the bot would be off Discord with nothing said. A stop that ``close`` asked for ends it."""
        if self._closing:
            return
        if self.client.is_closed():
            self._reopen()
        try:
            async with self.client:
                await self.client.start(self._token)
        except discord.LoginFailure:
            raise ConfigError(TOKEN_REJECTED) from None
        except discord.PrivilegedIntentsRequired:
            raise ConfigError(INTENT_REFUSED) from None
        except Exception:
            if self.client.token_rejected:  # closed mid-connect: that is why
                raise ConfigError(TOKEN_REJECTED) from None
            raise
        finally:
            await self.client.command_sync.close()
        if self.client.token_rejected:
            raise ConfigError(TOKEN_REJECTED)
        if not self._closing:  # closed by discord.py itself (a gateway it would not reconnect to)
            raise ConnectionError("the Discord connection closed without being asked to")

    def _reopen(self) -> None:
        """discord.py's ``clear`` re-opens a closed client but keeps its closed aiohttp connector,
        with which every request after the next login fails ("Session is closed"); a fresh one is
        made at login when there is none."""
        self.client.clear()
        http = self.client.http
        if http.connector is not discord.utils.MISSING and http.connector.closed:
            http.connector = discord.utils.MISSING
        self.client.token_rejected = False

    async def connected(self) -> bool:
        """Ready on the gateway with every gateway connection open (``/readyz``). discord.py keeps
        "ready" set through a reconnect, so the WebSocket (each shard's) is looked at too."""
        client = self.client
        if client.is_closed() or not client.is_ready():
            return False
        if isinstance(client, discord.AutoShardedClient):
            return bool(client.shards) and all(not shard.is_closed() for shard in client.shards.values())
        return client.ws is not None and client.ws.open

    async def wait_ready(self) -> None:
        await self.client.wait_until_ready()

    async def close(self) -> None:
        self._closing = True
        await self.client.close()


def start_discord(config: Config, bot: PaperBot) -> tuple[DiscordRunner, asyncio.Task[None]]:
    runner = DiscordRunner(config, bot)
    return runner, asyncio.create_task(runner.run(), name="discord")


async def print_invite_url(config: Config, client_id: str | None) -> int:
    """`paperbot discord invite-url`: the OAuth2 URL (the application id from --client-id or the token)."""
    from adapters.discord.invite import fetch_application_id, invite_url

    if not client_id:
        if not config.discord_enabled or config.discord.token is None:
            raise ConfigError(
                "give --client-id (the Application ID on the developer portal's General Information page), "
                "or set [discord] token so paperbot can look it up."
            )
        try:
            client_id = await fetch_application_id(config.discord.api_base_url, config.discord.token.get_secret_value())
        except Exception as exc:  # noqa: BLE001 - reported in one line
            raise ConfigError(f"could not look up the application id with the configured token: {exc}") from None
    if not client_id.isdigit():
        raise ConfigError(f"'{client_id}' is not an application id: it is a long number, e.g. 123456789012345678.")
    print(invite_url(client_id))
    return 0
