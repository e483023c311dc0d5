"""Discussion threads on Slack: openings as thread replies; members' thread messages → the core.

A Slack thread is the replies under one top-level message, named by that message's ``ts``
(``thread_ts``). After a digest is posted (``/papers today`` or the scheduler), the openings
``PaperBot.threads_to_open`` returns are posted as replies in the digest message's thread (the
one that already holds the per-paper "react here" replies; a digest's papers share it), and
reported with ``thread_opened(thread_id=<digest ts>)``.

Members' messages come as ``message`` events (``message.channels`` / ``message.groups``) and,
when they mention the bot, also as ``app_mention`` — two deliveries (two event ids) of one
message. Both are handled by one listener keyed by the message itself (channel + ``ts``), which
is what ``ThreadMessage.event_id`` carries: a retry or the second delivery is the same key, so
the core counts it once, and this process never answers it twice. Only people's replies inside
a thread count: bot messages (``bot_id``), edits and other subtypes, the bot's own messages
and top-level messages are ignored.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from adapters.slack.blocks import digest_blocks, digest_fallback, paper_blocks, paper_fallback
from adapters.slack.mrkdwn import neutralise_text
from bot.discussion.threads import ThreadMessage, ThreadOpening, ThreadResponse
from bot.domain import ChannelRef, Post
from bot.replies import DigestReply, PaperReply, Reply, TextReply
from bot.text import split_text

if TYPE_CHECKING:
    from adapters.slack.platform import SlackPlatform

_log = logging.getLogger(__name__)

CHUNK = 3000  # characters per reply: Slack truncates text past 40k and shows long messages poorly
HUMAN_SUBTYPES = (None, "thread_broadcast")  # a reply also sent to the channel is still a person's reply
SEEN_LIMIT = 2000
OPENING_WAIT = 30.0  # seconds a reply waits for its thread's openings to be recorded


def rendered(reply: Reply) -> list[dict[str, Any]]:
    """``chat.postMessage`` arguments for one core Reply: neutralised mrkdwn text, or Block Kit."""
    if isinstance(reply, TextReply):
        return [{"text": neutralise_text(chunk)} for chunk in split_text(reply.text, CHUNK)]
    if isinstance(reply, PaperReply):
        return [{"text": paper_fallback(reply.paper), "blocks": paper_blocks(reply.paper, reply.why)}]
    if isinstance(reply, DigestReply):
        return [{"text": digest_fallback(reply.digest), "blocks": digest_blocks(reply.digest)}]
    return [{"text": neutralise_text(str(reply))}]


def mention_re(bot_user_id: str) -> re.Pattern[str]:
    return re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>")


def thread_message(body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None) -> ThreadMessage | None:
    """A person's reply inside a thread, from a ``message`` or ``app_mention`` event; else None."""
    if event.get("bot_id") or event.get("subtype") not in HUMAN_SUBTYPES:
        return None
    user, channel, ts, thread_ts = event.get("user"), event.get("channel"), event.get("ts"), event.get("thread_ts")
    if not user or not channel or not ts or user == bot_user_id:
        return None
    if not thread_ts or thread_ts == ts:
        return None  # a top-level message (or a thread's parent), not a reply in a thread
    text = event.get("text") or ""
    mentions = False
    if bot_user_id:
        pattern = mention_re(bot_user_id)
        mentions = bool(pattern.search(text)) or event.get("type") == "app_mention"
        text = pattern.sub(" ", text)
    team = body.get("team_id") or event.get("team") or ""
    return ThreadMessage(
        channel=ChannelRef("slack", team, channel), thread_id=str(thread_ts), user_id=user,
        text=re.sub(r"\s+", " ", text).strip(), mentions_bot=mentions,
        event_id=f"{channel}/{ts}", root_message_id=str(thread_ts),
    )


