"""DiscordPlatform: the transport the core posts through on Discord (scheduler, outbox, threads, answers).

Transport only: what to post, record and thread is decided by the core. ``send`` posts one
message per paper (see :mod:`adapters.discord.embeds`) and returns the message carrying each;
threads hang from each paper's message (``ThreadStyle.PER_MESSAGE``; DMs have none). Failures
become DeliveryError subclasses: Forbidden / NotFound (channel gone, bot removed, missing
permission) → ChannelUnavailableError; a rate limit longer than the library waits →
RateLimitedError (also a 429 discord.py does not wait out: one without ``Via``); 5xx, timeouts and
connection errors → TransientDeliveryError; Discord refusing the body as rendered (400 50035 Invalid
Form Body) → RejectedMessageError; a digest cut short → PartiallySentError with what went out.
Every message is sent with ``AllowedMentions.none()``.

Text posts are bounded where they are rendered (the core's text is what it is): a post into a thread
that answers no message — a paper's opening — is at most :data:`OPENING_MESSAGES` messages, any
other (answers, recaps, notes) at most :data:`TEXT_MESSAGES`; messages break between words and
never inside a URL (see :func:`adapters.discord.text.pieces`).
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Literal

import aiohttp
import discord

from adapters.discord.embeds import OutMessage, digest_messages, paper_embed
from adapters.discord.text import fit_plain, pieces
from bot.domain import ChannelRef
from bot.errors import (
    ChannelUnavailableError,
    DeliveryError,
    PartiallySentError,
    RateLimitedError,
    RejectedMessageError,
    TransientDeliveryError,
)
from bot.metrics import metrics, platform_error_kind
from bot.ports import Sent, ThreadStyle
from bot.replies import PaperReply, Publication, TextReply

_log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
MAX_CONTENT = 2000
MAX_THREAD_NAME = 100
OPENING_MESSAGES = 2  # a paper's opening in its thread
TEXT_MESSAGES = 4  # an answer, a recap, a note
INVALID_FORM_BODY = 50035
ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: a paper's discussion outlives a day
THREAD_EXISTS = 160004  # "A thread has already been created for this message"


def retry_after(exc: discord.HTTPException, default: float = 1.0) -> float:
    """How long a 429 asks us to wait: ``Retry-After`` (Cloudflare's and Discord's), else Discord's
    ``X-RateLimit-Reset-After``; ``default`` when neither says."""
    headers = getattr(exc.response, "headers", None) or {}
    for name in ("Retry-After", "X-RateLimit-Reset-After"):
        try:
            return max(0.0, float(str(headers[name])))
        except (KeyError, TypeError, ValueError):
            continue
    return default


def delivery_error(exc: BaseException, what: str) -> DeliveryError:
    """Turn a discord.py / aiohttp failure into the DeliveryError that says what to do next (and count
    it in the platform-errors metric, once: an error classified already is passed on as it is)."""
    if isinstance(exc, DeliveryError):
        return exc
    error = _classify(exc, what)
    auth = isinstance(exc, discord.HTTPException) and exc.status == 401
    metrics().platform_error("discord", platform_error_kind(error, auth=auth))
    return error


def _classify(exc: BaseException, what: str) -> DeliveryError:
    if isinstance(exc, discord.RateLimited):
        return RateLimitedError(f"Discord rate-limited {what}; retry in {exc.retry_after:g} s.", exc.retry_after)
    if isinstance(exc, (discord.Forbidden, discord.NotFound)):
        return ChannelUnavailableError(f"Discord refused {what}: {exc.status} {exc.text or ''}".strip() + ".")
    if isinstance(exc, discord.DiscordServerError):
        return TransientDeliveryError(f"Discord failed {what} ({exc.status}).")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:  # without Via (Cloudflare): discord.py raises at once instead of waiting
            wait = retry_after(exc)
            return RateLimitedError(f"Discord rate-limited {what}; retry in {wait:g} s.", wait)
        if exc.status >= 500:
            return TransientDeliveryError(f"Discord failed {what} ({exc.status}).")
        if exc.status == 400 and exc.code == INVALID_FORM_BODY:
            return RejectedMessageError(f"Discord refused what we rendered for {what}: {exc.text or exc.code}.")
        return ChannelUnavailableError(f"Discord refused {what}: {exc.status} {exc.text or ''}".strip() + ".")
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ClientError, OSError, discord.ConnectionClosed)):
        return TransientDeliveryError(f"Discord could not be reached for {what}: {type(exc).__name__}.")
    return TransientDeliveryError(f"Discord failed {what}: {exc}.")


def text_pieces(reply: TextReply, max_messages: int = TEXT_MESSAGES, *, reserve: int = 0) -> list[str]:
    """A core text reply as at most ``max_messages`` neutralised message contents of at most 2000
    characters (the first ``reserve`` fewer), line breaks kept, never cut inside a URL."""
    return pieces(reply.text, MAX_CONTENT, max_messages, first_limit=MAX_CONTENT - reserve)


def publication_messages(publication: Publication) -> list[OutMessage]:
    """The messages a digest or a paper is posted as (one per paper), each with the items it carries."""
    if isinstance(publication, PaperReply):
        paper = publication.paper
        return [OutMessage(embeds=[paper_embed(paper, publication.why, discussion=publication.discussions.get(paper.arxiv_id))],
                           items=[0])]
    return digest_messages(publication.digest, publication.discussions)


class DiscordPlatform:
    """Posts through a logged-in discord.py client; channels need not be cached."""

    platform = "discord"
    finds_sent = True

    def __init__(self, client: discord.Client, *, ready_timeout: float = 60.0) -> None:
        self._client = client
        self._ready_timeout = ready_timeout
        # DM channel id → the guild a DM digest was sent for (open_dm): Discord's DM events carry no
        # guild, and a reaction there must count for the member in that guild
        self.dm_workspaces: dict[int, str] = {}

    async def _wait_ready(self) -> None:
        """A post due right after start-up waits for the login instead of failing as "unavailable"."""
        if self._client.is_ready():
            return
        try:
            await asyncio.wait_for(self._client.wait_until_ready(), self._ready_timeout)
        except (TimeoutError, RuntimeError):
            raise TransientDeliveryError("Discord is not connected yet; try again shortly.") from None

    def messageable(self, channel_id: str, workspace: str) -> discord.PartialMessageable:
        try:
            number = int(channel_id)
        except ValueError:
            raise ChannelUnavailableError(f"'{channel_id}' does not name a Discord channel id.") from None
        guild_id = int(workspace) if workspace.isdigit() else None
        return self._client.get_partial_messageable(number, guild_id=guild_id)

    def _channel(self, channel: ChannelRef) -> discord.PartialMessageable:
        if channel.platform != self.platform:
            raise ChannelUnavailableError(f"{channel} is not a Discord channel.")
        return self.messageable(channel.channel, channel.workspace)

    def is_dm(self, channel: ChannelRef) -> bool:
        return channel.workspace == "dm" or (channel.channel.isdigit() and int(channel.channel) in self.dm_workspaces)

    # ChatTransport ---------------------------------------------------------------------------

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        return ThreadStyle.NONE if self.is_dm(channel) or not channel.workspace.isdigit() else ThreadStyle.PER_MESSAGE

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        """One message per paper; with ``tag``, each message ends with a small ``-# ref <tag> k/n`` line
        (Discord keeps no bot-readable metadata on messages, and a nonce is not returned in history)."""
        target = self._channel(channel)
        await self._wait_ready()
        messages = publication_messages(publication)
        count = len(publication.as_digest().items)
        ids: list[str] = [""] * count
        sent_any = ""
        try:
            for number, message in enumerate(messages, 1):
                content = _tagged(message.content, tag, number, count)
                sent = await target.send(content=content, embeds=message.embeds, allowed_mentions=NO_MENTIONS)
                sent_any = sent_any or str(sent.id)
                for index in message.items:
                    ids[index] = str(sent.id)
        except Exception as exc:
            error = delivery_error(exc, f"posting a digest to {channel}")
            if sent_any:
                raise PartiallySentError(error, sent_any, tuple(ids)) from exc
            raise error from exc
        return Sent(ids[0] if ids else sent_any, tuple(ids))

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        """Text in the channel or its thread, in as few messages as the bound allows: an opening (in a
        thread, answering no message) at most OPENING_MESSAGES, anything else TEXT_MESSAGES."""
        target = self.messageable(thread_id, channel.workspace) if thread_id else self._channel(channel)
        await self._wait_ready()
        bound = OPENING_MESSAGES if thread_id and not reply_to else TEXT_MESSAGES
        contents = text_pieces(reply, bound, reserve=len(_marker(tag, 1, 0)) + 1 if tag else 0)
        if tag:
            contents[0] = _tagged(contents[0], tag, 1, 0) or ""
        ids = []
        try:
            for n, content in enumerate(contents):
                reference = (discord.MessageReference(message_id=int(reply_to), channel_id=target.id, fail_if_not_exists=False)
                             if reply_to and reply_to.isdigit() and n == 0 else None)
                kwargs: dict[str, Any] = {"reference": reference, "mention_author": False} if reference else {}
                sent = await target.send(content=content, allowed_mentions=NO_MENTIONS, **kwargs)
                ids.append(str(sent.id))
        except Exception as exc:
            raise delivery_error(exc, f"posting to {channel}") from exc
        return ids

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        """A public thread from the paper's message (its id is the message's id); one a member started is reused."""
        parent = self._channel(channel)
        await self._wait_ready()
        message = parent.get_partial_message(int(root_message_id))
        title = fit_plain(name, MAX_THREAD_NAME) or "Discussion"
        try:
            thread = await message.create_thread(name=title, auto_archive_duration=ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:  # a member was first: a thread started from a message has its id
                return root_message_id
            raise delivery_error(exc, f"opening a thread in {channel}") from exc
        return str(thread.id)

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        """A link to a thread (Discord's web/app URL); None for DMs."""
        if not channel.workspace.isdigit() or not thread_id.isdigit() or self.is_dm(channel):
            return None
        return f"https://discord.com/channels/{channel.workspace}/{thread_id}"

    # ChatPlatform ----------------------------------------------------------------------------

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        """The member's DM channel (created once; discord.py caches it), in ``workspace``.

        Discord has one DM channel per user, whatever the guild, and its events carry no guild: a
        reaction there counts for the member in the guild its digest was for, found from the stored
        post (so it survives a restart); the guild is also remembered here, for a reaction that
        arrives before the digest's posts are recorded.
        """
        if not user_id.isdigit():
            raise ChannelUnavailableError(f"'{user_id}' is not a Discord user id.")
        await self._wait_ready()
        try:
            dm = await self._client.create_dm(discord.Object(int(user_id)))
        except Exception as exc:
            raise delivery_error(exc, f"opening a DM with {user_id}") from exc
        self.dm_workspaces[dm.id] = workspace
        return ChannelRef(self.platform, workspace, str(dm.id))

    async def find_sent(self, channel: ChannelRef, tag: str) -> Sent | None:
        """An earlier tagged send among the channel's last 50 messages, or None.

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
        except Exception as exc:
            raise delivery_error(exc, f"reading {channel}'s history") from exc
        if 1 not in found:
            return None
        if not count:
            return Sent(found[1], ())
        return Sent(found[1], tuple(found.get(i, found[1]) for i in range(1, count + 1)))


_MARKER = re.compile(r"(?:^|\n)-# ref (\S+) (\d+)/(\d+)$")


def _marker(tag: str, number: int, count: int) -> str:
    return f"-# ref {tag} {number}/{count}"


def _tagged(content: str | None, tag: str | None, number: int, count: int) -> str | None:
    if not tag:
        return content
    return f"{content}\n{_marker(tag, number, count)}" if content else _marker(tag, number, count)
