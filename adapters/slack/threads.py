"""Members' messages in paper threads on Slack → the core, which records, opens and answers.

A Slack thread is the replies under one top-level message, named by that message's ``ts``
(``thread_ts``): a digest's papers share its thread. Members' messages come as ``message`` events
(``message.channels`` / ``message.groups``) and, when they mention the bot, also as
``app_mention`` — two deliveries (two event ids) of one message. Both are handled by one listener
keyed by the message itself (channel + ``ts``), which is what ``ThreadMessage.event_id`` carries:
a retry or the second delivery is the same key, so the core counts it once and this process never
answers it twice. Only people's replies inside a thread count: bot messages (``bot_id``), edits
and other subtypes, the bot's own messages and top-level messages are ignored.
"""
from __future__ import annotations

import logging
import re
from collections import OrderedDict
from typing import Any

from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.discussion.threads import ThreadMessage
from bot.domain import ChannelRef

_log = logging.getLogger(__name__)

HUMAN_SUBTYPES = (None, "thread_broadcast")  # a reply also sent to the channel is still a person's reply
SEEN_LIMIT = 2000


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
        event_id=f"{channel}/{ts}", root_message_id=str(thread_ts), message_id=str(ts), in_thread=True,
    )


class SlackThreads:
    """The bolt listener for ``message`` and ``app_mention`` of one workspace."""

    def __init__(self, bot: PaperBot, platform: SlackPlatform) -> None:
        self.bot = bot
        self.platform = platform
        self._seen: OrderedDict[str, None] = OrderedDict()

    def _first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    async def __call__(self, body: dict[str, Any], event: dict[str, Any], context: Any = None) -> None:
        """Bolt acks before calling it. Never raises."""
        bot_user_id = context.get("bot_user_id") if isinstance(context, dict) else None
        asked = thread_message(body, event, bot_user_id)
        if asked is None or not self._first_time(asked.event_id or ""):
            return
        try:
            await self.bot.on_thread_message(asked, self.platform)
        except Exception:  # noqa: BLE001 - logged; Slack would only re-deliver it
            _log.exception("thread message %s could not be handled", asked.event_id)
