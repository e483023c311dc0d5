"""At start, check the tokens Slack will be used with, and say which key is wrong and how to fix it.

Without this, a wrong token showed nowhere: in Socket Mode slack_sdk retried
``apps.connections.open`` forever, a traceback a time, naming neither key; in HTTP mode nothing
checked the bot token until a slash command came, and then every command went unanswered. So
before listening, the bot token is checked with ``auth.test`` (both modes) and, in Socket Mode,
the app-level token with ``apps.connections.open`` (whose URL is then used to connect):

- Slack refuses the token (``invalid_auth``, ``not_authed``, ``token_revoked``, a token of the
  wrong type …) → :class:`bot.errors.ConfigError` naming the key (``slack.bot_token`` /
  ``slack.app_token``), the prefix it must have (``xoxb-`` / ``xapp-``) and the page of
  api.slack.com to copy it from, like Discord's ``discord.token``;
- Slack does not answer (5xx, a proxy's page, connection refused, a timeout) → tried again after
  each of :data:`START_DELAYS`, then :class:`SlackUnreachableError`, in one line.

``paperbot`` prints either as one line and stops; neither is ever a traceback or a silent loop.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import CALL_FAILURES, describe, error_code
from bot.errors import ConfigError, PaperbotError

_log = logging.getLogger(__name__)

START_DELAYS: tuple[float, ...] = (1.0, 2.0, 4.0)  # 4 tries over about 7 s
REFUSED = frozenset({
    "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type",
    "invalid_token", "no_permission", "team_access_not_granted", "missing_scope", "ekm_access_denied",
})
APPS_PAGE = "https://api.slack.com/apps"
BOT_TOKEN_FIX = (f"copy the Bot User OAuth Token (it starts with xoxb-) from {APPS_PAGE} → your app → "
                 "OAuth & Permissions (install the app to the workspace first) into [slack] bot_token "
                 "or PAPERBOT_SLACK_BOT_TOKEN")
APP_TOKEN_FIX = (f"create an app-level token with the connections:write scope (it starts with xapp-) at {APPS_PAGE} → "
                 "your app → Basic Information → App-Level Tokens, turn on Settings → Socket Mode, and put the token "
                 "in [slack] app_token or PAPERBOT_SLACK_APP_TOKEN (or use mode = \"http\" with a signing_secret)")


class SlackUnreachableError(PaperbotError):
    """Slack did not answer at start, after a few tries: the network, a proxy, or Slack itself."""


Sleep = Callable[[float], Awaitable[None]]


def _prefix_hint(token: str, prefix: str) -> str:
    return "" if token.startswith(prefix) else f" (the configured value does not start with {prefix})"


async def _call(what: str, call: Callable[[], Awaitable[Any]], refused: Callable[[str], ConfigError], *,
                delays: Sequence[float], sleep: Sleep, base_url: str) -> Any:
    """``call()`` until Slack answers it: its answer, ``refused(code)`` when Slack refuses the token,
    SlackUnreachableError when Slack never answers."""
    tries = len(delays) + 1
    for attempt in range(tries):
        try:
            return await call()
        except CALL_FAILURES as exc:
            code = error_code(exc)
            if code in REFUSED:
                raise refused(code) from None
            if attempt == tries - 1:
                raise SlackUnreachableError(
                    f"Slack did not answer {what} at start ({describe(exc)}), {tries} tries over "
                    f"{sum(delays):g} s: check the network and [slack] base_url ({base_url}), then start again."
                ) from None
            _log.warning("slack: %s failed at start (%s); trying again in %g s", what, describe(exc), delays[attempt])
            await sleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


async def check_bot_token(client: AsyncWebClient, *, delays: Sequence[float] = START_DELAYS,
                          sleep: Sleep = asyncio.sleep) -> dict[str, Any]:
    """``auth.test`` with the bot token: who the bot is (user_id, team), or a ConfigError naming slack.bot_token."""
    token = client.token or ""

    def refused(code: str) -> ConfigError:
        return ConfigError(f"Slack refused [slack] bot_token ({code}){_prefix_hint(token, 'xoxb-')}: {BOT_TOKEN_FIX}.")

    response = await _call("auth.test", client.auth_test, refused, delays=delays, sleep=sleep, base_url=client.base_url)
    data = getattr(response, "data", None)
    return data if isinstance(data, dict) else {}


async def check_app_token(client: AsyncWebClient, app_token: str, *, delays: Sequence[float] = START_DELAYS,
                          sleep: Sleep = asyncio.sleep) -> str | None:
    """``apps.connections.open`` with the app-level token: a Socket Mode URL to connect to (None if Slack
    gave none), or a ConfigError naming slack.app_token."""

    def refused(code: str) -> ConfigError:
        return ConfigError(f"Slack refused [slack] app_token ({code}){_prefix_hint(app_token, 'xapp-')}: {APP_TOKEN_FIX}.")

    async def open_connection() -> Any:
        return await client.apps_connections_open(app_token=app_token)

    response = await _call("apps.connections.open", open_connection, refused, delays=delays, sleep=sleep,
                           base_url=client.base_url)
    data = getattr(response, "data", None)
    url = data.get("url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url.startswith(("wss://", "ws://")) else None
