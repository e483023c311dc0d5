"""DiscordPlatform: the ChatPlatform send path (scheduler, outbox), with Discord errors mapped.

``send_digest`` posts one message per paper (see :mod:`adapters.discord.embeds`) and
returns the message id carrying each item, for ``PaperBot.record_posted``. Failures become
DeliveryError subclasses: Forbidden / NotFound (channel gone, bot removed, missing
permission) → ChannelUnavailableError; a rate limit longer than the library waits →
RateLimitedError; 5xx, timeouts and connection errors → TransientDeliveryError.
Every message is sent with ``AllowedMentions.none()``. After a digest is sent, the papers'
discussion threads are opened as the channel's thread mode asks (``client.discussion``); a
thread problem is logged and never fails the delivery. Optional ChatPlatform methods:
``open_dm`` (``POST /users/@me/channels``) and ``thread_url``.
"""
from __future__ import annotations

import asyncio
import logging
import re

import aiohttp
import discord

from adapters.discord.embeds import digest_messages
from adapters.discord.text import fit
from bot.domain import digest_posts as posts_for
from bot.domain import ChannelRef, Digest, PostKind
from bot.errors import ChannelUnavailableError, DeliveryError, RateLimitedError, TransientDeliveryError

_log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()


def delivery_error(exc: BaseException, what: str) -> DeliveryError:
    """Turn a discord.py / aiohttp failure into the DeliveryError that says what to do next."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, discord.RateLimited):
        return RateLimitedError(f"Discord rate-limited {what}; retry in {exc.retry_after:g} s.", exc.retry_after)
    if isinstance(exc, (discord.Forbidden, discord.NotFound)):
        return ChannelUnavailableError(f"Discord refused {what}: {exc.status} {exc.text or ''}".strip() + ".")
    if isinstance(exc, discord.DiscordServerError):
        return TransientDeliveryError(f"Discord failed {what} ({exc.status}).")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return RateLimitedError(f"Discord rate-limited {what}.", 1.0)
        return ChannelUnavailableError(f"Discord refused {what}: {exc.status} {exc.text or ''}".strip() + ".")
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ClientError, OSError, discord.ConnectionClosed)):
        return TransientDeliveryError(f"Discord could not be reached for {what}: {type(exc).__name__}.")
    return TransientDeliveryError(f"Discord failed {what}: {exc}.")


class DiscordPlatform:
    """Posts through a logged-in discord.py client; channels need not be cached."""

    platform = "discord"

    def __init__(self, client: discord.Client, *, ready_timeout: float = 60.0) -> None:
        self._client = client
        self._ready_timeout = ready_timeout

    async def _wait_ready(self) -> None:
        """A post due right after start-up waits for the login instead of failing as "unavailable"."""
        if self._client.is_ready():
            return
        try:
            await asyncio.wait_for(self._client.wait_until_ready(), self._ready_timeout)
        except (asyncio.TimeoutError, RuntimeError):
            raise TransientDeliveryError("Discord is not connected yet; try again shortly.") from None

    def _channel(self, channel: ChannelRef) -> discord.PartialMessageable:
        if channel.platform != self.platform:
            raise ChannelUnavailableError(f"{channel} is not a Discord channel.")
        try:
            channel_id = int(channel.channel)
        except ValueError:
            raise ChannelUnavailableError(f"{channel} does not name a Discord channel id.") from None
        guild_id = int(channel.workspace) if channel.workspace.isdigit() else None
        return self._client.get_partial_messageable(channel_id, guild_id=guild_id)

    async def send_digest(self, channel: ChannelRef, digest: Digest) -> list[str]:
        return await self.send_digest_tagged(channel, digest, None)

    async def send_digest_tagged(self, channel: ChannelRef, digest: Digest, tag: str | None) -> list[str]:
        """One message per paper; with ``tag``, each message ends with a small ``-# ref <tag> k/n`` line
        (Discord keeps no bot-readable metadata on messages, and a nonce is not returned in history)."""
        target = self._channel(channel)
        await self._wait_ready()
        ids: list[str] = [""] * len(digest.items)
        messages = digest_messages(digest)
        try:
            for number, message in enumerate(messages, 1):
                content = _tagged(message.content, tag, number, len(digest.items))
                sent = await target.send(content=content, embeds=message.embeds, allowed_mentions=NO_MENTIONS)
                for index in message.items:
                    ids[index] = str(sent.id)
        except Exception as exc:  # noqa: BLE001 - mapped to the DeliveryError the caller acts on
            raise delivery_error(exc, f"posting a digest to {channel}") from exc
        await self._open_threads(channel, digest, ids)
        return ids

    async def _open_threads(self, channel: ChannelRef, digest: Digest, ids: list[str]) -> None:
        discussion = getattr(self._client, "discussion", None)
        if discussion is None or self.is_dm(channel):
            return  # a DM has no threads
        await discussion.open_for_posts(channel, posts_for(channel, digest, ids, PostKind.SCHEDULED))

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        """The member's DM channel (created once; discord.py caches it), in ``workspace``.

        Discord has one DM channel per user, whatever the guild, and its events carry no guild: a
        reaction there counts for the member in the guild its digest was for, found from the stored
        post (so it survives a restart); the client also remembers the guild here, for a reaction
        that arrives before the digest's posts are recorded.
        """
        if not user_id.isdigit():
            raise ChannelUnavailableError(f"'{user_id}' is not a Discord user id.")
        await self._wait_ready()
        try:
            dm = await self._client.create_dm(discord.Object(int(user_id)))
        except Exception as exc:  # noqa: BLE001
            raise delivery_error(exc, f"opening a DM with {user_id}") from exc
        self._dms[dm.id] = workspace
        return ChannelRef(self.platform, workspace, str(dm.id))

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        """A link to a thread (Discord's web/app URL); None for DMs."""
        if not channel.workspace.isdigit() or not thread_id.isdigit() or self.is_dm(channel):
            return None
        return f"https://discord.com/channels/{channel.workspace}/{thread_id}"

    @property
    def _dms(self) -> dict[int, str]:
        return getattr(self._client, "dm_workspaces", {})

    def is_dm(self, channel: ChannelRef) -> bool:
        return channel.workspace == "dm" or (channel.channel.isdigit() and int(channel.channel) in self._dms)

    async def send_text(self, channel: ChannelRef, text: str) -> str:
        return await self.send_text_tagged(channel, text, None)

    async def send_text_tagged(self, channel: ChannelRef, text: str, tag: str | None) -> str:
        target = self._channel(channel)
        await self._wait_ready()
        try:
            content = _tagged(fit(text, 2000 - (len(_marker(tag, 1, 0)) + 1 if tag else 0)), tag, 1, 0)
            sent = await target.send(content=content, allowed_mentions=NO_MENTIONS)
        except Exception as exc:  # noqa: BLE001
            raise delivery_error(exc, f"posting to {channel}") from exc
        return str(sent.id)

    async def find_tagged(self, channel: ChannelRef, tag: str) -> list[str] | None:
        """Ids of an earlier tagged send among the channel's last 50 messages, or None.

        A digest cut short by a crash is still "sent": a missing paper message is mapped to the
        first message (as the Slack adapter maps a missing thread reply to the parent).
        """
        target = self._channel(channel)
        await self._wait_ready()
        found: dict[int, str] = {}
        count = None
        try:
            async for message in target.history(limit=50):
                hit = _MARKER.search(message.content or "")
                if hit and hit.group(1) == tag:
                    found[int(hit.group(2))] = str(message.id)
                    count = int(hit.group(3))
        except Exception as exc:  # noqa: BLE001
            raise delivery_error(exc, f"reading {channel}'s history") from exc
        if 1 not in found:
            return None
        if not count:
            return [found[1]]
        return [found.get(i, found[1]) for i in range(1, count + 1)]


_MARKER = re.compile(r"(?:^|\n)-# ref (\S+) (\d+)/(\d+)$")


def _marker(tag: str, number: int, count: int) -> str:
    return f"-# ref {tag} {number}/{count}"


def _tagged(content: str | None, tag: str | None, number: int, count: int) -> str | None:
    if not tag:
        return content
    return f"{content}\n{_marker(tag, number, count)}" if content else _marker(tag, number, count)
