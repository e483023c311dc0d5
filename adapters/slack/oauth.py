"""Several workspaces through Slack's OAuth install (HTTP mode only), with slack-bolt's own flow.

One paperbot serves every workspace that installed it. bolt runs the flow (``AsyncOAuthSettings``):
``GET {install_path}`` redirects the browser to Slack's authorize page with a one-use ``state``
(also set as a cookie, so the link works only in the browser that opened it);
``GET {redirect_path}?code=…&state=…`` checks the state, trades the code for the workspace's bot
token (``oauth.v2.access``) and saves the installation. Both stores are given by the composition
root (paperbot's database: :mod:`storage.slack_installations`); this module only needs their
slack_sdk interfaces and :class:`adapters.slack.team_clients.TeamTokens`.

Incoming requests are authorized by bolt from the installation store (each event's ``team_id``
→ that workspace's token, checked once with ``auth.test`` and cached per token). Outgoing calls
(digests, thread replies, DMs, permission look-ups) go through
:class:`adapters.slack.team_clients.TeamClients`, dropped for a team when the app is uninstalled or
re-installed there. ``app_uninstalled`` and ``tokens_revoked`` delete the installation
(bolt's built-in listeners). HTTP mode only: Slack's redirect needs a public HTTP URL, and bolt
serves the OAuth flow over HTTP only (with Socket Mode it needs an HTTP server beside the WebSocket);
since that server is needed anyway, the events come over it too.

People see plain pages: what happened, and what to do next. Tokens are never logged.
"""
from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.team_clients import TeamClients, TeamTokens
from bot.config import SlackConfig
from bot.errors import ConfigError, StoreSchemaError, StoreUnavailableError, store_words

_log = logging.getLogger(__name__)

# The bot scopes an install asks for: slack/manifest.yml's oauth_config.scopes.bot (tests/slack/test_oauth.py
# checks that they agree).
BOT_SCOPES: tuple[str, ...] = (
    "commands", "chat:write", "chat:write.public", "reactions:read", "users:read", "channels:read", "groups:read",
    "channels:history", "groups:history", "app_mentions:read", "im:write", "files:write", "links:read", "links:write",
)

# what a failed install means for the person in the browser (bolt's reason → words)
FAILURES: dict[str, str] = {
    "access_denied": "The installation was cancelled in Slack. Nothing was installed.",
    "invalid_browser": "This install link was opened in another browser, or its cookie was blocked. "
                       "Open the install link again in this browser.",
    "invalid_state": "This install link has expired or was already used (each link works once, for a few minutes). "
                     "Open the install link again.",
    "missing_code": "Slack sent no authorization code. Open the install link again.",
    "invalid_code": "Slack did not accept the authorization code (it works once, for a few minutes). "
                    "Open the install link again.",
    "storage_error": "The installation could not be saved. Try again in a minute; if it keeps failing, "
                     "ask the person who runs paperbot to check its database.",
}
UNKNOWN_FAILURE = "The installation did not complete. Open the install link again."
NOT_INSTALLED = "nothing can be installed"  # what a database failure meant (bot.errors.store_words)


@dataclass(frozen=True)
class OAuthStores:
    """What the OAuth mode keeps in paperbot's database (given by the composition root)."""

    installations: AsyncInstallationStore
    tokens: TeamTokens
    states: AsyncOAuthStateStore


def check_oauth_config(config: SlackConfig) -> None:
    """Several workspaces need HTTP mode, both app credentials and no single bot token; else a ConfigError."""
    secret = config.client_secret.get_secret_value() if config.client_secret else ""
    if not config.client_id or not secret:
        missing = "[slack] client_id" if not config.client_id else "[slack] client_secret (or PAPERBOT_SLACK_CLIENT_SECRET)"
        raise ConfigError(f"several Slack workspaces (OAuth) need {missing}: copy it from the app's "
                          "Basic Information page, App Credentials.")
    if config.mode != "http":
        raise ConfigError("several Slack workspaces ([slack] client_id and client_secret) need [slack] mode = \"http\": "
                          "Slack sends the installer's browser back to a public HTTP URL (the install pages), and paperbot serves "
                          "the events on that same server.")
    if config.bot_token is not None and config.bot_token.get_secret_value():
        raise ConfigError("set either [slack] bot_token (one workspace) or [slack] client_id and client_secret "
                          "(several workspaces, each installs at [slack] install_path), not both.")


def _page(status: int, title: str, text: str, cookie: str | None = None) -> BoltResponse:
    body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>")
    headers: dict[str, str | Sequence[str]] = {"Content-Type": "text/html; charset=utf-8"}
    if cookie:
        headers["Set-Cookie"] = [cookie]
    return BoltResponse(status=status, body=body, headers=headers)


