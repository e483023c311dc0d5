"""Who may subscribe/unsubscribe a channel or change its settings in Slack.

Rule: a workspace admin or owner (``users.info`` → ``is_admin`` / ``is_owner`` /
``is_primary_owner``) or the channel's creator (``conversations.info`` → ``creator``).
Slack has no per-channel "manage" permission like Discord's Manage Channels; these two
are the people Slack itself lets archive or rename a channel, so they are the closest
match. Any lookup failure denies — never grants — and is logged in one line: a missing scope, an
unknown user, Slack down, or an answer that is not the Web API's JSON (a proxy's 405 or 502 page,
for which slack_sdk raises AttributeError or a SlackApiError without a parsed body).
Only commands whose CommandSpec says ``manages_channel`` pay for these two API calls.
"""
from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import CALL_FAILURES, describe

_log = logging.getLogger(__name__)


def _field(response: Any, key: str) -> dict[str, Any]:
    """``response[key]`` when the answer is the Web API's JSON object, else {} (which grants nothing)."""
    data = getattr(response, "data", None)
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


async def can_manage_channel(client: AsyncWebClient, user_id: str, channel_id: str) -> bool:
    try:
        user = _field(await client.users_info(user=user_id), "user")
        if user.get("is_admin") is True or user.get("is_owner") is True or user.get("is_primary_owner") is True:
            return True
        channel = _field(await client.conversations_info(channel=channel_id), "channel")
        creator = channel.get("creator")
        return isinstance(creator, str) and bool(creator) and creator == user_id
    except CALL_FAILURES as exc:
        _log.warning("permission lookup for %s in %s failed (%s); denying", user_id, channel_id, describe(exc))
        return False
