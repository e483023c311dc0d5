"""The transport for one slash command's answer: the deferred interaction response, then followups.

A digest asked for with `/papers today` is the interaction's answer: its first message edits the
"thinking…" placeholder, the others are followups, one per paper. Everything after the answer
(threads, openings, their links) goes through the channel's :class:`DiscordPlatform`. The core
publishes through this exactly as through the platform: send, record, thread.
"""
from __future__ import annotations

import discord

from adapters.discord.platform import NO_MENTIONS, DiscordPlatform, delivery_error, publication_messages
from bot.domain import ChannelRef
from bot.errors import PartiallySentError
from bot.ports import Sent, ThreadStyle
from bot.replies import Publication, TextReply


class InteractionTransport:
    platform = "discord"

    def __init__(self, interaction: discord.Interaction, channel_platform: DiscordPlatform) -> None:
        self._interaction = interaction
        self._platform = channel_platform

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        return self._platform.thread_style(channel)

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        count = len(publication.as_digest().items)
        ids: list[str] = [""] * count
        first = ""
        try:
            for n, out in enumerate(publication_messages(publication)):
                message: discord.Message
                if n == 0:
                    message = await self._interaction.edit_original_response(
                        content=out.content, embeds=out.embeds, allowed_mentions=NO_MENTIONS)
                else:
                    message = await self._interaction.followup.send(
                        content=out.content or discord.utils.MISSING, embeds=out.embeds,
                        allowed_mentions=NO_MENTIONS, wait=True)
                first = first or str(message.id)
                for index in out.items:
                    ids[index] = str(message.id)
        except Exception as exc:
            error = delivery_error(exc, f"answering in {channel}")
            if first:
                raise PartiallySentError(error, first, tuple(ids)) from exc
            raise error from exc
        return Sent(ids[0] if ids else first, tuple(ids))

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        return await self._platform.post(channel, reply, thread_id=thread_id, reply_to=reply_to, tag=tag)

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        return await self._platform.open_thread(channel, root_message_id, name)

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return await self._platform.thread_url(channel, thread_id)
