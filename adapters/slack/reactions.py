"""``reaction_added`` / ``reaction_removed`` → ``PaperBot.on_reaction``.

Slack names the emoji ("+1", "heart::skin-tone-2"); it is mapped to Unicode so the
signal matches other platforms. The envelope's ``event_id`` travels with the event: the
core drops an id it has seen (Slack re-delivers on slow acks and retries), so a retry
never counts twice. Reactions on anything but the bot's recorded posts are ignored by the core.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from adapters.slack.emoji import emoji_from_slack
from bot.app import PaperBot
from bot.domain import ChannelRef, ReactionEvent

_log = logging.getLogger(__name__)


def reaction_event(body: dict[str, Any], event: dict[str, Any]) -> ReactionEvent | None:
    item = event.get("item") or {}
    if item.get("type") != "message" or not item.get("channel") or not item.get("ts") or not event.get("user"):
        return None
    team = body.get("team_id") or event.get("team") or ""
    at = None
    if event.get("event_ts"):
        try:
            at = datetime.fromtimestamp(float(event["event_ts"]), tz=UTC)
        except (TypeError, ValueError):
            at = None
    return ReactionEvent(
        channel=ChannelRef("slack", team, item["channel"]),
        message_id=str(item["ts"]),
        user_id=event["user"],
        emoji=emoji_from_slack(event.get("reaction") or ""),
        added=event.get("type") == "reaction_added",
        at=at,
        event_id=body.get("event_id"),
    )


class ReactionListener:
    """The bolt listener for both reaction events (bolt acks events before calling it)."""

    def __init__(self, bot: PaperBot) -> None:
        self.bot = bot

    async def __call__(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        reaction = reaction_event(body, event)
        if reaction is None:
            return
        await self.bot.on_reaction(reaction)