class SlackThreads:
    """Thread openings and thread messages for one workspace (built by ``SlackPlatform``)."""

    def __init__(self, bot: Any, platform: SlackPlatform) -> None:
        self.bot = bot
        self.platform = platform
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._thread_posts: OrderedDict[str, tuple[str, ...]] = OrderedDict()  # thread → the bot's replies in it
        # threads whose openings are being posted: a reply arriving meanwhile waits, so the core
        # sees the thread recorded and does not open it a second time
        self._opening: dict[str, asyncio.Event] = {}

    # ---------------------------------------------------------------- opening

    async def open_for_posts(self, channel: ChannelRef, posts: Sequence[Post], thread_ts: str) -> None:
        """After a digest (thread ``thread_ts``) was posted: post the openings the mode asks for. Never raises."""
        if not posts:
            return
        self._remember_posts(f"{channel.channel}/{thread_ts}", tuple(p.message_id for p in posts if p.message_id != thread_ts))
        try:
            async with self._busy(thread_ts):  # all the digest's openings, before its replies are read
                for opening in await self.bot.threads_to_open(channel, list(posts)):
                    await self.open(channel, opening, thread_ts)
        except Exception:  # noqa: BLE001 - the digest is out; a thread problem must not fail it
            _log.exception("could not open the discussion threads of %s in %s", thread_ts, channel)

    async def open(self, channel: ChannelRef, opening: ThreadOpening, thread_ts: str) -> None:
        async with self._busy(thread_ts):
            ids: list[str] = []
            for reply in opening.messages:
                ids.extend(await self.post(channel, thread_ts, reply))
            await self.bot.thread_opened(channel, opening, thread_ts, ids)

    @contextlib.asynccontextmanager
    async def _busy(self, thread_ts: str) -> AsyncIterator[None]:
        """Mark a thread as being opened (re-entrant: an outer holder keeps it until it is done)."""
        if thread_ts in self._opening:
            yield
            return
        done = self._opening[thread_ts] = asyncio.Event()
        try:
            yield
        finally:
            del self._opening[thread_ts]
            done.set()

    async def post(self, channel: ChannelRef, thread_ts: str, reply: Reply) -> list[str]:
        ids = []
        for kwargs in rendered(reply):
            ids.append(await self.platform.post(f"replying in a thread of {channel.channel}",
                                                channel=channel.channel, thread_ts=thread_ts, **kwargs))
        return ids

    # ---------------------------------------------------------------- members' messages

    def _first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    async def __call__(self, body: dict[str, Any], event: dict[str, Any], context: Any = None) -> None:
        """The bolt listener for ``message`` and ``app_mention`` (bolt acks before calling it). Never raises."""
        bot_user_id = getattr(context, "bot_user_id", None) if context is not None else None
        asked = thread_message(body, event, bot_user_id)
        if asked is None or not self._first_time(asked.event_id or ""):
            return
        try:
            pending = self._opening.get(asked.thread_id)
            if pending is not None:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(pending.wait(), OPENING_WAIT)
            asked = await self._with_post_ids(asked, bot_user_id)
            response = await self.bot.on_thread_message(asked)
            await self.respond(asked, response)
        except Exception:  # noqa: BLE001 - logged; Slack would only re-deliver it
            _log.exception("thread message %s could not be handled", asked.event_id)

    async def _with_post_ids(self, asked: ThreadMessage, bot_user_id: str | None) -> ThreadMessage:
        """Add the bot's replies in the thread (a digest's per-paper posts) the first time a thread is seen.

        A digest's papers are recorded on its "react here" replies, not on the digest message a
        member replies under, so in first_reply mode the core needs them to know the papers.
        Digests this process posted are remembered when posted; for older ones (a restart) the
        thread is read once with ``conversations.replies``; a failure only loses that hint.
        """
        key = f"{asked.channel.channel}/{asked.thread_id}"
        ids = self._thread_posts.get(key)
        if ids is None:
            try:
                response = await self.platform.client.conversations_replies(
                    channel=asked.channel.channel, ts=asked.thread_id, limit=50)
                ids = tuple(str(m["ts"]) for m in response.get("messages") or []
                            if m.get("ts") != asked.thread_id and (m.get("bot_id") or (bot_user_id and m.get("user") == bot_user_id)))
            except Exception as exc:  # noqa: BLE001 - a hint only
                _log.warning("could not read the replies of thread %s: %s", key, exc)
                ids = ()
            self._remember_posts(key, ids)
        return dataclasses.replace(asked, post_message_ids=ids) if ids else asked

    def _remember_posts(self, key: str, ids: tuple[str, ...]) -> None:
        self._thread_posts[key] = ids
        if len(self._thread_posts) > SEEN_LIMIT:
            self._thread_posts.popitem(last=False)

    async def respond(self, asked: ThreadMessage, response: ThreadResponse) -> None:
        if response.opening is not None:
            await self.open(asked.channel, response.opening, asked.thread_id)
        if response.answer is not None:
            await self.post(asked.channel, asked.thread_id, response.answer)
