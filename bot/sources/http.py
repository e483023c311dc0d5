"""One careful HTTP GET for every paper source: timeouts, retries, Retry-After, throttling, size limits.

Public APIs ask to be treated gently (arXiv: one request per 3 s over one connection,
for the API and the RSS feed together), and they fail transiently (429, 5xx, resets).
Sources share an :class:`HttpFetcher` so one throttle covers all their requests, and
they all report failures the same way: a :class:`HttpError` naming the URL and the cause.
A server is also someone else's: its body is read in chunks up to a limit (an endless or
decompression-bomb body must not fill memory), each attempt has one time limit for
connecting and reading, and every URL in a message or log line has its secrets redacted.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from bot.errors import SourceError
from bot.plural import counted
from bot.sources.json_body import decode_json
from bot.sources.redact import redact_text, redact_url

__all__ = ["DEFAULT_MAX_BODY_BYTES", "DEFAULT_MAX_WAIT", "HttpError", "HttpFetcher", "HttpResponse", "parse_retry_after",
           "redact_text", "redact_url"]

_log = logging.getLogger(__name__)

USER_AGENT = "paperbot/0.1 (self-hosted research-paper bot; aiohttp)"
DEFAULT_MAX_BODY_BYTES = 32 * 2**20  # decoded bytes; the largest real answer (100 HF items) is ~1 MB
DEFAULT_MAX_WAIT = 60.0  # seconds: the longest Retry-After or backoff a source waits for
_CHUNK = 64 * 1024
Sleep = Callable[[float], Awaitable[Any]]
Clock = Callable[[], float]


class HttpError(SourceError):
    """A request that did not give a usable answer; ``status`` is None when no response came."""

    def __init__(self, message: str, *, url: str, status: int | None = None, body: bytes = b"", attempts: int = 1) -> None:
        super().__init__(redact_text(message))
        self.url = redact_url(url)
        self.status = status
        self.body = body
        self.attempts = attempts


@dataclass(frozen=True)
class HttpResponse:
    """A fully read response: sources parse bodies after the connection is released."""

    url: str
    status: int
    reason: str
    body: bytes
    headers: CIMultiDictProxy[str] = field(default_factory=lambda: CIMultiDictProxy(CIMultiDict()))

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON, or a SourceError naming the URL (an HTML error page is common).

        A hostile item (an integer of thousands of digits, an array nested past the recursion
        limit) costs only itself, see :func:`bot.sources.json_body.decode_json`."""
        try:
            return decode_json(self.body)
        except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, nesting too deep outside an array
            reason = str(exc)[:120] if not isinstance(exc, RecursionError) else "nested too deep"
            raise HttpError(
                f"{self.url} did not answer JSON ({reason}); it began with {_snippet(self.body)!r}",
                url=self.url,
                status=self.status,
                body=self.body,
            ) from None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if unusable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _snippet(body: bytes, limit: int = 200) -> str:
    text = " ".join(body[: limit * 2].decode("utf-8", errors="replace").split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def describe_exception(exc: BaseException, timeout: float) -> str:
    """An HTTP client's failure in our words, for people: aiohttp's own (``TooManyRedirects: 0,
    message=''``) name its classes and fields, not what happened."""
    if isinstance(exc, asyncio.TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect ({exc.os_error or exc})"
    if isinstance(exc, aiohttp.TooManyRedirects):
        return "too many redirects (the address keeps redirecting)"
    if isinstance(exc, aiohttp.InvalidURL):
        return "not a valid URL"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection before answering"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "the answer was cut short"
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"HTTP {exc.status} {exc.message}".strip() if exc.status else "an answer that is not valid HTTP"
    if isinstance(exc, aiohttp.ClientError):
        return "the connection failed" + (f" ({exc})" if str(exc) else "")
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class HttpFetcher:
    """A polite GET with retries; share one instance between sources that share a rate limit.

    - ``max_retries`` extra attempts after the first, on 429, 5xx, connection errors and timeouts;
      other 4xx are returned to the caller as :class:`HttpError` at once (retrying cannot help).
    - Waits ``backoff_base * 2**n`` (at most ``backoff_max``) between attempts, or what the
      server's ``Retry-After`` says (at most ``max_retry_after``). A Retry-After holds back
      every request of this fetcher, not just the one that got it.
    - ``retry_after_limit``: a server asking to wait longer than this is not waited for: the
      request ends at once in an :class:`HttpError` saying how long it asked (None: the wait
      is cut to ``max_retry_after`` and the request retried). Sources set it to their
      ``max_wait``, so ``Retry-After: 3600`` costs a fetch nothing but one request.
    - ``timeout``: seconds for one attempt as a whole (connecting, the headers, the body).
    - ``max_body_bytes``: decoded bytes read from one body at most (aiohttp decompresses
      gzip/deflate as it reads, so this bounds what a compression bomb becomes); past it the
      request ends in an :class:`HttpError` naming the URL and the limit, and is not retried.
    - ``min_interval``: seconds from the end of one request to the start of the next.
      With ``max_connections=1`` requests never overlap, which is what arXiv asks for.
    - ``session``: an aiohttp session to use (not closed by :meth:`close`); otherwise one is
      made on first use with a connector limited to ``max_connections``.
    - ``sleep`` and ``clock`` are injectable so tests of backoff need not wait.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_retry_after: float = DEFAULT_MAX_WAIT,
        retry_after_limit: float | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        min_interval: float = 0.0,
        max_connections: int | None = None,
        user_agent: str = USER_AGENT,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        if timeout <= 0 or max_retries < 0 or min_interval < 0 or (max_connections is not None and max_connections < 1):
            raise ValueError("timeout must be > 0, max_retries and min_interval >= 0, max_connections >= 1")
        if max_body_bytes < 1 or max_retry_after < 0 or (retry_after_limit is not None and retry_after_limit < 0):
            raise ValueError("max_body_bytes must be >= 1, max_retry_after and retry_after_limit >= 0")
        self._session = session
        self._owns_session = session is None
        self._timeout = timeout
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._max_retry_after = max_retry_after
        self._retry_after_limit = retry_after_limit
        self._max_body_bytes = max_body_bytes
        self._min_interval = min_interval
        self._max_connections = max_connections
        self._user_agent = user_agent
        self._sleep = sleep
        self._clock = clock
        self._slots = asyncio.Semaphore(max_connections) if max_connections else None
        self._gate = asyncio.Lock()
        self._last_done: float | None = None
        self._not_before = 0.0

    @property
    def min_interval(self) -> float:
        return self._min_interval

    @property
    def max_body_bytes(self) -> int:
        return self._max_body_bytes

    async def __aenter__(self) -> HttpFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the session if this fetcher made it; a session passed in belongs to the caller."""
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()
        if self._owns_session:
            self._session = None

    async def get(
        self, url: str, *, params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        """GET ``url`` and return the read response (status < 400), or raise :class:`HttpError`."""
        shown = _show(url, params)
        attempts = self._max_retries + 1
        problem = ""
        status: int | None = None
        body = b""
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                response = await self._attempt(url, params, headers, shown)
            except (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
                problem, status, body = redact_text(describe_exception(exc, self._timeout)), None, b""
            except aiohttp.ClientError as exc:  # e.g. an invalid URL: retrying cannot help
                raise HttpError(f"GET {shown} failed: {describe_exception(exc, self._timeout)}", url=shown) from None
            else:
                if response.status < 400:
                    return response
                status, body = response.status, response.body
                if not _retryable(response.status):
                    detail = _snippet(response.body)
                    raise HttpError(
                        f"GET {shown} answered HTTP {response.status} {response.reason}" + (f": {detail}" if detail else ""),
                        url=shown,
                        status=response.status,
                        body=response.body,
                        attempts=attempt + 1,
                    )
                problem = f"HTTP {response.status} {response.reason}".rstrip()
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and self._retry_after_limit is not None and retry_after > self._retry_after_limit:
                    raise HttpError(
                        f"GET {shown} answered {problem} and the server asked to wait {retry_after:.0f} s "
                        f"(Retry-After), more than the {self._retry_after_limit:g} s this source waits; giving up for now",
                        url=shown,
                        status=response.status,
                        body=response.body,
                        attempts=attempt + 1,
                    )
            if attempt + 1 == attempts:
                break
            if retry_after is not None:
                wait = min(retry_after, self._max_retry_after)
                self._not_before = max(self._not_before, self._clock() + wait)  # the gate waits, for everyone
                _log.warning("GET %s: %s; retry %d/%d after %.1f s (Retry-After)", shown, problem, attempt + 1, self._max_retries, wait)
            else:
                wait = min(self._backoff_max, self._backoff_base * 2**attempt)
                _log.warning("GET %s: %s; retry %d/%d in %.1f s", shown, problem, attempt + 1, self._max_retries, wait)
                await self._sleep(wait)
        raise HttpError(
            f"GET {shown} failed after {counted(attempts, 'attempt')}: {problem}",
            url=shown,
            status=status,
            body=body,
            attempts=attempts,
        )

    async def get_json(self, url: str, *, params: Mapping[str, str] | None = None) -> Any:
        return (await self.get(url, params=params, headers={"Accept": "application/json"})).json()

    async def _attempt(
        self, url: str, params: Mapping[str, str] | None, headers: Mapping[str, str] | None, shown: str
    ) -> HttpResponse:
        slot = self._slots if self._slots is not None else contextlib.nullcontext()
        async with slot:
            await self._wait_turn()
            try:
                session = self._ensure_session()
                sent = {"User-Agent": self._user_agent, **(headers or {})}
                timeout = aiohttp.ClientTimeout(total=self._timeout)
                _log.debug("GET %s", shown)
                async with asyncio.timeout(self._timeout):  # the whole attempt, body included, whatever aiohttp counts
                    async with session.get(url, params=params, headers=sent, timeout=timeout) as resp:
                        body = await self._read_body(resp, shown)
                        return HttpResponse(
                            redact_url(str(resp.url)), resp.status, resp.reason or "", body, CIMultiDictProxy(CIMultiDict(resp.headers))
                        )
            finally:
                self._last_done = self._clock()

    async def _read_body(self, resp: aiohttp.ClientResponse, shown: str) -> bytes:
        """The decoded body, read in chunks; an HttpError once it passes ``max_body_bytes``."""
        limit = self._max_body_bytes
        declared = resp.content_length
        if declared is not None and declared > limit and not resp.headers.get("Content-Encoding"):
            raise self._too_large(shown, resp.status, f"it announced {declared} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise self._too_large(shown, resp.status, "it was still going")
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, shown: str, status: int, detail: str) -> HttpError:
        return HttpError(
            f"GET {shown} answered more than the {_size(self._max_body_bytes)} (max_body_bytes) a source reads ({detail}); stopped reading",
            url=shown,
            status=status,
        )

    async def _wait_turn(self) -> None:
        """Sleep until ``min_interval`` after the last request and past any Retry-After."""
        async with self._gate:
            now = self._clock()
            start = self._not_before
            if self._min_interval and self._last_done is not None:
                start = max(start, self._last_done + self._min_interval)
            if start > now:
                await self._sleep(start - now)

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            if not self._owns_session:
                raise HttpError("the HTTP session given to this source is closed", url="")
            connector = aiohttp.TCPConnector(limit=self._max_connections or 100)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session


def _show(url: str, params: Mapping[str, str] | None) -> str:
    """The URL as a person would type it, secrets redacted, for messages and logs."""
    if params:
        url = url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in params.items())
    return redact_url(url)


def _size(count: int) -> str:
    return f"{count / 2**20:g} MB" if count >= 2**20 else f"{count} bytes"
