"""Members' messages in paper threads on Discord → the core, which records, opens and answers.

A message counts when it is written by a person (not a bot or webhook, not a system message) in a
guild thread, or as a Discord reply to one of the bot's messages in a channel (the "first reply"
of first_reply mode: the core then opens the thread on that message). The bot is "mentioned" only
by ``<@id>`` in the text: without the privileged message content intent Discord still delivers the
text of messages that mention the bot, so the minimal intents suffice (other messages count as
activity, text unseen). Openings and answers are posted by the core through ``DiscordPlatform``.

Discord never delivers a message event again: one the core could not take (the database away) is
kept — spooled, replayed after a restart — and retried (``PaperBot.keep_for_retry``); the core
records each message once by its id, so a retried question is answered once.
"""
from __future__ import annotations

import logging
import re

import discord

from adapters.discord.platform import DiscordPlatform
from bot.app import PaperBot
from bot.discussion.threads import ThreadMessage
from bot.domain import ChannelRef
from bot.usecases.kept_kinds import kept_thread_message

_log = logging.getLogger(__name__)

PARENTS_CACHED = 10_000  # uncached channels looked up (threads the gateway did not announce)
HUMAN_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def strip_mention(content: str, bot_id: int) -> str:
    """The text without the bot's mention markup (``<@id>`` / ``<@!id>``), whitespace tidied."""
    return re.sub(r"\s+", " ", re.sub(rf"<@!?{bot_id}>", " ", content)).strip()


class DiscordThreads:
    """Thread messages for one client: turned into ``ThreadMessage`` and handed to the core."""

    def __init__(self, client: discord.Client, paperbot: PaperBot, platform: DiscordPlatform) -> None:
        self._client = client
        self._bot = paperbot
        self._platform = platform
        self._parents: dict[int, int | None] = {}  # thread id → parent channel id (None: not a thread)

    async def on_message(self, message: discord.Message) -> None:
        """A gateway message: hand it to the core when it is a person's message in a thread (kept and
        retried when that fails for a passing reason). Never raises."""
        try:
            found = await self.thread_message(message)
        except Exception:  # noqa: BLE001 - one bad message must not stop the gateway loop
            _log.exception("message %s in %s could not be read", message.id, message.channel.id)
            return
        if found is None:
            return
        what = f"thread message {message.id} in {message.channel.id}"
        await self._bot.keep_for_retry(kept_thread_message(found, what), self._platform)

    async def thread_message(self, message: discord.Message) -> ThreadMessage | None:
        """A person's message in a thread, or a Discord reply to one of the bot's messages; else None."""
        me = self._client.user
        if me is None or message.guild is None:
            return None  # DMs have no paper threads
        author = message.author
        if author.bot or message.webhook_id is not None or author.id == me.id or message.type not in HUMAN_TYPES:
            return None
        guild_id = str(message.guild.id)
        mentions_bot = me.id in message.raw_mentions
        text = strip_mention(message.content or "", me.id)
        parent_id = await self._parent_of(message.channel)
        if parent_id is not None:  # in a thread
            thread_id = str(message.channel.id)
            return ThreadMessage(
                channel=ChannelRef("discord", guild_id, str(parent_id)), thread_id=thread_id, user_id=str(author.id),
                text=text, mentions_bot=mentions_bot, event_id=str(message.id), root_message_id=thread_id,
                message_id=str(message.id), in_thread=True,
            )
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        resolved = reference.resolved
        if isinstance(resolved, discord.Message) and resolved.author.id != me.id:
            return None  # a reply to someone else's message
        root = str(reference.message_id)
        return ThreadMessage(
            channel=ChannelRef("discord", guild_id, str(message.channel.id)), thread_id=root, user_id=str(author.id),
            text=text, mentions_bot=mentions_bot, event_id=str(message.id), root_message_id=root,
            message_id=str(message.id), in_thread=False,
        )

    async def _parent_of(self, channel: object) -> int | None:
        """The parent channel id when ``channel`` is a thread; uncached channels are fetched once."""
        if isinstance(channel, discord.Thread):
            return channel.parent_id
        if not isinstance(channel, discord.PartialMessageable):
            return None
        if channel.id not in self._parents:
            try:
                fetched = await self._client.fetch_channel(channel.id)
            except discord.HTTPException:
                return None
            if len(self._parents) > PARENTS_CACHED:
                self._parents.clear()
            self._parents[channel.id] = fetched.parent_id if isinstance(fetched, discord.Thread) else None
        return self._parents[channel.id]
