"""What a failed request means, in the words the report uses: connection refused, name not
resolved, timed out, HTTP 503 … — and the fix that goes with each kind.

Sources fail through :class:`bot.sources.http.HttpError`, whose message is already redacted text
(the fetcher keeps no exception object), so the kind is read from that text; Slack's client raises
aiohttp's and asyncio's own exceptions, read by type.
"""
from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from bot.sources.http import HttpError, describe_exception, redact_text

DOCTOR_TIMEOUT = 10.0  # seconds for each check's one request: enough for a slow link, short enough to wait for

_REFUSED = ("connect call failed", "connection refused", "errno 111", "errno 61", "winerror 10061")
_UNRESOLVED = ("name or service not known", "nodename nor servname", "temporary failure in name resolution",
               "no address associated", "getaddrinfo failed", "name resolution", "errno -2", "errno -3", "errno -5")
_TLS = ("ssl", "certificate", "tls")


@dataclass(frozen=True)
class Failure:
    """``words``: what failed, for the line; ``kind``: network, server, refused_url, answer or unknown."""

    words: str
    kind: str


def from_text(text: str, status: int | None = None) -> Failure:
    """Classify a failure told as text (an HttpError's message), with its HTTP status if one came."""
    if status:
        return from_status(status)
    lowered = text.lower()
    if any(word in lowered for word in _REFUSED):
        return Failure("connection refused", "network")
    if any(word in lowered for word in _UNRESOLVED):
        return Failure("the host name was not resolved (DNS)", "network")
    if "no answer within" in lowered or "timeout" in lowered or "timed out" in lowered:
        return Failure(f"timed out (no answer within {DOCTOR_TIMEOUT:g} s)", "network")
    if any(word in lowered for word in _TLS):
        return Failure("the HTTPS (TLS) handshake failed", "network")
    return Failure(redact_text(text)[:200], "unknown")


def from_status(status: int) -> Failure:
    if status == 429 or status >= 500:
        return Failure(f"HTTP {status}", "server")
    return Failure(f"HTTP {status}", "refused_url")


def from_http_error(exc: HttpError) -> Failure:
    return from_text(str(exc), exc.status)


def from_exception(exc: BaseException) -> Failure:
    """Classify an exception raised by an HTTP client (aiohttp, asyncio)."""
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return Failure(f"timed out (no answer within {DOCTOR_TIMEOUT:g} s)", "network")
    if isinstance(exc, aiohttp.ClientResponseError) and not isinstance(exc, aiohttp.TooManyRedirects):
        return from_status(exc.status)
    if isinstance(exc, aiohttp.ClientConnectorError):
        cause = exc.os_error
        if isinstance(cause, socket.gaierror):
            return Failure("the host name was not resolved (DNS)", "network")
        if isinstance(cause, ConnectionRefusedError):
            return Failure("connection refused", "network")
        if isinstance(cause, ssl.SSLError):
            return Failure("the HTTPS (TLS) handshake failed", "network")
    return from_text(describe_exception(exc, DOCTOR_TIMEOUT))


def host_of(url: str) -> str:
    """``host:port`` (or the host) of ``url``, for "check that this machine can reach …"."""
    try:
        parts = urlsplit(url)
        return parts.netloc.rsplit("@", 1)[-1] or url
    except ValueError:
        return url


def fix_for(failure: Failure, *, key: str, url: str, what: str, off: str = "") -> str:
    """The fix for ``failure`` of a request to ``url`` (from config ``key``), which should be ``what``."""
    host = host_of(url)
    turn_off = f"; or turn it off with {off} = false" if off else ""
    if failure.kind == "server":
        return (f"{host} answered but is having trouble (or limits requests): try again in a few minutes; "
                f"if it lasts, check {key}{turn_off}")
    if failure.kind == "refused_url":
        return f"{key} ({url}) does not look like {what}: correct it, or remove it to use the default{turn_off}"
    if failure.kind == "answer":
        return (f"{key} ({url}) answered something that is not {what} (a proxy's login page?): "
                f"check {key} and any proxy in between{turn_off}")
    return (f"check that this machine can reach {host} (a firewall or proxy may block it); if it must go "
            f"through a proxy or mirror, set {key} to it{turn_off}")
