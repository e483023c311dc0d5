"""A local stand-in for huggingface.co, rss.arxiv.org and export.arxiv.org.

A real aiohttp server on 127.0.0.1 (random port) so the sources' real aiohttp client
code runs in tests. Routes replay recorded payloads; a route can be told to fail
(429 with Retry-After, 500, 400…) a number of times, or to answer slowly, or to
misbehave the way real servers do (:meth:`Reply.endless`, :meth:`Reply.truncated`,
:meth:`Reply.gzipped`, a body that drips). Every
request is recorded with its start/end times (monotonic) so tests can check paging,
throttling and that requests never overlap.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Reply:
    """What one request gets back."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    repeat: int = 1  # the body sent this many times in a row (chunked); -1: until the client leaves (or the safety cap)
    drip: float = 0.0  # seconds between two sendings of the body
    truncate_at: int | None = None  # announce the whole body's length, send only this many bytes, drop the connection

    @classmethod
    def endless(cls, chunk: bytes = b"[" * 65536, *, drip: float = 0.0, content_type: str = "application/json") -> Reply:
        """A body that never ends: ``chunk`` again and again (stopped by the client, or after ENDLESS_CAP)."""
        return cls(chunk, 200, content_type, repeat=-1, drip=drip)

    @classmethod
    def truncated(cls, body: bytes, at: int, content_type: str = "application/json") -> Reply:
        return cls(body, 200, content_type, truncate_at=at)

    @classmethod
    def gzipped(cls, compressed: bytes, content_type: str = "application/json") -> Reply:
        """A body sent as it is with ``Content-Encoding: gzip`` (aiohttp's client decompresses it)."""
        return cls(compressed, 200, content_type, headers={"Content-Encoding": "gzip"})

    @property
    def streams(self) -> bool:
        return self.repeat != 1 or self.drip > 0 or self.truncate_at is not None

    @classmethod
    def json(cls, payload: Any, status: int = 200, **kwargs: Any) -> Reply:
        return cls(json.dumps(payload).encode(), status, "application/json", **kwargs)

    @classmethod
    def file(cls, path: Path, status: int = 200, content_type: str | None = None, **kwargs: Any) -> Reply:
        guessed = content_type or ("application/json" if path.suffix == ".json" else "application/xml")
        return cls(path.read_bytes(), status, guessed, **kwargs)

    @classmethod
    def xml(cls, body: bytes | str, status: int = 200, **kwargs: Any) -> Reply:
        data = body.encode() if isinstance(body, str) else body
        return cls(data, status, "application/atom+xml", **kwargs)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    started: float
    finished: float | None = None


Handler = Callable[[RecordedRequest], "Reply | Awaitable[Reply]"]
ENDLESS_CAP = 2 * 2**30  # bytes an endless reply sends at most, so a test against a client that never stops ends
ENDLESS_SECONDS = 30.0  # ... and seconds


class PaperServer:
    """Routes by path; per-path queues of one-shot replies are served before the route."""

    def __init__(self) -> None:
        self._routes: dict[str, Reply | Handler] = {}
        self._queued: dict[str, deque[Reply]] = {}
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # configuration ---------------------------------------------------------------
    def route(self, path: str, reply: Reply | Handler) -> None:
        """Answer every request for ``path`` with ``reply`` (or ``reply(request)``)."""
        self._routes[path] = reply

    def queue(self, path: str, *replies: Reply) -> None:
        """Answer the next requests for ``path`` with ``replies`` in order, then the route."""
        self._queued.setdefault(path, deque()).extend(replies)

    def fail(self, path: str, status: int, times: int = 1, *, retry_after: str | None = None, body: bytes = b"") -> None:
        """The next ``times`` requests for ``path`` get ``status`` (e.g. 429 with Retry-After, 503)."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.queue(path, *[Reply(body, status, "text/plain", headers)] * times)

    # inspection ------------------------------------------------------------------
    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def url(self, path: str = "") -> str:
        return self.base_url + path

    # lifecycle -------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handlers still sleeping (a silent server) are cancelled on close, not waited for
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> PaperServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        record = RecordedRequest(
            request.method, request.path, dict(request.query), dict(request.headers), started=time.monotonic()
        )
        self.requests.append(record)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = self._reply_for(record)
            if not isinstance(reply, Reply):
                reply = await reply
            if reply.delay:
                await asyncio.sleep(reply.delay)
            if reply.streams:
                return await self._stream(request, reply)
            return web.Response(body=reply.body, status=reply.status, content_type=reply.content_type, headers=reply.headers)
        finally:
            self.in_flight -= 1
            record.finished = time.monotonic()

    async def _stream(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        response = web.StreamResponse(status=reply.status, headers=reply.headers)
        response.content_type = reply.content_type
        if reply.truncate_at is not None:
            response.content_length = len(reply.body)
            await response.prepare(request)
            await response.write(reply.body[: reply.truncate_at])
            if request.transport is not None:
                request.transport.close()  # the rest never comes
            return response
        response.enable_chunked_encoding()
        await response.prepare(request)
        sent, started = 0, time.monotonic()
        count = 0
        try:
            while reply.repeat < 0 or count < reply.repeat:
                await response.write(reply.body)
                sent, count = sent + len(reply.body), count + 1
                if sent >= ENDLESS_CAP or time.monotonic() - started > ENDLESS_SECONDS:
                    break
                if reply.drip:
                    await asyncio.sleep(reply.drip)
            await response.write_eof()
        except (ConnectionResetError, ConnectionError, RuntimeError):
            pass  # the client stopped reading: what a client with a size limit does
        return response

    def _reply_for(self, record: RecordedRequest) -> Reply | Awaitable[Reply]:
        queued = self._queued.get(record.path)
        if queued:
            return queued.popleft()
        route = self._routes.get(record.path)
        if route is None:
            return Reply.json({"error": f"no route for {record.path} in the fake server"}, status=404)
        return route if isinstance(route, Reply) else route(record)
