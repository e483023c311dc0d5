"""The monitoring HTTP server of `paperbot run` (``[monitoring]``): ``/healthz``, ``/readyz``, ``/metrics``.

Local by default (127.0.0.1:9464, Prometheus' exporter port range). No access log: a scrape every
15 s would be most of the log. A port already taken stops start-up with one line naming
``monitoring.port``.
"""
from __future__ import annotations

import errno
import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from aiohttp import web

from bot.config import MonitoringConfig
from bot.errors import ConfigError, StoreUnavailableError
from bot.metrics import use_metrics
from paperbot.monitoring.feeds import FeedReader, add_feed_routes
from paperbot.monitoring.prometheus import OutboxAge, PrometheusMetrics
from paperbot.monitoring.readiness import Connection, Pingable, Readiness

_log = logging.getLogger(__name__)

METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def monitoring_app(readiness: Readiness, metrics: PrometheusMetrics, feeds: FeedReader | None = None,
                   public_url: str = "") -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        """Answered by the event loop itself: if this answers, the loop runs."""
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        report = await readiness.check()
        return web.json_response(report.as_json(), status=200 if report.ready else 503)

    async def scrape(_request: web.Request) -> web.Response:
        try:
            await metrics.refresh()
        except StoreUnavailableError as exc:  # the counters are still worth serving; the gauge keeps its last value
            _log.warning("metrics: the outbox age could not be read: %s", exc.detail)
        return web.Response(body=metrics.exposition(), headers={"Content-Type": METRICS_CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", scrape)
    if feeds is not None:  # /feeds/<token>.json and .atom (paperbot.monitoring.feeds)
        add_feed_routes(app, feeds, public_url)
    return app


class MonitoringServer:
    def __init__(self, readiness: Readiness, metrics: PrometheusMetrics, *, host: str, port: int,
                 feeds: FeedReader | None = None, public_url: str | None = None) -> None:
        self.metrics = metrics
        self._app = monitoring_app(readiness, metrics, feeds, public_url or f"http://{host}:{port}")
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        """Listen; a port in use (or a host that is not this machine's) is a ConfigError naming the key."""
        runner = web.AppRunner(self._app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port).start()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(f"[monitoring] port {self._port} is already in use on {self._host}: choose another "
                                  "port in [monitoring], or set [monitoring] enabled = false.") from None
            raise ConfigError(f"[monitoring] host {self._host!r} cannot be listened on ({exc.strerror or exc}): use an "
                              "address of this machine, e.g. 127.0.0.1.") from None
        self._runner = runner
        _log.info("monitoring on %s (/healthz, /readyz, /metrics)", self.url)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class MonitoredStore(Pingable, OutboxAge, Protocol):
    """What monitoring reads from the store: a ping, and the outbox's oldest due item."""


class Monitoring:
    """What `paperbot run` holds while it runs: the server (None when ``monitoring.enabled`` is false)."""

    def __init__(self, server: MonitoringServer | None) -> None:
        self.server = server

    async def stop(self) -> None:
        """Stop serving and put the no-op metrics back."""
        if self.server is not None:
            await self.server.stop()
            use_metrics(None)


async def start_monitoring(config: MonitoringConfig, store: MonitoredStore,
                           connections: Callable[[], Mapping[str, Connection]], *,
                           model_ready: Callable[[], bool], embeddings: bool,
                           feeds: FeedReader | None = None) -> Monitoring:
    """Serve /healthz, /readyz and /metrics and count the core's events into them (``[monitoring]``);
    and the open feeds (``feeds``); nothing when disabled. ConfigError (naming the key) when the port cannot be listened on."""
    if not config.enabled:
        return Monitoring(None)
    metrics = PrometheusMetrics(store)
    readiness = Readiness(store, connections, model_ready, embeddings=embeddings)
    server = MonitoringServer(readiness, metrics, host=config.host, port=config.port, feeds=feeds,
                              public_url=config.base_url)
    await server.start()
    use_metrics(metrics)
    return Monitoring(server)
