"""Discussion threads on Discord: open one under each posted paper; members' thread messages → the core.

After a digest is posted (``/papers today`` or the scheduler), :meth:`DiscordThreads.open_for_posts`
asks ``PaperBot.threads_to_open`` what to open and, for each opening, starts a public thread from
the paper's message (``POST /channels/{c}/messages/{m}/threads``; the thread's id is then the
message's id), posts the opening messages and reports ``thread_opened``. A thread a member already
started on that message (Discord allows one per message) is reused.

Members' messages arrive as ``on_message``. One counts when it is written by a person (not a bot
or webhook, not a system message) in a guild thread, or as a Discord reply to a message in the
channel (the "first reply" of first_reply mode). The bot is "mentioned" only by ``<@id>`` in the
text: without the privileged message content intent Discord still delivers the text of messages
that mention the bot, so the minimal intents suffice (other messages count as activity, text unseen).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence

import discord

from adapters.discord.embeds import digest_messages, paper_embed
from adapters.discord.text import fit, fit_lines
from bot.discussion.threads import ThreadMessage, ThreadOpening, ThreadResponse
from bot.domain import ChannelRef, Post
from bot.replies import DigestReply, PaperReply, Reply, TextReply
from bot.text import split_text

_log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
ARCHIVE_MINUTES = 10080  # a week: a paper's discussion outlives a day
MAX_CONTENT = 2000
CHUNK = 1800  # raw characters per message; escaping may add some, fit() keeps the result ≤ 2000
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
PARENTS_CACHED = 10_000  # uncached channels looked up (threads the gateway did not announce)
OPENING_WAIT = 30.0  # seconds a message waits for its thread's opening to be recorded
HUMAN_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def rendered(reply: Reply) -> list[dict]:
    """``send`` keyword arguments for one core Reply: neutralised text in ≤ 2000-character pieces, or embeds."""
    if isinstance(reply, TextReply):
        return [{"content": fit_lines(chunk, MAX_CONTENT)} for chunk in split_text(reply.text, CHUNK)]
    if isinstance(reply, PaperReply):
        return [{"embed": paper_embed(reply.paper, reply.why)}]
    if isinstance(reply, DigestReply):
        return [{"content": out.content or None, "embeds": out.embeds} for out in digest_messages(reply.digest)]
    return [{"content": fit(str(reply), MAX_CONTENT)}]


async def send_reply(target: discord.abc.Messageable, reply: Reply, *, answering: discord.Message | None = None) -> list[str]:
    """Post a Reply in a channel or thread (the first piece as a reply to ``answering``); ids in order."""
    ids = []
    for n, kwargs in enumerate(rendered(reply)):
        reference = answering.to_reference(fail_if_not_exists=False) if answering is not None and n == 0 else None
        sent = await target.send(**kwargs, allowed_mentions=NO_MENTIONS, reference=reference,  # type: ignore[arg-type]
                                 mention_author=False if reference else None)
        ids.append(str(sent.id))
    return ids


def strip_mention(content: str, bot_id: int) -> str:
    """The text without the bot's mention markup (``<@id>`` / ``<@!id>``), whitespace tidied."""
    return re.sub(r"\s+", " ", re.sub(rf"<@!?{bot_id}>", " ", content)).strip()


