"""``reaction_added`` / ``reaction_removed`` → ``PaperBot.on_reaction``, acknowledged once stored.

Slack names the emoji ("+1", "heart::skin-tone-2"); it is mapped to Unicode so the
signal matches other platforms. The envelope's ``event_id`` travels with the event: the
core drops an id it has seen (Slack re-delivers on slow acks and retries), so a retry
never counts twice. Reactions on anything but the bot's recorded posts are ignored by the core.
The event is acknowledged only once the core stored it (:class:`adapters.slack.events.EventGate`):
a database failure leaves it unacknowledged, and Slack delivers it again.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.response import BoltResponse

from adapters.slack.emoji import emoji_from_slack
from adapters.slack.events import EventGate, Keep, retry_number
from bot.app import PaperBot
from bot.domain import ChannelRef, ReactionEvent
from bot.usecases.kept_kinds import kept_reaction

_log = logging.getLogger(__name__)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def reaction_event(body: dict[str, Any], event: dict[str, Any]) -> ReactionEvent | None:
    raw_item = event.get("item")
    item: dict[str, Any] = raw_item if isinstance(raw_item, dict) else {}
    channel, ts, user = _text(item.get("channel")), _text(item.get("ts")), _text(event.get("user"))
    if item.get("type") != "message" or not channel or not ts or not user:
        return None
    team = _text(body.get("team_id")) or _text(event.get("team"))
    at = None
    if event.get("event_ts"):
        try:
            at = datetime.fromtimestamp(float(event["event_ts"]), tz=UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            at = None
    return ReactionEvent(
        channel=ChannelRef("slack", team, channel),
        message_id=ts,
        user_id=user,
        emoji=emoji_from_slack(_text(event.get("reaction"))),
        added=event.get("type") == "reaction_added",
        at=at,
        event_id=_text(body.get("event_id")) or None,
    )


class ReactionListener:
    """The bolt listener for both reaction events (run before bolt acknowledges them)."""

    def __init__(self, bot: PaperBot, gate: EventGate | None = None) -> None:
        self.bot = bot
        self.gate = gate or EventGate(bot)

    async def __call__(self, body: dict[str, Any], event: dict[str, Any], request: Any = None) -> BoltResponse | None:
        reaction = reaction_event(body, event)
        if reaction is None:
            return None
        key = reaction.event_id or f"{reaction.channel.key}/{reaction.message_id}/{reaction.user_id}/{reaction.emoji}/{reaction.added}"

        async def store() -> object:
            return await self.bot.on_reaction(reaction)

        what = f"reaction event {key}"
        return await self.gate.handle(key, what, store, retry=retry_number(request),
                                      keep=Keep(kept_reaction(reaction, what)))
