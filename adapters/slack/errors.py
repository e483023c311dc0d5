"""What a failed Slack Web API call means, as the DeliveryError that tells the core what to do next.

Slack refuses a call with ``{"ok": false, "error": "<code>"}``. The code says whose fault it is:

- the channel, or the bot's access to it (:data:`UNAVAILABLE`: ``channel_not_found``,
  ``not_in_channel``, ``is_archived``, a revoked token …) → ChannelUnavailableError: the
  subscription is paused until someone fixes it, its reason in people's words by kind
  (:data:`KINDS`, :mod:`bot.scheduling.unreachable`), the code in the log only;
- the message as we rendered it (:data:`REJECTED`: ``invalid_blocks``, ``msg_too_long``,
  ``invalid_arguments``, ``too_many_attachments`` …) → RejectedMessageError: that delivery fails,
  the channel is fine and is not paused;
- ``ratelimited`` (after the client's own 429 retries) → RateLimitedError;
- anything else — 5xx, timeouts, connection errors, an answer that is not the Web API's JSON
  (a proxy's error page), and any code not listed here — → TransientDeliveryError: retried.
  An unknown code is never taken for a lost channel: pausing a subscription on a guess would
  silence a channel until someone notices.

slack_sdk does not always raise SlackApiError: for a ``text/plain`` answer it raises
AttributeError or ValueError while reading it, and for broken JSON its SlackApiError carries the
raw aiohttp response instead of a SlackResponse. :data:`CALL_FAILURES` and :func:`error_code`
cover all of them, so no caller's ``except`` raises in turn.
"""
from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.errors import (
    DeliveryError,
    RateLimitedError,
    RejectedMessageError,
    TransientDeliveryError,
)
from bot.metrics import metrics, platform_error_kind
from bot.scheduling.unreachable import Unreachable, unreachable

# what a Web API call can raise when Slack (or something in between) did not do it
CALL_FAILURES: tuple[type[BaseException], ...] = (
    SlackApiError, aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError, AttributeError,
)

UNAVAILABLE = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "account_inactive",
    "missing_scope", "invalid_auth", "not_authed", "token_revoked", "token_expired", "team_access_not_granted",
    "no_permission", "access_denied", "ekm_access_denied", "restricted_action", "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel", "restricted_action_non_threadable_channel", "is_inactive",
    "team_not_found", "user_not_found", "user_disabled", "cannot_dm_bot", "not_allowed_token_type",
})

REJECTED = frozenset({
    "invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long", "no_text",
    "too_many_attachments", "invalid_attachments", "invalid_arguments", "invalid_arg_name", "invalid_array_arg",
    "invalid_charset", "invalid_form_data", "invalid_post_type", "missing_post_type", "invalid_json",
    "json_not_object", "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large",
    "metadata_must_be_sent_from_app", "markdown_text_conflict", "as_user_not_supported", "invalid_thread_ts",
    "cannot_reply_to_message", "duplicate_message_not_found",
})

RATE_LIMITED = frozenset({"ratelimited", "rate_limited"})

# the token itself refused (counted as "auth" in the platform-errors metric; still UNAVAILABLE above)
AUTH = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"})

# what each unavailable code means for the people who read the pause reason (the code itself is logged)
KINDS: dict[str, Unreachable] = {
    "not_in_channel": Unreachable.NOT_IN_CHANNEL,
    **dict.fromkeys(("channel_not_found", "is_archived", "channel_is_archived", "is_inactive"), Unreachable.CHANNEL_GONE),
    **dict.fromkeys(("missing_scope", "no_permission", "access_denied", "ekm_access_denied", "restricted_action",
                     "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
                     "restricted_action_non_threadable_channel", "not_allowed_token_type"), Unreachable.NO_PERMISSION),
    **dict.fromkeys(("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
                     "team_access_not_granted", "team_not_found"), Unreachable.APP_REMOVED),
    **dict.fromkeys(("user_not_found", "user_disabled", "cannot_dm_bot"), Unreachable.DMS_CLOSED),
}


def _response(exc: BaseException) -> Any:
    return getattr(exc, "response", None)


def error_code(exc: BaseException) -> str:
    """Slack's error code in a failed call, or "" when the answer had none (not JSON, not Slack)."""
    data = getattr(_response(exc), "data", None)
    code = data.get("error") if isinstance(data, dict) else None
    return code[:100] if isinstance(code, str) else ""


def http_status(exc: BaseException) -> int:
    response = _response(exc)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return status if isinstance(status, int) else 0


def _retry_after(exc: BaseException) -> float:
    headers = getattr(_response(exc), "headers", None) or {}
    try:
        items = list(headers.items())
    except AttributeError:
        items = []
    raw: Any = next((v for k, v in items if str(k).lower() == "retry-after"), "1")
    raw = raw[0] if isinstance(raw, list) and raw else raw
    try:
        return max(0.0, min(float(raw), 3600.0))
    except (TypeError, ValueError):
        return 1.0


def describe(exc: BaseException) -> str:
    """The failure in a few words for a log line: Slack's code, else the HTTP status, else the kind."""
    code, status = error_code(exc), http_status(exc)
    if code:
        return code
    if status:
        return f"HTTP {status}" + ("" if isinstance(getattr(_response(exc), "data", None), dict) else ", not the Web API's JSON")
    if isinstance(exc, (ValueError, AttributeError)):
        return "an answer that is not the Web API's JSON"
    return type(exc).__name__


def delivery_error(exc: BaseException, what: str) -> DeliveryError:
    """Turn a failed Web API call into the DeliveryError that says what to do next (counted in the
    platform-errors metric by kind)."""
    error = _classify(exc, what)
    metrics().platform_error("slack", platform_error_kind(error, auth=error_code(exc) in AUTH))
    return error


def _classify(exc: BaseException, what: str) -> DeliveryError:
    code, status = error_code(exc), http_status(exc)
    if status == 429 or code in RATE_LIMITED:
        retry_after = _retry_after(exc)
        return RateLimitedError(f"Slack rate-limited {what}; retry in {retry_after:g} s.", retry_after)
    if code in UNAVAILABLE:
        return unreachable(KINDS.get(code, Unreachable.OTHER), f"Slack refused {what}: {code}")
    if code in REJECTED:
        return RejectedMessageError(f"Slack refused the message {what}: {code}.")
    if isinstance(exc, SlackApiError) or status:
        return TransientDeliveryError(f"Slack failed {what} ({describe(exc)}).")
    return TransientDeliveryError(f"Slack could not be reached for {what}: {describe(exc)}.")
