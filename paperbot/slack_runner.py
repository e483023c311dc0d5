"""Start Slack from config and a PaperBot: Socket Mode (default) or HTTP mode.

``SlackRunner`` is what `paperbot run` starts (through ``platforms.starters``) and what
the tests drive against a local fake Slack, so both run the same wiring.

At start the tokens are checked (:mod:`adapters.slack.startup`): a token Slack refuses stops the
bot with a ConfigError naming the key, Slack not answering stops it after a few tries, each in
one line. Socket Mode then connects within :data:`CONNECT_TIMEOUT`; slack_sdk's Socket Mode
client logs through a logger that keeps its messages to one line (it would log a traceback for
every reconnection attempt). HTTP mode serves bolt behind :mod:`adapters.slack.http_guard`.

Several workspaces (``slack.client_id`` + ``client_secret``, HTTP mode): the installations and OAuth
states live in paperbot's own database (``database_url``; :mod:`storage.slack_installations`), the
install and redirect paths are served beside the events path, and there is no single bot token to
check at start (each workspace's is checked by bolt on its first event).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiohttp import ClientSession, web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack.app import SlackApp, build_app, keep_alive
from adapters.slack.http_guard import guarded_web_app
from adapters.slack.oauth import OAuthStores, add_oauth_routes
from adapters.slack.platform import SlackPlatform
from adapters.slack.startup import START_DELAYS, SlackUnreachableError, check_app_token, check_bot_token
from bot.app import PaperBot
from bot.config import SlackConfig
from bot.errors import ConfigError
from bot.plural import counted
from storage.slack_installations import SqlInstallationStore, open_slack_stores

_log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 30.0  # seconds for the Socket Mode WebSocket to open once Slack gave its URL
SOCKET_LOGGER = "paperbot.slack.socket_mode"


class OneLine(logging.Filter):
    """Keep a library's log records to one short line: no traceback, no multi-line message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__})" if error is not None else record.getMessage()
            record.args = None
            record.exc_info = None
            record.exc_text = None
        message = record.getMessage()
        if "\n" in message or len(message) > 300:
            record.msg, record.args = " ".join(message.split())[:300], None
        return True


def socket_mode_logger() -> logging.Logger:
    logger = logging.getLogger(SOCKET_LOGGER)
    if not any(isinstance(f, OneLine) for f in logger.filters):
        logger.addFilter(OneLine())
    return logger


class SlackRunner:
    def __init__(self, config: SlackConfig, bot: PaperBot, *, start_delays: Sequence[float] = START_DELAYS,
                 connect_timeout: float = CONNECT_TIMEOUT, database_url: str | None = None) -> None:
        """``start_delays``: the waits between tries when Slack does not answer at start;
        ``database_url``: paperbot's (migrated) database, where several workspaces' installations live."""
        self.config = config
        self._bot = bot
        self._installations: SqlInstallationStore | None = None
        oauth = None
        if config.oauth:
            if not database_url:
                raise ConfigError("several Slack workspaces need paperbot's database for their installations.")
            self._installations, states = open_slack_stores(database_url, client_id=config.client_id,
                                                            state_expiration_seconds=config.state_expiration_seconds)
            oauth = OAuthStores(self._installations, self._installations, states)
        self.slack: SlackApp = build_app(config, bot, oauth)
        self._start_delays = tuple(start_delays)
        self._connect_timeout = connect_timeout
        self._socket: AsyncSocketModeHandler | None = None
        self._web: web.AppRunner | None = None
        self._http: ClientSession | None = None

    @property
    def platform(self) -> SlackPlatform:
        """The ChatPlatform for scheduled posts."""
        return self.slack.platform

    async def start(self) -> None:
        """Check the tokens, then connect (Socket Mode) or start listening (HTTP mode), then return.
        Raises ConfigError (a token Slack refuses) or SlackUnreachableError, with nothing left open."""
        self._http = keep_alive(self.slack.client)
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        client = self.slack.client
        if not self.config.oauth:
            await check_bot_token(client, delays=self._start_delays)
        if self.config.mode == "socket":
            token = self.config.app_token.get_secret_value() if self.config.app_token else ""
            url = await check_app_token(client, token, delays=self._start_delays)
            self._socket = AsyncSocketModeHandler(self.slack.app, app_token=token, logger=socket_mode_logger())
            self._socket.client.wss_uri = url  # the URL the check was given: connect with it
            try:
                await asyncio.wait_for(self._socket.connect_async(), self._connect_timeout)  # type: ignore[no-untyped-call]
            except TimeoutError:
                raise SlackUnreachableError(
                    f"slack: the Socket Mode connection did not open within {self._connect_timeout:g} s: "
                    "check that WebSocket connections to Slack are allowed (proxy, firewall), then start again."
                ) from None
            _log.info("slack: connected in Socket Mode")
        else:
            secret = self.config.signing_secret.get_secret_value() if self.config.signing_secret else ""
            app = guarded_web_app(self.slack.app, path=self.config.http_path, signing_secret=secret)
            add_oauth_routes(app, self.slack.app)  # several workspaces: the install and redirect paths
            self._web = web.AppRunner(app, access_log=None)  # a refused request is one line, the guard's
            await self._web.setup()
            await web.TCPSite(self._web, self.config.http_host, self.config.http_port).start()
            _log.info("slack: listening on http://%s:%d%s", self.config.http_host, self.config.http_port, self.config.http_path)
            if self._installations is not None:
                teams = await self._installations.teams()
                _log.info("slack: installed in %s; new ones install at %s", counted(len(teams), "workspace"), self.config.install_path)
        self._bot.retry.serve("slack", self.platform)  # events a previous run kept for Slack are applied now

    async def connected(self) -> bool:
        """Socket Mode: the WebSocket is open and answering pings; HTTP mode: listening (``/readyz``)."""
        if self.config.mode == "socket":
            return self._socket is not None and await self._socket.client.is_connected()
        return self._web is not None

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._installations is not None:
            await self._installations.close()

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()


def start_slack(config: SlackConfig, bot: PaperBot) -> tuple[SlackRunner, asyncio.Task[None]]:
    runner = SlackRunner(config, bot)
    return runner, asyncio.create_task(runner.serve_forever(), name="slack")
