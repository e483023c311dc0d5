"""HTTP mode's front door: every request is checked before bolt parses a byte of it.

bolt's aiohttp app answers many bad requests with a 500 and a logged traceback (a timestamp
header of ``abc``, ``1e3`` or 5,000 digits, a body that is not JSON, broken form encoding), and
its form parser takes any body containing the word "payload" for an interactive payload, so a
slash command whose text says it (``/papers search payload``) was silently dropped. This
middleware answers instead, in this order:

- 413 — a body over :data:`MAX_BODY`: refused from its ``Content-Length`` before it is read, or
  as soon as reading it passes the limit;
- 401 — no ``X-Slack-Request-Timestamp`` of 1–12 digits, one more than :data:`MAX_SKEW` seconds
  away (a replay), no ``X-Slack-Signature`` of the form ``v0=<64 hex>``, or a signature that is
  not the body's: Slack's v0 scheme (HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing
  secret), computed once here on the raw bytes — bolt's own check is off;
- 400 — signed but malformed: not UTF-8, JSON that is not an object, broken form encoding, a
  ``payload`` that is not a JSON object, or fields Slack always sends missing or of the wrong type.

Each refusal is one short log line that repeats nothing from the request. What passes reaches
bolt as JSON (a slash command's form fields, an event envelope, an interactive payload), which
bolt's parser cannot mistake for anything else.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

_log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes; Slack's requests are a few kB
MAX_SKEW = 300  # seconds between Slack's timestamp and ours, as Slack's verification guide says
MAX_FIELDS = 100  # form fields (a slash command sends about fifteen)
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

COMMAND_FIELDS = ("command", "team_id", "channel_id", "user_id", "response_url")
EVENT_TEXT_FIELDS = ("type", "user", "channel", "ts", "thread_ts", "text", "subtype", "bot_id", "reaction",
                     "event_ts", "team", "channel_type", "client_msg_id")
HANDLED_EVENTS = frozenset({"message", "app_mention", "reaction_added", "reaction_removed"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _str_or_absent(data: dict[str, Any], key: str) -> bool:
    return key not in data or data[key] is None or isinstance(data[key], str)


def _event_ok(event: Any) -> bool:
    """The fields an event we listen to carries are strings (or absent); other events pass as they are."""
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return False
    if event["type"] not in HANDLED_EVENTS:
        return True
    item = event.get("item")
    return (all(_str_or_absent(event, k) for k in EVENT_TEXT_FIELDS)
            and (item is None or (isinstance(item, dict) and all(_str_or_absent(item, k) for k in ("type", "channel", "ts")))))


def _envelope_ok(data: Any) -> bool:
    """A JSON body Slack could have sent: an object with a type, and what that type always carries."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return False
    if data["type"] == "url_verification":
        return isinstance(data.get("challenge"), str)
    if data["type"] == "event_callback":
        return (isinstance(data.get("event_id"), str) and _str_or_absent(data, "team_id")
                and _str_or_absent(data, "api_app_id") and _event_ok(data.get("event")))
    return True


def parse_body(text: str, content_type: str) -> dict[str, Any] | None:
    """The request as bolt should see it, or None when it is malformed."""
    if content_type == "application/json" or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        return data if _envelope_ok(data) else None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return None
    form = dict(pairs)
    if "payload" in form:  # an interactive payload: JSON in a form field
        try:
            payload = json.loads(form["payload"])
        except (ValueError, RecursionError):
            return None
        return payload if isinstance(payload, dict) and isinstance(payload.get("type"), str) else None
    if "ssl_check" in form:
        return form
    if all(form.get(k) for k in COMMAND_FIELDS) and form["command"].startswith("/"):
        return form
    return None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature of ``body`` sent at ``timestamp``."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


class RequestGuard:
    """The aiohttp middleware for one path (see the module doc); other paths pass through."""

    def __init__(self, signing_secret: str, path: str, *, clock: Callable[[], float] = time.time) -> None:
        self._secret = signing_secret
        self._path = path
        self._clock = clock

    @staticmethod
    def _refuse(request: web.Request, status: int, reason: str) -> web.Response:
        _log.info("slack http: refused a request from %s with %d: %s", request.remote or "?", status, reason)
        headers = {"Connection": "close"} if status == 413 else None
        return web.Response(status=status, text=reason, headers=headers)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != self._path:
            return await handler(request)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return self._refuse(request, 413, "body too large")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not _TIMESTAMP.fullmatch(timestamp):
            return self._refuse(request, 401, "missing or malformed timestamp")
        if abs(self._clock() - int(timestamp)) > MAX_SKEW:
            return self._refuse(request, 401, "stale timestamp")
        signed = request.headers.get("X-Slack-Signature", "")
        if not _SIGNATURE.fullmatch(signed):
            return self._refuse(request, 401, "missing or malformed signature")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._refuse(request, 413, "body too large")
        except (OSError, ValueError) as exc:  # the client went away or sent a broken body
            return self._refuse(request, 400, f"unreadable body ({type(exc).__name__})")
        if not hmac.compare_digest(signature(self._secret, timestamp, raw), signed):
            return self._refuse(request, 401, "bad signature")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self._refuse(request, 400, "body is not UTF-8")
        if parse_body(text, request.content_type) is None:
            return self._refuse(request, 400, "malformed body")
        return await handler(request)


def guarded_web_app(app: AsyncApp, *, path: str, signing_secret: str,
                    clock: Callable[[], float] = time.time) -> web.Application:
    """An aiohttp application serving ``app`` at ``path`` behind :class:`RequestGuard`."""
    guard = RequestGuard(signing_secret, path, clock=clock)
    web_app = web.Application(middlewares=[guard.middleware], client_max_size=MAX_BODY)

    async def dispatch(request: web.Request) -> web.StreamResponse:
        """Hand the checked request to bolt, as JSON (the body was read, checked and kept by aiohttp)."""
        parsed = parse_body(await request.text(), request.content_type)
        if parsed is None:  # not through the guard
            return web.Response(status=400, text="malformed body")
        # bolt's own control headers (x-slack-bolt-lazy-…) never come from outside
        headers: dict[str, str | Sequence[str]] = {k.lower(): v for k, v in request.headers.items()
                   if k.lower() != "content-type" and not k.lower().startswith("x-slack-bolt-")}
        headers["content-type"] = "application/json"
        bolt_request = AsyncBoltRequest(body=json.dumps(parsed), query=request.query_string, headers=headers)
        try:
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))
        except Exception as exc:  # noqa: BLE001 - one line, not aiohttp's traceback for every such request
            _log.error("slack http: could not handle a request: %s: %s", type(exc).__name__, str(exc)[:200])
            return web.Response(status=500, text="internal error")

    web_app.router.add_post(path, dispatch)
    return web_app
