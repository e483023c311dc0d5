"""Answering one slash command: the deferred response, its edit and followups, retried; and the
transport the core publishes an on-demand digest through.

:class:`Responder` makes every answer to one interaction. discord.py waits out a 429 only when it
carries ``Via`` (Discord's own); a Cloudflare-style 429 without it is raised at once, and a 5xx is
raised after the library's own tries — either would leave the member looking at "thinking…" for
good. The Responder tries such a call again after the ``Retry-After`` it was given (or a short
backoff), a bounded number of times and only while the answer can still arrive: within 3 s for the
first response, within the interaction token's 15 minutes for edits and followups.

A digest asked for with `/papers today` is the interaction's answer: its first message edits the
"thinking…" placeholder, the others are followups, one per paper. Everything after the answer
(threads, openings, their links) goes through the channel's :class:`DiscordPlatform`. The core
publishes through :class:`InteractionTransport` exactly as through the platform: send, record, thread.
"""
from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord

from adapters.discord.buttons import views_for
from adapters.discord.embeds import OutMessage
from adapters.discord.platform import (
    MAX_CONTENT as MAX_MESSAGE,
)
from adapters.discord.platform import (
    NO_MENTIONS,
    DiscordPlatform,
    delivery_error,
    retry_after,
    send_messages,
)
from adapters.discord.previews import new_message, unfurl_free
from adapters.discord.text import fit
from bot.domain import ChannelRef
from bot.ports import Sent, ThreadStyle
from bot.replies import Publication, TextReply

_log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_RESPONSE = 3.0  # seconds Discord waits for the first response
TOKEN_LIFE = 15 * 60.0  # seconds an interaction token can edit and follow up
MARGIN = 0.5  # kept back from each deadline: an answer sent at the last moment would arrive too late
ATTEMPTS = 4
MAX_CONTENT = 2000
UNKNOWN_INTERACTION = 10062


def worth_retrying(exc: BaseException) -> bool:
    """A 429 discord.py did not wait out, or a 5xx: the same request may well pass shortly."""
    return isinstance(exc, discord.HTTPException) and (exc.status == 429 or exc.status >= 500)


