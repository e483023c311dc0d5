"""The core's :class:`bot.metrics.Metrics` as Prometheus metrics, on a registry of their own.

A dedicated ``CollectorRegistry`` (not prometheus-client's global one): only what paperbot
declares is exposed, and tests can build one per run. The outbox age is a gauge set just before
each scrape (:meth:`PrometheusMetrics.refresh`), from the store, so it is never stale.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

from bot.clock import Clock, utc_now
from bot.metrics import PlatformErrorKind, SourceErrorKind

# no `…_created` series beside every counter: Prometheus does not need them, they double the output
disable_created_metrics()  # type: ignore[no-untyped-call]

# seconds: a command answers in milliseconds, a digest with its threads in a few seconds
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class OutboxAge(Protocol):
    """What the outbox-age gauge reads from the store (``storage.store.SqlStore``)."""

    async def oldest_due_undelivered(self, now: datetime) -> datetime | None: ...


class PrometheusMetrics:
    """Implements ``bot.metrics.Metrics``; :meth:`exposition` is the body of ``/metrics``."""

    def __init__(self, outbox: OutboxAge, *, clock: Clock = utc_now) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._outbox = outbox
        self._clock = clock
        r = self.registry
        self.fetched = Counter("paperbot_papers_fetched", "Papers fetched from a source", ["source"], registry=r)
        self.source_errors = Counter("paperbot_source_errors", "Failed fetches from a source", ["source", "kind"], registry=r)
        self.planned = Counter("paperbot_digests_planned", "Scheduled digests planned to be sent", ["platform"], registry=r)
        self.sent = Counter("paperbot_digests_sent", "Scheduled digests delivered", ["platform"], registry=r)
        self.failed = Counter("paperbot_digests_failed", "Scheduled digests given up on (failed or skipped)", ["platform"],
                              registry=r)
        self.reactions = Counter("paperbot_reactions_recorded", "Reactions stored as taste signals", ["platform"], registry=r)
        self.latency = Histogram("paperbot_command_latency_seconds", "Time to handle a /papers command", ["command"],
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.platform_errors = Counter("paperbot_platform_errors", "Failed calls to a chat platform, by kind",
                                       ["platform", "kind"], registry=r)
        self.outbox_age = Gauge("paperbot_outbox_oldest_due_age_seconds",
                                "Age of the oldest undelivered outbox item past its due time (0: none)", registry=r)

    # bot.metrics.Metrics ---------------------------------------------------------------------

    def papers_fetched(self, source: str, count: int) -> None:
        self.fetched.labels(source=source).inc(count)

    def source_error(self, source: str, kind: SourceErrorKind) -> None:
        self.source_errors.labels(source=source, kind=kind).inc()

    def digests_planned(self, platform: str, count: int) -> None:
        self.planned.labels(platform=platform).inc(count)

    def digest_sent(self, platform: str) -> None:
        self.sent.labels(platform=platform).inc()

    def digest_failed(self, platform: str) -> None:
        self.failed.labels(platform=platform).inc()

    def reaction_recorded(self, platform: str) -> None:
        self.reactions.labels(platform=platform).inc()

    def command_handled(self, command: str, seconds: float) -> None:
        self.latency.labels(command=command).observe(seconds)

    def platform_error(self, platform: str, kind: PlatformErrorKind) -> None:
        self.platform_errors.labels(platform=platform, kind=kind).inc()

    # scraping ---------------------------------------------------------------------------------

    async def refresh(self) -> None:
        """Set the gauges read from the store; raises what the store raises (the scrape says so)."""
        now = self._clock()
        oldest = await self._outbox.oldest_due_undelivered(now)
        self.outbox_age.set(max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)
