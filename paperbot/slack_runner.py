"""Start Slack from config and a PaperBot: Socket Mode (default) or HTTP mode.

``SlackRunner`` is what `paperbot run` starts (through ``platforms.start_all``) and what
the tests drive against a local fake Slack, so both run the same wiring. HTTP mode serves
bolt behind :mod:`adapters.slack.http_guard`.
"""
from __future__ import annotations

import asyncio
import logging

from aiohttp import ClientSession, web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from adapters.slack.app import SlackApp, build_app, keep_alive
from adapters.slack.http_guard import guarded_web_app
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.config import SlackConfig

_log = logging.getLogger(__name__)


class SlackRunner:
    def __init__(self, config: SlackConfig, bot: PaperBot) -> None:
        self.config = config
        self.slack: SlackApp = build_app(config, bot)
        self._socket: AsyncSocketModeHandler | None = None
        self._web: web.AppRunner | None = None
        self._http: ClientSession | None = None

    @property
    def platform(self) -> SlackPlatform:
        """The ChatPlatform for scheduled posts."""
        return self.slack.platform

    async def start(self) -> None:
        """Connect (Socket Mode) or start listening (HTTP mode), then return."""
        self._http = keep_alive(self.slack.client)
        if self.config.mode == "socket":
            token = self.config.app_token.get_secret_value() if self.config.app_token else ""
            self._socket = AsyncSocketModeHandler(self.slack.app, app_token=token)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            _log.info("slack: connected in Socket Mode")
        else:
            secret = self.config.signing_secret.get_secret_value() if self.config.signing_secret else ""
            app = guarded_web_app(self.slack.app, path=self.config.http_path, signing_secret=secret)
            self._web = web.AppRunner(app, access_log=None)  # a refused request is one line, the guard's
            await self._web.setup()
            await web.TCPSite(self._web, self.config.http_host, self.config.http_port).start()
            _log.info("slack: listening on http://%s:%d%s", self.config.http_host, self.config.http_port, self.config.http_path)

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

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()


def start_slack(config: SlackConfig, bot: PaperBot) -> tuple[SlackRunner, asyncio.Task[None]]:
    runner = SlackRunner(config, bot)
    return runner, asyncio.create_task(runner.serve_forever(), name="slack")
