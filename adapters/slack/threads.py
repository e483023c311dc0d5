"""Members' messages in paper threads on Slack → the core, which records, opens and answers.

A Slack thread is the replies under one top-level message, named by that message's ``ts``
(``thread_ts``): a digest's papers share its thread. Members' messages come as ``message`` events
(``message.channels`` / ``message.groups``) and, when they mention the bot, also as
``app_mention`` — two deliveries (two event ids) of one message. Both are handled by one listener
keyed by the message itself (channel + ``ts``), which is what ``ThreadMessage.event_id`` carries:
a retry or the second delivery is the same key, so the core counts it once and this process never
answers it twice (:class:`adapters.slack.events.EventGate` joins a delivery to one of the same
message still being handled). Only people's replies inside a thread count: bot messages
(``bot_id``), edits and other subtypes, the bot's own messages and top-level messages are ignored.
The event is acknowledged only once the core recorded it: a database failure leaves it
unacknowledged, and Slack delivers it again.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.response import BoltResponse

from adapters.slack.events import EventGate, Keep, retry_number
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.discussion.threads import ThreadMessage
from bot.domain import ChannelRef
from bot.usecases.kept_kinds import kept_thread_message

_log = logging.getLogger(__name__)

HUMAN_SUBTYPES = (None, "thread_broadcast")  # a reply also sent to the channel is still a person's reply


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def mention_re(bot_user_id: str) -> re.Pattern[str]:
    return re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>")


def thread_message(body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None) -> ThreadMessage | None:
    """A person's reply inside a thread, from a ``message`` or ``app_mention`` event; else None."""
    if event.get("bot_id") or event.get("subtype") not in HUMAN_SUBTYPES:
        return None
    user, channel, ts, thread_ts = (_text(event.get(k)) for k in ("user", "channel", "ts", "thread_ts"))
    if not user or not channel or not ts or user == bot_user_id:
        return None
    if not thread_ts or thread_ts == ts:
        return None  # a top-level message (or a thread's parent), not a reply in a thread
    text = _text(event.get("text"))
    mentions = False
    if bot_user_id:
        pattern = mention_re(bot_user_id)
        mentions = bool(pattern.search(text)) or event.get("type") == "app_mention"
        text = pattern.sub(" ", text)
    team = _text(body.get("team_id")) or _text(event.get("team"))
    return ThreadMessage(
        channel=ChannelRef("slack", team, channel), thread_id=str(thread_ts), user_id=user,
        text=re.sub(r"\s+", " ", text).strip(), mentions_bot=mentions,
        event_id=f"{channel}/{ts}", root_message_id=str(thread_ts), message_id=str(ts), in_thread=True,
    )


class SlackThreads:
    """The bolt listener for ``message`` and ``app_mention`` of one workspace (run before bolt
    acknowledges them)."""

    def __init__(self, bot: PaperBot, platform: SlackPlatform, gate: EventGate | None = None) -> None:
        self.bot = bot
        self.platform = platform
        self.gate = gate or EventGate(bot)

    async def __call__(self, body: dict[str, Any], event: dict[str, Any], context: Any = None,
                       request: Any = None) -> BoltResponse | None:
        """None: acknowledge; a 503 BoltResponse: the database failed it, leave it for Slack to redeliver."""
        bot_user_id = context.get("bot_user_id") if isinstance(context, dict) else None
        asked = thread_message(body, event, bot_user_id)
        if asked is None:
            return None
        key = asked.event_id or ""

        async def record() -> object:
            return await self.bot.on_thread_message(asked, self.platform)

        what = f"thread message {key}"
        return await self.gate.handle(key, what, record, retry=retry_number(request),
                                      keep=Keep(kept_thread_message(asked, what), self.platform))
