"""Slack's credentials, checked with the calls the bot makes at start (:mod:`adapters.slack.startup`):
``auth.test`` with ``slack.bot_token``; in Socket Mode ``apps.connections.open`` with
``slack.app_token``, which hands out a WebSocket URL without connecting to it. Slack's refusal codes
and the fix for each token are that module's; the client is the bot's own
(:func:`adapters.slack.app.build_client`), with a short timeout and no rate-limit retries. One try
each: the doctor says what is wrong now instead of waiting through the start's retries.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Config
from bot.sources.http import redact_url
from paperbot.doctor.network import DOCTOR_TIMEOUT, fix_for, from_exception
from paperbot.doctor.report import Check

NAME = "slack"
DEFAULT_BASE_URL = "https://slack.com/api/"
SLACK_EXTRA = "install the Slack extra: pip install -e '.[slack]' in the paperbot checkout"


@dataclass(frozen=True)
class _Answer:
    """One Web API call's outcome: Slack's data, or the failure (``unreachable``: Slack did not answer it)."""

    data: dict[str, Any] = field(default_factory=dict)
    failed: Check | None = None
    unreachable: bool = False


async def check_slack(config: Config) -> list[Check]:
    try:
        from adapters.slack.app import build_client
        from adapters.slack.startup import APP_TOKEN_FIX, BOT_TOKEN_FIX
    except ImportError as exc:
        return [Check.fail(NAME, f"[slack] bot_token is set but slack-bolt is not installed (no module '{exc.name}')",
                           fix=SLACK_EXTRA)]
    cfg = config.slack
    if cfg.oauth:
        return [_oauth(config), _signing_secret(config)]
    client = build_client(cfg.model_copy(update={"timeout_seconds": DOCTOR_TIMEOUT, "rate_limit_retries": 0}))
    base = redact_url(cfg.base_url)
    bot_token = cfg.bot_token.get_secret_value() if cfg.bot_token else ""
    bot = await _call(client.auth_test, "auth.test", key="[slack] bot_token", prefix="xoxb-", token=bot_token,
                      fix=BOT_TOKEN_FIX, base=base)
    checks = [bot.failed or Check.ok(NAME, f"[slack] bot_token accepted: the bot is {bot.data.get('user', '?')} in the "
                                           f"workspace {bot.data.get('team', '?')}")]
    if cfg.mode == "http":
        return [*checks, _signing_secret(config)]
    if bot.unreachable:  # the app-level token goes to the same address: it would only say the same
        return [*checks, Check.skip(NAME, "[slack] app_token not checked: Slack could not be reached")]
    app_token = cfg.app_token.get_secret_value() if cfg.app_token else ""
    if not app_token:
        return [*checks, Check.fail(NAME, "[slack] app_token is not set: Socket Mode ([slack] mode = \"socket\", the default) "
                                          "needs it", fix=APP_TOKEN_FIX)]
    app = await _call(lambda: client.apps_connections_open(app_token=app_token), "apps.connections.open",
                      key="[slack] app_token", prefix="xapp-", token=app_token, fix=APP_TOKEN_FIX, base=base)
    return [*checks, app.failed or Check.ok(NAME, "[slack] app_token accepted: Socket Mode can connect")]


async def _call(method: Callable[[], Awaitable[Any]], what: str, *, key: str, prefix: str, token: str, fix: str,
                base: str) -> _Answer:
    """``method()`` once: Slack's data, or the failure naming ``key`` (Slack refused the token) or
    slack.base_url (Slack did not answer, or not as the Web API)."""
    from adapters.slack.errors import CALL_FAILURES, error_code, http_status
    from adapters.slack.startup import REFUSED

    try:
        response = await method()
    except CALL_FAILURES as exc:
        code, status = error_code(exc), http_status(exc)
        if code in REFUSED:
            wrong = "" if token.startswith(prefix) else f"the configured value does not start with {prefix}"
            return _Answer(failed=Check.fail(NAME, f"{key} is not valid: Slack answered {code} to {what}", cause=wrong, fix=fix))
        if code or status:
            words = code or f"HTTP {status}"
            return _Answer(failed=Check.fail(
                NAME, f"[slack] base_url ({base}) could not be used for {what}: Slack answered {words}",
                fix=f"try again in a few minutes; if it lasts, check [slack] base_url (the default is {DEFAULT_BASE_URL})"))
        failure = from_exception(exc)
        return _Answer(unreachable=True, failed=Check.fail(
            NAME, f"[slack] base_url ({base}) could not be used for {what}: {failure.words}",
            fix=fix_for(failure, key="[slack] base_url", url=base, what="Slack's Web API")))
    data = getattr(response, "data", None)
    return _Answer(data=data if isinstance(data, dict) else {})


def _oauth(config: Config) -> Check:
    """Several workspaces: the app's credentials and HTTP mode (no single token to test: each workspace's
    is checked by bolt on its first request)."""
    from adapters.slack.oauth import check_oauth_config
    from bot.errors import ConfigError

    cfg = config.slack
    try:
        check_oauth_config(cfg)
    except ConfigError as exc:
        return Check.fail(NAME, str(exc))
    return Check.ok(NAME, f"several workspaces (OAuth): [slack] client_id and client_secret are set; each workspace "
                          f"installs at {cfg.install_path} (Slack checks the client secret at the first install)")


def _signing_secret(config: Config) -> Check:
    """HTTP mode: Slack signs its requests with the signing secret; it must be set (it cannot be tested from here)."""
    cfg = config.slack
    if cfg.signing_secret is None or not cfg.signing_secret.get_secret_value():
        return Check.fail(NAME, "[slack] signing_secret is not set: HTTP mode ([slack] mode = \"http\") needs it",
                          fix="copy the Signing Secret from https://api.slack.com/apps → your app → Basic "
                              "Information into [slack] signing_secret or PAPERBOT_SLACK_SIGNING_SECRET")
    return Check.ok(NAME, f"HTTP mode: [slack] signing_secret is set; Slack must reach "
                          f"http://{cfg.http_host}:{cfg.http_port}{cfg.http_path} (not checked from here)")
