"""Slack's credentials, checked with the calls the bot makes at start (:mod:`adapters.slack.startup`):
``auth.test`` with ``slack.bot_token``; in Socket Mode ``apps.connections.open`` with
``slack.app_token``, which hands out a WebSocket URL without connecting to it. Slack's refusal codes
and the fix for each token are that module's; the client is the bot's own
(:func:`adapters.slack.app.build_client`), with a short timeout and no rate-limit retries. One try
each: the doctor says what is wrong now instead of waiting through the start's retries.
"""
from __future__ import annotations

from typing import Any

from bot.config import Config
from bot.sources.http import redact_url
from paperbot.doctor.network import DOCTOR_TIMEOUT, fix_for, from_exception
from paperbot.doctor.report import Check

NAME = "slack"
SLACK_EXTRA = "install the Slack extra: pip install -e '.[slack]' (or pip install 'paperbot[slack]')"


async def check_slack(config: Config) -> list[Check]:
    try:
        from adapters.slack.app import build_client
        from adapters.slack.errors import CALL_FAILURES, error_code, http_status
        from adapters.slack.startup import APP_TOKEN_FIX, BOT_TOKEN_FIX, REFUSED
    except ImportError as exc:
        return [Check.fail(NAME, f"slack.bot_token is set but slack-bolt is not installed (no module '{exc.name}')",
                           fix=SLACK_EXTRA)]
    cfg = config.slack
    client = build_client(cfg.model_copy(update={"timeout_seconds": DOCTOR_TIMEOUT, "rate_limit_retries": 0}))
    bot_token = cfg.bot_token.get_secret_value() if cfg.bot_token else ""
    base = redact_url(cfg.base_url)

    async def call(what: str, key: str, prefix: str, token: str, fix: str, method: Any) -> tuple[Any, Check | None]:
        """``method()`` once: its data, or the failure naming ``key`` (Slack refused it) or slack.base_url."""
        try:
            response = await method()
        except CALL_FAILURES as exc:
            code = error_code(exc)
            if code in REFUSED:
                wrong = "" if token.startswith(prefix) else f"the configured value does not start with {prefix}"
                return None, Check.fail(NAME, f"{key} is not valid: Slack answered {code} to {what}",
                                        cause=wrong, fix=fix)
            failure = from_exception(exc) if not (code or http_status(exc)) else None
            words = failure.words if failure else (code or f"HTTP {http_status(exc)}")
            return None, Check.fail(
                NAME, f"slack.base_url ({base}) could not be used for {what}: {words}",
                fix=fix_for(failure, key="slack.base_url", url=base, what="Slack's Web API") if failure
                else f"Slack answered {what} with {words}: try again in a few minutes; if it lasts, check slack.base_url "
                     "(the default is https://slack.com/api/)",
            )
        data = getattr(response, "data", None)
        return (data if isinstance(data, dict) else {}), None

    checks: list[Check] = []
    data, failed = await call("auth.test", "slack.bot_token", "xoxb-", bot_token, BOT_TOKEN_FIX, client.auth_test)
    if failed is not None:
        checks.append(failed)
    else:
        checks.append(Check.ok(NAME, f"slack.bot_token accepted: the bot is {data.get('user', '?')} in the workspace "
                                     f"{data.get('team', '?')}"))
    if failed is not None and failed.summary.startswith("slack.base_url"):
        # the app-level token goes to the same address: it would only say the same
        return [*checks, Check.skip(NAME, "slack.app_token not checked: Slack could not be reached")] if cfg.mode == "socket" \
            else checks
    if cfg.mode == "socket":
        app_token = cfg.app_token.get_secret_value() if cfg.app_token else ""
        if not app_token:
            checks.append(Check.fail(NAME, "slack.app_token is not set: Socket Mode (slack.mode = \"socket\", the default) "
                                           "needs it", fix=APP_TOKEN_FIX))
        else:
            _, failed = await call("apps.connections.open", "slack.app_token", "xapp-", app_token, APP_TOKEN_FIX,
                                   lambda: client.apps_connections_open(app_token=app_token))
            checks.append(failed or Check.ok(NAME, "slack.app_token accepted: Socket Mode can connect"))
    elif cfg.signing_secret is None or not cfg.signing_secret.get_secret_value():
        checks.append(Check.fail(NAME, "slack.signing_secret is not set: HTTP mode (slack.mode = \"http\") needs it",
                                 fix="copy the Signing Secret from https://api.slack.com/apps → your app → Basic "
                                     "Information into slack.signing_secret or PAPERBOT_SLACK_SIGNING_SECRET"))
    else:
        checks.append(Check.ok(NAME, f"HTTP mode: slack.signing_secret is set; Slack must reach "
                                     f"http://{cfg.http_host}:{cfg.http_port}{cfg.http_path} (not checked from here)"))
    return checks


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
