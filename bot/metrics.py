"""What the core counts, as a typed port: papers fetched, source and platform errors, digests,
reactions, command latency.

The core calls :func:`metrics` at the one place each event happens; ``paperbot run`` installs an
implementation (``paperbot.monitoring.PrometheusMetrics``) with :func:`use_metrics`. Until then (tests,
the demo, one-shot CLI commands) the no-op :class:`NoMetrics` counts nothing. A process-wide sink
rather than a constructor argument because several of these places are pure functions (an adapter's
error classification) or sit deep in the scheduler: threading an object through all of them would
touch every constructor on the way for one line of counting.
"""
from __future__ import annotations

from typing import Literal, Protocol

from bot.errors import ChannelUnavailableError, DeliveryError, RateLimitedError, RejectedMessageError, SourceError
from bot.sources.http import HttpError

PlatformErrorKind = Literal["rate_limited", "rejected", "unavailable", "auth", "other"]
SourceErrorKind = Literal["unreachable", "http", "invalid", "unexpected"]


class Metrics(Protocol):
    """The events the core reports; every method is cheap and never raises."""

    def papers_fetched(self, source: str, count: int) -> None:
        """``count`` papers came from ``source`` in one fetch."""
        ...

    def source_error(self, source: str, kind: SourceErrorKind) -> None:
        """A fetch from ``source`` failed (:func:`source_error_kind`)."""
        ...

    def digests_planned(self, platform: str, count: int) -> None:
        """``count`` scheduled digests were planned to be sent on ``platform``."""
        ...

    def digest_sent(self, platform: str) -> None:
        """A scheduled digest (or DM digest, recap) went out on ``platform``."""
        ...

    def digest_failed(self, platform: str) -> None:
        """A scheduled digest was given up on (failed or skipped) on ``platform``."""
        ...

    def reaction_recorded(self, platform: str) -> None:
        """A reaction on one of the bot's posts was stored as a signal."""
        ...

    def command_handled(self, command: str, seconds: float) -> None:
        """A `/papers` command took ``seconds`` (publishing its reply included)."""
        ...

    def platform_error(self, platform: str, kind: PlatformErrorKind) -> None:
        """A call to the chat platform failed; ``kind`` is the adapter's classification."""
        ...


class NoMetrics:
    """Counts nothing: the default until ``paperbot run`` installs real metrics."""

    def papers_fetched(self, source: str, count: int) -> None:
        pass

    def source_error(self, source: str, kind: SourceErrorKind) -> None:
        pass

    def digests_planned(self, platform: str, count: int) -> None:
        pass

    def digest_sent(self, platform: str) -> None:
        pass

    def digest_failed(self, platform: str) -> None:
        pass

    def reaction_recorded(self, platform: str) -> None:
        pass

    def command_handled(self, command: str, seconds: float) -> None:
        pass

    def platform_error(self, platform: str, kind: PlatformErrorKind) -> None:
        pass


_installed: list[Metrics] = [NoMetrics()]


def metrics() -> Metrics:
    """The installed metrics (the no-op ones unless ``use_metrics`` was called)."""
    return _installed[-1]


def use_metrics(sink: Metrics | None) -> None:
    """Install ``sink`` for this process; None puts the no-op default back."""
    _installed[-1] = sink if sink is not None else NoMetrics()


def platform_error_kind(error: DeliveryError, *, auth: bool = False) -> PlatformErrorKind:
    """The kind of a classified platform error; ``auth``: the adapter saw the token refused."""
    if auth:
        return "auth"
    if isinstance(error, RateLimitedError):
        return "rate_limited"
    if isinstance(error, RejectedMessageError):
        return "rejected"
    if isinstance(error, ChannelUnavailableError):
        return "unavailable"
    return "other"


def source_error_kind(error: BaseException) -> SourceErrorKind:
    """No answer at all, an HTTP error status, an answer that is not usable, or a bug."""
    if isinstance(error, HttpError):
        return "unreachable" if error.status is None else "http"
    if isinstance(error, SourceError):
        return "invalid"
    return "unexpected"