class DiscordThreads:
    """Thread opening and thread messages for one client (``client.discussion``)."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._parents: dict[int, int | None] = {}  # thread id → parent channel id (None: not a thread)
        # threads being opened (root message id): a message arriving meanwhile waits, so the core
        # sees the thread recorded and does not open it a second time
        self._opening: dict[str, asyncio.Event] = {}

    @property
    def _bot(self):
        return self._client.paperbot  # type: ignore[attr-defined]

    def _messageable(self, channel_id: int | str, guild_id: str | None) -> discord.PartialMessageable:
        guild = int(guild_id) if guild_id and guild_id.isdigit() else None
        return self._client.get_partial_messageable(int(channel_id), guild_id=guild)

    # ---------------------------------------------------------------- opening

    async def open_for_posts(self, channel: ChannelRef, posts: Sequence[Post]) -> None:
        """After a digest was posted: open the threads the channel's mode asks for. Never raises."""
        if not posts or channel.platform != "discord" or not channel.workspace.isdigit():
            return  # DMs have no threads
        try:
            openings = await self._bot.threads_to_open(channel, list(posts))
        except Exception:  # noqa: BLE001 - the digest is out; a thread problem must not fail it
            _log.exception("could not plan threads for %s", channel)
            return
        for opening in openings:
            try:
                await self.open(channel, opening)
            except discord.HTTPException as exc:
                _log.warning("could not open a thread on %s/%s: %s %s", channel, opening.root_message_id, exc.status, exc.text)
            except Exception:  # noqa: BLE001
                _log.exception("could not open a thread on %s/%s", channel, opening.root_message_id)

    async def open(self, channel: ChannelRef, opening: ThreadOpening,
                   thread: discord.abc.Messageable | None = None) -> discord.abc.Messageable:
        """Start the thread (or use ``thread``), post the opening messages, tell the core. Returns the thread."""
        done = self._opening.setdefault(opening.root_message_id, asyncio.Event())
        try:
            if thread is None:
                thread = await self._start_thread(channel, opening)
            ids: list[str] = []
            for reply in opening.messages:
                ids.extend(await send_reply(thread, reply))
            await self._bot.thread_opened(channel, opening, str(thread.id), ids)  # type: ignore[attr-defined]
        finally:
            if self._opening.get(opening.root_message_id) is done:
                del self._opening[opening.root_message_id]
            done.set()
        return thread

    async def _start_thread(self, channel: ChannelRef, opening: ThreadOpening) -> discord.abc.Messageable:
        parent = self._messageable(channel.channel, channel.workspace)
        message = parent.get_partial_message(int(opening.root_message_id))
        name = (opening.name or "Discussion").strip()[:100] or "Discussion"
        try:
            return await message.create_thread(name=name, auto_archive_duration=ARCHIVE_MINUTES)
        except discord.HTTPException as exc:
            if exc.code != THREAD_EXISTS:
                raise
            # a member was first: a thread started from a message has the message's id
            return self._messageable(opening.root_message_id, channel.workspace)

    # ---------------------------------------------------------------- members' messages

    async def on_message(self, message: discord.Message) -> None:
        """A gateway message: hand it to the core when it is a person's message in a thread. Never raises."""
        try:
            found = await self.thread_message(message)
            if found is None:
                return
            thread_message, thread = found
            pending = self._opening.get(thread_message.root_message_id or thread_message.thread_id)
            if pending is not None:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(pending.wait(), OPENING_WAIT)
            response = await self._bot.on_thread_message(thread_message)
            await self.respond(thread_message, response, message, thread)
        except discord.HTTPException as exc:
            _log.warning("answering message %s failed: %s %s", message.id, exc.status, exc.text)
        except Exception:  # noqa: BLE001 - one bad message must not stop the gateway loop
            _log.exception("message %s in %s could not be handled", message.id, message.channel.id)

    async def thread_message(self, message: discord.Message) -> tuple[ThreadMessage, discord.abc.Messageable | None] | None:
        """(ThreadMessage, the thread) for a person's message in a thread; (ThreadMessage, None) for a
        Discord reply to one of the bot's messages in a channel; None for anything else."""
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
            ), message.channel
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
        ), None

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

    async def respond(self, asked: ThreadMessage, response: ThreadResponse, message: discord.Message,
                      thread: discord.abc.Messageable | None) -> None:
        """Post the opening (first_reply mode) and the answer in the thread; a channel reply gets the thread made."""
        in_thread = thread is not None
        if response.opening is not None:
            thread = await self.open(asked.channel, response.opening, thread)
        if response.answer is None:
            return
        if thread is None:  # a reply in the channel: answer in the root message's thread, if it has one
            try:
                await send_reply(self._messageable(asked.thread_id, asked.channel.workspace), response.answer)
                return
            except discord.NotFound:
                thread, in_thread = message.channel, True
        # a Discord reply must stay in its channel: the question is referenced only inside the thread
        await send_reply(thread, response.answer, answering=message if in_thread else None)