def database_page(exc: StoreUnavailableError, title: str) -> BoltResponse:
    """A page in the core's words: 503 for a passing outage, 500 for a database that needs repair."""
    return _page(500 if isinstance(exc, StoreSchemaError) else 503, title, store_words(exc, NOT_INSTALLED, name_missing=False))


def callback_pages(clients: TeamClients) -> AsyncCallbackOptions:
    """The pages after Slack's redirect: installed (and the team's cached client dropped), or what went wrong."""

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        clients.forget(installation.team_id)
        _log.info("slack: installed in team %s", installation.team_id or installation.enterprise_id)
        where = installation.team_name or "your workspace"
        return _page(200, "paperbot is installed",
                     f"paperbot is installed in {where}. In a channel, type /papers help to start.",
                     args.settings.state_utils.build_set_cookie_for_deletion())

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        _log.info("slack: an installation failed: %s", args.reason)
        return _page(args.suggested_status_code, "paperbot was not installed", FAILURES.get(args.reason, UNKNOWN_FAILURE),
                     args.settings.state_utils.build_set_cookie_for_deletion())

    return AsyncCallbackOptions(success=success, failure=failure)


def oauth_settings(config: SlackConfig, installations: AsyncInstallationStore, states: AsyncOAuthStateStore,
                   clients: TeamClients) -> AsyncOAuthSettings:
    """bolt's OAuth settings from ``[slack]``: the install page redirects straight to Slack (no page of its own)."""
    secret = config.client_secret.get_secret_value() if config.client_secret else ""
    return AsyncOAuthSettings(
        client_id=config.client_id, client_secret=secret, scopes=list(BOT_SCOPES), user_scopes=[],
        redirect_uri=config.redirect_uri or None, install_path=config.install_path,
        redirect_uri_path=config.redirect_path, install_page_rendering_enabled=False,
        callback_options=callback_pages(clients), installation_store=installations, installation_store_bot_only=True,
        state_store=states, state_expiration_seconds=config.state_expiration_seconds, logger=_log,
    )


def authorize(config: SlackConfig, installations: AsyncInstallationStore, client: AsyncWebClient) -> AsyncInstallationStoreAuthorize:
    """Incoming requests: the team's token from the store, checked with ``auth.test`` once per token (cached)."""
    return AsyncInstallationStoreAuthorize(
        logger=_log, installation_store=installations, client_id=config.client_id,
        client_secret=config.client_secret.get_secret_value() if config.client_secret else None,
        bot_only=True, cache_enabled=True, client=client,
    )


def app_options(config: SlackConfig, stores: OAuthStores, client: AsyncWebClient, clients: TeamClients) -> dict[str, Any]:
    """AsyncApp's keyword arguments for OAuth mode: the flow's settings and the cached authorize."""
    return {"oauth_settings": oauth_settings(config, stores.installations, stores.states, clients),
            "authorize": authorize(config, stores.installations, client)}


def listen_for_uninstalls(app: AsyncApp, clients: TeamClients) -> None:
    """``app_uninstalled`` / ``tokens_revoked``: bolt's listeners delete the installation; the team's client goes too."""
    uninstalled = app.default_app_uninstalled_event_listener()
    revoked = app.default_tokens_revoked_event_listener()

    async def on_uninstalled(context: Any) -> None:
        await uninstalled(context=context)
        clients.forget(context.team_id)
        _log.info("slack: uninstalled from team %s", context.team_id)

    async def on_revoked(event: dict[str, Any], context: Any) -> None:
        await revoked(event=event, context=context)
        if (event.get("tokens") or {}).get("bot"):
            clients.forget(context.team_id)
            _log.info("slack: the bot token of team %s was revoked", context.team_id)

    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_revoked)


def add_oauth_routes(web_app: web.Application, app: AsyncApp) -> None:
    """Serve bolt's install and redirect paths (GET) beside the events path."""
    flow = app.oauth_flow
    if flow is None:
        return

    def bolt_request(request: web.Request) -> AsyncBoltRequest:
        headers: dict[str, str | Sequence[str]] = {k.lower(): v for k, v in request.headers.items()
                                                   if not k.lower().startswith("x-slack-bolt-")}
        return AsyncBoltRequest(body="", query=request.query_string, headers=headers)

    async def install(request: web.Request) -> web.StreamResponse:
        try:
            response = await flow.handle_installation(bolt_request(request))
        except StoreUnavailableError as exc:  # said in one line by storage; the person gets words, not a trace
            response = database_page(exc, "paperbot cannot be installed right now")
        return await to_aiohttp_response(response)

    async def redirect(request: web.Request) -> web.StreamResponse:
        try:
            response = await flow.handle_callback(bolt_request(request))
        except StoreUnavailableError as exc:
            response = database_page(exc, "paperbot was not installed")
        return await to_aiohttp_response(response)

    web_app.router.add_get(flow.install_path, install)
    web_app.router.add_get(flow.redirect_uri_path, redirect)