class Responder:
    """Every answer to one interaction, each retried on a 429 or 5xx while the answer can still arrive.

    ``received``: when the interaction reached us (the event loop's clock); the deadlines count from it.
    """

    def __init__(self, interaction: discord.Interaction, *, received: float | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.interaction = interaction
        loop = asyncio.get_running_loop()
        self._clock = loop.time
        self._received = loop.time() if received is None else received
        self._sleep = sleep

    def _left(self, first: bool) -> float:
        deadline = self._received + (FIRST_RESPONSE if first else TOKEN_LIFE) - MARGIN
        return deadline - self._clock()

    async def _call(self, what: str, call: Callable[[], Awaitable[T]], *, first: bool = False) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await call()
            except discord.HTTPException as exc:
                if not worth_retrying(exc) or attempt == ATTEMPTS:
                    raise
                backoff = 0.5 * 2 ** (attempt - 1)
                wait = retry_after(exc, backoff) if exc.status == 429 else backoff
                if wait > self._left(first):
                    raise  # the answer could no longer arrive
                _log.warning("%s for interaction %s got %s; trying again in %g s", what, self.interaction.id,
                             exc.status, wait)
                await self._sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    @property
    def done(self) -> bool:
        return self.interaction.response.is_done()

    async def defer(self) -> bool:
        """Acknowledge at once ("thinking…"); False when Discord already expired the interaction (10062)."""
        try:
            await self._call("the acknowledgement", lambda: self.interaction.response.defer(), first=True)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_INTERACTION:
                raise
            _log.warning("interaction %s expired before we could answer (%s)", self.interaction.id, exc.code)
            return False
        return True

    async def edit(self, **fields: Any) -> discord.Message:
        """Replace the "thinking…" placeholder (mentions never allowed; an edit takes no flags, so its
        URLs are written ``<url>``: :mod:`adapters.discord.previews`)."""
        if isinstance(fields.get("content"), str):
            fields["content"] = unfurl_free(fields["content"])
        return await self._call("the answer", lambda: self.interaction.edit_original_response(
            allowed_mentions=NO_MENTIONS, **fields))

    async def edit_with_file(self, content: str, filename: str, data: bytes) -> discord.Message:
        """Replace the placeholder with ``content`` and one attached file (a fresh upload on each try)."""
        return await self._call("the answer", lambda: self.interaction.edit_original_response(
            content=unfurl_free(content), attachments=[discord.File(io.BytesIO(data), filename=filename)],
            allowed_mentions=NO_MENTIONS))

    async def followup(self, *, content: str | None = None, embeds: list[discord.Embed] | None = None,
                       **fields: Any) -> discord.Message:
        """One more message of the answer (mentions never allowed, no URL unfurled)."""
        message = {k: v for k, v in new_message(content, embeds or ()).items() if v is not None}
        if embeds is not None:
            message["embeds"] = embeds
        return await self._call("a followup", lambda: self.interaction.followup.send(
            allowed_mentions=NO_MENTIONS, wait=True, **message, **fields))

    async def private(self, text: str) -> None:
        """An ephemeral answer only the caller sees, whether or not the interaction was deferred; a
        public placeholder is removed first. ``text`` is already neutralised and bounded."""
        content = text[:MAX_CONTENT]
        if not self.done:
            await self._call("the answer", lambda: self.interaction.response.send_message(
                content, ephemeral=True, allowed_mentions=NO_MENTIONS, suppress_embeds=True), first=True)
            return
        try:
            await self._call("removing the placeholder", lambda: self.interaction.delete_original_response())
        except discord.HTTPException:
            pass  # already gone, or Discord refused: the ephemeral answer still says what happened
        await self._call("the answer", lambda: self.interaction.followup.send(
            content, ephemeral=True, allowed_mentions=NO_MENTIONS, suppress_embeds=True, wait=True))

    async def private_file(self, text: str, filename: str, data: bytes) -> discord.Message:
        """An ephemeral answer with one attached file (an export), like :meth:`private`: the public
        placeholder is removed first, since Discord would make the first followup that placeholder.
        A fresh upload on each try; ``text`` is already neutralised and bounded."""
        content = text[:MAX_CONTENT]

        def attached() -> discord.File:
            return discord.File(io.BytesIO(data), filename=filename)

        if not self.done:
            await self._call("the answer", lambda: self.interaction.response.send_message(
                content, file=attached(), ephemeral=True, allowed_mentions=NO_MENTIONS, suppress_embeds=True), first=True)
            return await self._call("reading the answer", lambda: self.interaction.original_response())
        try:
            await self._call("removing the placeholder", lambda: self.interaction.delete_original_response())
        except discord.HTTPException:
            pass  # already gone, or Discord refused: the ephemeral answer still arrives
        return await self._call("the answer", lambda: self.interaction.followup.send(
            content, file=attached(), ephemeral=True, allowed_mentions=NO_MENTIONS, suppress_embeds=True, wait=True))

    async def last_word(self, text: str) -> None:
        """After an answer finally failed: a short ephemeral note when Discord still takes one; never raises."""
        try:
            await self.private(fit(text, MAX_CONTENT))
        except discord.HTTPException as exc:
            _log.warning("could not tell the caller of interaction %s either: %s", self.interaction.id, exc.status)


class InteractionTransport:
    platform = "discord"

    def __init__(self, interaction: discord.Interaction, channel_platform: DiscordPlatform,
                 responder: Responder | None = None) -> None:
        self._interaction = interaction
        self._platform = channel_platform
        self._responder = responder or Responder(interaction)

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        return self._platform.thread_style(channel)

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        async def one(n: int, out: OutMessage) -> discord.Message:
            view = views_for(publication, out.items)  # the paper's controls (adapters.discord.buttons)
            if n == 0:
                return await self._responder.edit(content=out.content, embeds=out.embeds, view=view)
            return await self._responder.followup(content=out.content or None, embeds=out.embeds, view=view)

        return await send_messages(publication, one, f"answering in {channel}")

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        return await self._platform.post(channel, reply, thread_id=thread_id, reply_to=reply_to, tag=tag)

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        """The file is the interaction's answer (it replaces "thinking…")."""
        try:
            message = await self._responder.edit_with_file(fit(text, MAX_MESSAGE), filename, data)
        except Exception as exc:
            raise delivery_error(exc, f"answering with {filename} in {channel}") from exc
        return [str(message.id)]

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        return await self._platform.open_thread(channel, root_message_id, name)

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return await self._platform.thread_url(channel, thread_id)
