"""A fake Slack on 127.0.0.1: the Web API (``/api/{method}``), response_url endpoints and Socket Mode.

It records every call so tests can assert what the real slack-bolt sent. Methods answer
``{"ok": true, …}``; tests can queue failures per method (e.g. one 429 with Retry-After).
``conversations.open`` opens a DM (``D…``), ``chat.getPermalink`` links a posted message, and
``thread(channel, ts)`` lists a thread's replies as posted; ``chat.unfurl`` cards are held to Block
Kit's limits too. Socket Mode envelopes have the
recorded shape of ``tests/fixtures/payloads/slack/socket_mode_envelope.json``.

Like Slack, ``chat.postMessage`` refuses a message that breaks Block Kit's documented limits
(``invalid_blocks``, ``msg_too_long``, ``msg_blocks_too_long``; :func:`block_kit_problems` says
which, and the rendering tests call it too). A queued failure's body may be a string: it is sent
as is (``text/plain`` unless its headers say otherwise), like a proxy's error page.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.harness import payloads

TEAM = "T0TEAM"
BOT_USER = "U0BOT"

# Slack's limits (adapters.slack.limits documents where each comes from); context lines are held to 2,000
LIMITS = {"blocks": 50, "header": 150, "section": 3000, "field": 2000, "context_text": 2000, "context_elements": 10,
          "image_url": 3000, "alt_text": 2000, "text": 40_000, "blocks_text": 12_000}


def _parsed(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _texts(node: Any) -> list[str]:
    """Every "text" string in a block tree (what counts towards msg_blocks_too_long)."""
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() if isinstance(v, (dict, list)) for t in _texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _image_problems(where: str, image: dict[str, Any]) -> list[str]:
    url, alt = image.get("image_url"), image.get("alt_text")
    problems = []
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > LIMITS["image_url"]:
        problems.append(f"{where}: image_url missing, not http(s) or over {LIMITS['image_url']}")
    if not isinstance(alt, str) or not 1 <= len(alt) <= LIMITS["alt_text"]:
        problems.append(f"{where}: alt_text missing or over {LIMITS['alt_text']}")
    return problems


def block_kit_problems(blocks: Any, text: Any = None) -> list[str]:
    """What Slack would refuse in a message (empty: nothing), as "json-pointer: what" strings."""
    problems: list[str] = []
    if text is not None and (not isinstance(text, str) or len(text) > LIMITS["text"]):
        problems.append(f"text: over {LIMITS['text']} characters")
    if blocks is None:
        return problems
    blocks = _parsed(blocks)
    if not isinstance(blocks, list) or len(blocks) > LIMITS["blocks"]:
        return problems + [f"blocks: not a list of at most {LIMITS['blocks']}"]
    for n, block in enumerate(blocks):
        where, kind = f"/blocks/{n}", block.get("type") if isinstance(block, dict) else None
        body = (block.get("text") or {}) if isinstance(block, dict) else {}
        if kind == "header":
            if body.get("type") != "plain_text" or not 1 <= len(body.get("text") or "") <= LIMITS["header"]:
                problems.append(f"{where}/text: a header is plain_text of 1..{LIMITS['header']} characters")
        elif kind == "section":
            if not 1 <= len(body.get("text") or "") <= LIMITS["section"]:
                problems.append(f"{where}/text: a section's text is 1..{LIMITS['section']} characters")
            for f, item in enumerate(block.get("fields") or []):
                if not 1 <= len(item.get("text") or "") <= LIMITS["field"]:
                    problems.append(f"{where}/fields/{f}: over {LIMITS['field']}")
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "image":
                problems += _image_problems(f"{where}/accessory", accessory)
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= LIMITS["context_elements"]:
                problems.append(f"{where}/elements: 1..{LIMITS['context_elements']} elements")
            for e, element in enumerate(elements):
                if element.get("type") == "image":
                    problems += _image_problems(f"{where}/elements/{e}", element)
                elif not 1 <= len(element.get("text") or "") <= LIMITS["context_text"]:
                    problems.append(f"{where}/elements/{e}/text: 1..{LIMITS['context_text']} characters")
        elif kind == "image":
            problems += _image_problems(where, block)
        elif kind != "divider":
            problems.append(f"{where}/type: unexpected {kind!r}")
    if sum(len(t) for t in _texts(blocks)) > LIMITS["blocks_text"]:
        problems.append(f"blocks: their texts add up past {LIMITS['blocks_text']} characters")
    return problems


def socket_envelope(kind: str, payload: dict[str, Any], envelope_id: str, *, retry_attempt: int = 0,
                    retry_reason: str = "") -> dict[str, Any]:
    """A Socket Mode envelope; only Events API envelopes carry ``retry_attempt``/``retry_reason``."""
    envelope = payloads.load("slack/socket_mode_envelope", envelope_id=envelope_id, payload=payload, type=kind,
                             accepts_response_payload=kind != "events_api", retry_attempt=retry_attempt,
                             retry_reason=retry_reason)
    if kind != "events_api":
        del envelope["retry_attempt"], envelope["retry_reason"]
    shaped: dict[str, Any] = envelope
    return shaped


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)  # when it arrived (the pacing tests read it)


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_url
    acks: list[dict[str, Any]] = field(default_factory=list)  # Socket Mode acks
    failures: dict[str, list[tuple[int, dict[str, str], dict[str, Any] | str]]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # channel → posted messages
    delays: dict[str, float] = field(default_factory=dict)  # method → seconds before answering
    member_messages: set[tuple[str, str]] = field(default_factory=set)  # (channel, ts) members posted (permalinks)

    def __post_init__(self) -> None:
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._socket: web.WebSocketResponse | None = None
        self._socket_ready = asyncio.Event()
        self._changed = asyncio.Event()

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/link", self._link)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and hasattr(server, "sockets")
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    # ---- queries ---------------------------------------------------------------------------
    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 5.0) -> None:
        async def loop() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(loop(), timeout)

    def _touch(self) -> None:
        self._changed.set()

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The bot's replies in one thread, oldest first."""
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts") == thread_ts]

    # ---- Web API ---------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                params.update(json.loads(raw or b"{}"))
            else:
                params.update(parse_qsl(raw.decode()))
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        queued = self.failures.get(method)
        if queued:
            status, headers, body = queued.pop(0)
            self.calls.append(Call(method, params, status))
            self._touch()
            if isinstance(body, str):  # not the Web API's JSON: a proxy's page, a broken answer
                headers = dict(headers)
                kind = headers.pop("Content-Type", "text/plain")
                return web.Response(text=body, status=status, headers=headers, content_type=kind)
            return web.json_response(body, status=status, headers=headers)
        refused = self._refusal(method, params)
        self.calls.append(Call(method, params, 200 if refused is None else 400))
        self._touch()
        if refused is not None:
            return web.json_response(refused)
        return web.json_response(self._answer(method, params))

    def _refusal(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """What Slack answers a message (or an unfurl card) that breaks its limits (None: it would post it)."""
        if method == "chat.unfurl":
            cards = _parsed(params.get("unfurls"))
            if not isinstance(cards, dict) or not cards:
                return {"ok": False, "error": "invalid_unfurls"}
            problems = [p for card in cards.values() for p in block_kit_problems((card or {}).get("blocks"))]
            return {"ok": False, "error": "invalid_blocks", "errors": problems} if problems else None
        if method != "chat.postMessage":
            return None
        problems = block_kit_problems(params.get("blocks"), params.get("text"))
        if not problems:
            return None
        code = "msg_too_long" if problems[0].startswith("text:") else (
            "msg_blocks_too_long" if "add up" in problems[0] else "invalid_blocks")
        return {"ok": False, "error": code, "errors": problems}

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "B0BOT", "team_id": TEAM, "user": "paperbot", "team": "Lab"}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            message = {"type": "message", "ts": ts, "text": params.get("text"), "bot_id": "B0BOT", "user": BOT_USER}
            metadata = params.get("metadata")
            if metadata:
                message["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            self.messages.setdefault(params.get("channel", ""), []).append(message)
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
        if method == "conversations.history":
            messages = [m for m in self.messages.get(params.get("channel", ""), []) if "thread_ts" not in m]
            return {"ok": True, "messages": list(reversed(messages))[: int(params.get("limit", 100))], "has_more": False}
        if method == "conversations.replies":
            ts = str(params.get("ts") or "")
            thread = [m for m in self.messages.get(params.get("channel", ""), []) if m["ts"] == ts or m.get("thread_ts") == ts]
            return {"ok": True, "messages": thread, "has_more": False}
        if method == "users.info":
            user = self.users.get(params.get("user", ""))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.info":
            channel = self.channels.get(params.get("channel", ""))
            return {"ok": True, "channel": channel} if channel else {"ok": False, "error": "channel_not_found"}
        if method == "conversations.open":
            users = str(params.get("users") or "")
            if not users:
                return {"ok": False, "error": "users_list_not_supplied"}
            return {"ok": True, "channel": {"id": "D" + users.lstrip("U")[:10], "is_im": True}}
        if method == "chat.getPermalink":
            channel, ts = params.get("channel", ""), str(params.get("message_ts", ""))
            if not any(m["ts"] == ts for m in self.messages.get(channel, [])) and (channel, ts) not in self.member_messages:
                return {"ok": False, "error": "message_not_found"}
            return {"ok": True, "channel": channel,
                    "permalink": f"https://lab.slack.com/archives/{channel}/p{ts.replace('.', '')}"}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        self._touch()
        return web.Response(text="ok")

    # ---- Socket Mode -----------------------------------------------------------------------
    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket = ws
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0APP"}}))
        self._socket_ready.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.acks.append(json.loads(msg.data))
                self._touch()
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any], envelope_id: str, *, retry_attempt: int = 0,
                            retry_reason: str = "") -> None:
        """Deliver ``payload`` over Socket Mode in the recorded envelope shape (``slash_commands``,
        ``events_api``…); an events_api redelivery has ``retry_attempt`` > 0 and a ``retry_reason``."""
        await asyncio.wait_for(self._socket_ready.wait(), 5)
        assert self._socket is not None
        await self._socket.send_str(json.dumps(socket_envelope(kind, payload, envelope_id, retry_attempt=retry_attempt,
                                                               retry_reason=retry_reason)))
