"""Who may subscribe/unsubscribe a channel or change its settings in Slack.

Rule: a workspace admin or owner (``users.info`` → ``is_admin`` / ``is_owner`` /
``is_primary_owner``) or the channel's creator (``conversations.info`` → ``creator``).
Slack has no per-channel "manage" permission like Discord's Manage Channels; these two
are the people Slack itself lets archive or rename a channel, so they are the closest
match. Any lookup failure (missing scope, unknown user) denies — never grants.
Only commands whose CommandSpec says ``manages_channel`` pay for these two API calls.
"""
from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

_log = logging.getLogger(__name__)


async def can_manage_channel(client: AsyncWebClient, user_id: str, channel_id: str) -> bool:
    try:
        user = (await client.users_info(user=user_id)).get("user") or {}
        if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
            return True
        channel = (await client.conversations_info(channel=channel_id)).get("channel") or {}
        return bool(channel.get("creator")) and channel.get("creator") == user_id
    except SlackApiError as exc:
        _log.warning("permission lookup for %s in %s failed (%s); denying", user_id, channel_id,
                     exc.response.get("error") if exc.response is not None else exc)
        return False
