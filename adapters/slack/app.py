"""The AsyncApp factory: one AsyncWebClient (base_url from config, 429s retried) and the listeners.

Socket Mode (default) needs the bot token and the app-level token; HTTP mode needs the
bot token and the signing secret, or, for several workspaces, the app's client id and secret
instead of a bot token (:mod:`adapters.slack.oauth`) (:mod:`adapters.slack.http_guard` refuses bad or stale
signatures with 401 before bolt parses anything).
Listeners: ``/papers``, reactions, ``message`` / ``app_mention`` for paper threads, clicks on
posted papers' controls (:mod:`adapters.slack.buttons`), the App Home and the settings modal
(:mod:`adapters.slack.views`; `/papers settings` alone opens the modal), and ``link_shared`` for
pasted paper links (:mod:`adapters.slack.links`).

Acknowledgements (bolt's documented ``process_before_response=True`` with lazy listeners):
``/papers`` is acknowledged by its ``ack`` listener at once and its work runs afterwards as a
lazy listener, so a slow command never makes Slack show an error; an event is acknowledged only
after its listener stored it (:mod:`adapters.slack.events`), so one the database failed is
delivered again instead of lost.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.buttons import register as register_buttons
from adapters.slack.commands import PapersCommand
from adapters.slack.events import EventGate
from adapters.slack.links import LinkUnfurls
from adapters.slack.modal import wants_modal
from adapters.slack.oauth import OAuthStores, app_options, check_oauth_config, listen_for_uninstalls
from adapters.slack.pacing import ChannelPacer
from adapters.slack.platform import SlackPlatform
from adapters.slack.reactions import ReactionListener
from adapters.slack.team_clients import TeamClients
from adapters.slack.threads import SlackThreads
from adapters.slack.views import register_views
from bot.app import PaperBot
from bot.config import SlackConfig
from bot.errors import ConfigError
from bot.log_context import log_context

COMMAND = "/papers"

_log = logging.getLogger(__name__)


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


def build_client(config: SlackConfig) -> AsyncWebClient:
    """The Web API client; without a token in OAuth mode (each workspace's comes from its installation)."""
    token = _secret(config.bot_token)
    if not token and not config.oauth:
        raise ConfigError("[slack] bot_token is missing: set the bot token (xoxb-…) or PAPERBOT_SLACK_BOT_TOKEN.")
    base_url = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    return AsyncWebClient(
        token=token or None,
        base_url=base_url,
        timeout=int(config.timeout_seconds),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=config.rate_limit_retries),
        ],
    )


def keep_alive(client: AsyncWebClient) -> aiohttp.ClientSession:
    """Give ``client`` one HTTP session for all its calls (call inside the running loop; close it at
    shutdown). Without one, slack_sdk opens a new session — a new TCP and TLS connection — for every
    Web API call, which costs each message of a digest a handshake."""
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=client.timeout))
    client.session = session
    return session


@dataclass
class SlackApp:
    """``client`` is ours (every post; one keep-alive session, :func:`keep_alive`). bolt gets a client
    of its own without that session: it deep-copies each request, its client included, for lazy
    listeners, and a live aiohttp session cannot be copied."""

    app: AsyncApp
    client: AsyncWebClient
    platform: SlackPlatform
    threads: SlackThreads
    teams: TeamClients | None = None  # several workspaces: each one's client


def build_app(config: SlackConfig, bot: PaperBot, oauth: OAuthStores | None = None) -> SlackApp:
    """``oauth``: the installation and state stores, for several workspaces (``config.oauth``)."""
    if config.oauth:
        check_oauth_config(config)
        if oauth is None:
            raise ConfigError("several Slack workspaces need paperbot's database for their installations.")
    client = build_client(config)
    teams = TeamClients(client, oauth.tokens) if config.oauth and oauth is not None else None
    http = config.mode == "http"
    secret = _secret(config.signing_secret)
    if http and not secret:
        raise ConfigError("[slack] mode = \"http\" needs [slack] signing_secret (or PAPERBOT_SLACK_SIGNING_SECRET).")
    if not http and not _secret(config.app_token):
        raise ConfigError("[slack] mode = \"socket\" needs [slack] app_token (xapp-…, scope connections:write) "
                          "or PAPERBOT_SLACK_APP_TOKEN; or set mode = \"http\" with a signing_secret.")
    app = AsyncApp(
        client=build_client(config),  # bolt's own: auth.test, apps.connections.open, per-request copies
        signing_secret=secret or None,
        # HTTP requests are verified by adapters.slack.http_guard, in front of bolt, before anything is parsed
        request_verification_enabled=False,
        process_before_response=True,
        **(app_options(config, oauth, client, teams) if oauth is not None and teams is not None else {}),
    )
    platform = SlackPlatform(client, pacer=ChannelPacer(config.channel_messages_per_second), teams=teams)
    papers = PapersCommand(bot, platform)
    gate = EventGate(bot)
    reactions = ReactionListener(bot, gate)
    threads = SlackThreads(bot, platform, gate)
    modal = register_views(app, bot, platform)
    links = LinkUnfurls(bot, platform, client, gate)

    # bolt wants real coroutine functions and injects arguments by parameter name.
    async def papers_ack(ack: Any) -> None:
        await papers.ack(ack)

    async def papers_work(command: dict[str, Any], respond: Any) -> None:
        with log_context(platform="slack", channel=str(command.get("channel_id") or "")):
            await (modal.open(command, respond) if wants_modal(command) else papers.work(command, respond))

    async def reaction(body: dict[str, Any], event: dict[str, Any], request: Any) -> BoltResponse | None:
        with log_context(platform="slack", channel=str((event.get("item") or {}).get("channel") or "")):
            return await reactions(body, event, request)

    async def thread_event(body: dict[str, Any], event: dict[str, Any], context: Any, request: Any) -> BoltResponse | None:
        with log_context(platform="slack", channel=str(event.get("channel") or "")):
            return await threads(body, event, context, request)

    async def link_shared(body: dict[str, Any], event: dict[str, Any], context: Any, request: Any) -> BoltResponse | None:
        with log_context(platform="slack", channel=str(event.get("channel") or "")):
            return await links(body, event, context, request)

    async def unexpected(error: Exception) -> BoltResponse:
        """bolt's own failures (its listeners never raise) in one line, not bolt's default traceback."""
        _log.error("slack: bolt could not handle a request: %s: %s", type(error).__name__, str(error)[:200])
        return BoltResponse(status=500, body="")

    app.error(unexpected)
    app.command(COMMAND)(ack=papers_ack, lazy=[papers_work])
    app.event("reaction_added")(reaction)
    app.event("reaction_removed")(reaction)
    # every message event (any subtype) is acked; the listener keeps people's thread replies
    app.event("message")(thread_event)
    app.event("app_mention")(thread_event)
    app.event("link_shared")(link_shared)  # arXiv / HF paper links: unfurled, recorded (adapters.slack.links)
    register_buttons(app, bot)  # 👍 👎 Save, More like this on every posted paper
    if teams is not None:
        listen_for_uninstalls(app, teams)
    return SlackApp(app=app, client=client, platform=platform, threads=threads, teams=teams)
