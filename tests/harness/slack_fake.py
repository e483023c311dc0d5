"""A fake Slack on 127.0.0.1: the Web API (``/api/{method}``), response_url endpoints and Socket Mode.

It records every call so tests can assert what the real slack-bolt sent. Methods answer
``{"ok": true, …}``; tests can queue failures per method (e.g. one 429 with Retry-After).
``conversations.open`` opens a DM (``D…``), ``chat.getPermalink`` links a posted message, and
``thread(channel, ts)`` lists a thread's replies as posted; ``chat.unfurl`` cards are held to Block
Kit's limits too. Socket Mode envelopes have the
recorded shape of ``tests/fixtures/payloads/slack/socket_mode_envelope.json``.

Several workspaces (OAuth): ``approve(team)`` is a person clicking "Allow" on Slack's authorize
page (a one-use code); ``oauth.v2.access`` trades it, with the app's ``client_id``/``client_secret``
(HTTP Basic, as slack_sdk sends them) from ``apps``, for a bot token of that team. Each call records
the token it came with (``Call.token``); ``auth.test`` names the token's team, a call with another
team's token to a channel of ``channel_teams`` is refused ``channel_not_found`` (as Slack does), and
``revoke(team)`` makes that team's tokens ``token_revoked``.

Like Slack, ``chat.postMessage`` refuses a message that breaks Block Kit's documented limits
(``invalid_blocks``, ``msg_too_long``, ``msg_blocks_too_long``; :func:`block_kit_problems` says
which, and the rendering tests call it too). A queued failure's body may be a string: it is sent
as is (``text/plain`` unless its headers say otherwise), like a proxy's error page.
"""
from __future__ import annotations

import asyncio
import base64
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
          "image_url": 3000, "alt_text": 2000, "text": 40_000, "blocks_text": 12_000,
          "actions_elements": 25, "context_actions_elements": 5, "action_id": 255, "value": 2000, "button_text": 75}


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


def _button_problems(where: str, button: Any, *, action_id: bool = True) -> list[str]:
    if not isinstance(button, dict):
        return [f"{where}: not an object"]
    problems = []
    text = button.get("text") or {}
    if text.get("type") != "plain_text" or not 1 <= len(text.get("text") or "") <= LIMITS["button_text"]:
        problems.append(f"{where}/text: plain_text of 1..{LIMITS['button_text']} characters")
    if len(str(button.get("accessibility_label") or "")) > LIMITS["button_text"]:
        problems.append(f"{where}/accessibility_label: over {LIMITS['button_text']} characters")
    if len(str(button.get("value") or "")) > LIMITS["value"]:
        problems.append(f"{where}/value: over {LIMITS['value']} characters")
    if action_id and not 1 <= len(str(button.get("action_id") or "")) <= LIMITS["action_id"]:
        problems.append(f"{where}/action_id: 1..{LIMITS['action_id']} characters")
    return problems


def _actions_problems(where: str, kind: str, elements: Any) -> list[str]:
    """An ``actions`` block (buttons, ≤ 25) or a ``context_actions`` block (feedback_buttons and
    icon_button, ≤ 5), with unique action ids."""
    most = LIMITS["actions_elements" if kind == "actions" else "context_actions_elements"]
    if not isinstance(elements, list) or not 1 <= len(elements) <= most:
        return [f"{where}/elements: 1..{most} elements"]
    allowed = {"button"} if kind == "actions" else {"feedback_buttons", "icon_button"}
    problems: list[str] = []
    ids = [e.get("action_id") for e in elements if isinstance(e, dict)]
    if len(ids) != len(set(ids)):
        problems.append(f"{where}/elements: action_id repeated")
    for e, element in enumerate(elements):
        at = f"{where}/elements/{e}"
        if not isinstance(element, dict) or element.get("type") not in allowed:
            problems.append(f"{at}/type: not one of {sorted(allowed)}")
        elif element["type"] == "feedback_buttons":
            if not 1 <= len(str(element.get("action_id") or "")) <= LIMITS["action_id"]:
                problems.append(f"{at}/action_id: 1..{LIMITS['action_id']} characters")
            for side in ("positive_button", "negative_button"):
                problems += _button_problems(f"{at}/{side}", element.get(side), action_id=False)
        else:
            problems += _button_problems(at, element)
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
        elif kind in ("actions", "context_actions"):
            problems += _actions_problems(where, kind, block.get("elements"))
        elif kind != "divider":
            problems.append(f"{where}/type: unexpected {kind!r}")
    if sum(len(t) for t in _texts(blocks)) > LIMITS["blocks_text"]:
        problems.append(f"blocks: their texts add up past {LIMITS['blocks_text']} characters")
    return problems


# views (App Home, modals): https://docs.slack.dev/reference/views, …/block-kit/block-elements
VIEW_LIMITS = {"blocks": 100, "button_text": 75, "button_value": 2000, "confirm_title": 100, "confirm_text": 300,
               "confirm_button": 30, "modal_title": 24, "private_metadata": 3000, "label": 2000, "hint": 2000,
               "option_text": 75}


def _element_problems(where: str, element: dict[str, Any]) -> list[str]:
    problems = []
    kind = element.get("type")
    if kind == "button":
        if not 1 <= len((element.get("text") or {}).get("text") or "") <= VIEW_LIMITS["button_text"]:
            problems.append(f"{where}/text: a button's text is 1..{VIEW_LIMITS['button_text']} characters")
        if len(element.get("value") or "") > VIEW_LIMITS["button_value"]:
            problems.append(f"{where}/value: over {VIEW_LIMITS['button_value']}")
        confirm = element.get("confirm")
        if isinstance(confirm, dict):
            for key, limit in (("title", "confirm_title"), ("text", "confirm_text"), ("confirm", "confirm_button"),
                               ("deny", "confirm_button")):
                if not 1 <= len((confirm.get(key) or {}).get("text") or "") <= VIEW_LIMITS[limit]:
                    problems.append(f"{where}/confirm/{key}: 1..{VIEW_LIMITS[limit]} characters")
    elif kind == "static_select":
        for o, option in enumerate(element.get("options") or []):
            if not 1 <= len((option.get("text") or {}).get("text") or "") <= VIEW_LIMITS["option_text"]:
                problems.append(f"{where}/options/{o}: 1..{VIEW_LIMITS['option_text']} characters")
    elif kind != "plain_text_input":
        problems.append(f"{where}/type: unexpected element {kind!r}")
    return problems


def view_problems(view: Any) -> list[str]:
    """What Slack would refuse in a view for ``views.publish``/``views.open`` (empty: nothing): at most
    100 blocks, the message blocks' limits, and those of buttons, dialogs, inputs and modal titles."""
    view = _parsed(view)
    if not isinstance(view, dict) or view.get("type") not in ("home", "modal"):
        return ["view/type: home or modal"]
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= VIEW_LIMITS["blocks"]:
        return [f"view/blocks: a list of 1..{VIEW_LIMITS['blocks']}"]
    problems: list[str] = []
    plain: list[Any] = []  # the blocks the message checks know
    for n, block in enumerate(blocks):
        where = f"/blocks/{n}"
        if block.get("type") == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                problems.append(f"{where}/elements: 1..25")
            for e, element in enumerate(elements):
                problems += _element_problems(f"{where}/elements/{e}", element)
        elif block.get("type") == "input":
            if view["type"] != "modal":
                problems.append(f"{where}: input blocks are for modals")
            for key, limit in (("label", "label"), ("hint", "hint")):
                if len((block.get(key) or {}).get("text") or "") > VIEW_LIMITS[limit]:
                    problems.append(f"{where}/{key}: over {VIEW_LIMITS[limit]}")
            problems += _element_problems(f"{where}/element", block.get("element") or {})
        else:
            if isinstance(block.get("accessory"), dict) and block["accessory"].get("type") == "button":
                problems += _element_problems(f"{where}/accessory", block["accessory"])
                block = {k: v for k, v in block.items() if k != "accessory"}
            plain.append(block)
    # the message rules for the rest (its 50-block and 12,000-character limits are a message's, not a view's)
    problems += [p for p in block_kit_problems(plain[:LIMITS["blocks"]]) if not p.startswith("blocks:")]
    if view["type"] == "modal":
        for key in ("title", "submit", "close"):
            text = (view.get(key) or {}).get("text")
            if key == "title" and not text or text is not None and len(text) > VIEW_LIMITS["modal_title"]:
                problems.append(f"view/{key}: 1..{VIEW_LIMITS['modal_title']} characters")
        if len(view.get("private_metadata") or "") > VIEW_LIMITS["private_metadata"]:
            problems.append(f"view/private_metadata: over {VIEW_LIMITS['private_metadata']}")
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
    token: str = ""  # the bearer token it came with ("" without one)


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
    home_views: dict[str, dict[str, Any]] = field(default_factory=dict)  # user → the Home tab views.publish set
    opened_views: list[dict[str, Any]] = field(default_factory=list)  # views.open's modals, in order
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id → the bytes posted to its upload URL
    shared_files: list[dict[str, Any]] = field(default_factory=list)  # files.completeUploadExternal: file, channel, comment
    apps: dict[str, str] = field(default_factory=dict)  # OAuth: client_id → client_secret
    team_tokens: dict[str, str] = field(default_factory=dict)  # bot token → its team (others: TEAM's)
    channel_teams: dict[str, str] = field(default_factory=dict)  # channel → the team it belongs to
    grants: dict[str, tuple[str, str]] = field(default_factory=dict)  # unused OAuth code → (team, installer)
    revoked: set[str] = field(default_factory=set)  # tokens Slack no longer accepts
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
        app.router.add_post("/upload/{file_id}", self._upload)
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

    def approve(self, team: str, *, user: str = "U0INSTALLER") -> str:
        """A person allowed the app in ``team`` on Slack's authorize page: the code Slack redirects with."""
        code = f"code-{team}-{len(self.grants) + len(self.team_tokens)}"
        self.grants[code] = (team, user)
        return code

    def revoke(self, team: str) -> None:
        """The app was uninstalled from ``team``: its tokens are refused from now on."""
        self.revoked |= {token for token, owner in self.team_tokens.items() if owner == team}

    def tokens_used(self, method: str, channel: str) -> list[str]:
        """The token of each successful ``method`` call to ``channel``, in order."""
        return [c.token for c in self.calls_to(method) if c.params.get("channel") == channel]

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
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else str(params.get("token") or "")
        queued = self.failures.get(method)
        if queued:
            status, headers, body = queued.pop(0)
            self.calls.append(Call(method, params, status, token=token))
            self._touch()
            if isinstance(body, str):  # not the Web API's JSON: a proxy's page, a broken answer
                headers = dict(headers)
                kind = headers.pop("Content-Type", "text/plain")
                return web.Response(text=body, status=status, headers=headers, content_type=kind)
            return web.json_response(body, status=status, headers=headers)
        refused = self._refusal(method, params) or self._wrong_token(method, params, token)
        if method == "oauth.v2.access" and refused is None:
            answer = self._oauth_access(params, auth)
            refused = answer if not answer["ok"] else None
        else:
            answer = self._answer(method, params) if refused is None else refused
        if method == "auth.test" and refused is None and token in self.team_tokens:
            team = self.team_tokens[token]
            answer = {**answer, "team_id": team, "user_id": f"U{team}BOT", "bot_id": f"B{team}"}
        self.calls.append(Call(method, params, 200 if refused is None else 400, token=token))
        self._touch()
        return web.json_response(answer)

    def _wrong_token(self, method: str, params: dict[str, Any], token: str) -> dict[str, Any] | None:
        """Slack's answer to a revoked token, or to a token of one team used on another team's channel."""
        if token in self.revoked:
            return {"ok": False, "error": "token_revoked"}
        channel = str(params.get("channel") or "")
        owner = self.team_tokens.get(token, TEAM)
        if channel in self.channel_teams and self.channel_teams[channel] != owner:
            return {"ok": False, "error": "channel_not_found"}
        return None

    def _oauth_access(self, params: dict[str, Any], auth: str) -> dict[str, Any]:
        """``oauth.v2.access``: the app's credentials (Basic auth) and a one-use code → a team's bot token."""
        try:
            client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            client_id, secret = "", ""
        if not client_id or self.apps.get(client_id) != secret:
            return {"ok": False, "error": "invalid_client_id" if client_id not in self.apps else "bad_client_secret"}
        grant = self.grants.pop(str(params.get("code") or ""), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        team, user = grant
        token = f"xoxb-{team}-{len(self.team_tokens) + 1}"
        self.team_tokens[token] = team
        return {"ok": True, "app_id": "A0APP", "authed_user": {"id": user}, "scope": "commands,chat:write",
                "token_type": "bot", "access_token": token, "bot_user_id": f"U{team}BOT",
                "team": {"id": team, "name": f"Lab {team}"}, "enterprise": None, "is_enterprise_install": False}

    def _refusal(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """What Slack answers a message, a view or an unfurl card that breaks its limits (None: it would post it)."""
        if method == "chat.unfurl":
            cards = _parsed(params.get("unfurls"))
            if not isinstance(cards, dict) or not cards:
                return {"ok": False, "error": "invalid_unfurls"}
            problems = [p for card in cards.values() for p in block_kit_problems((card or {}).get("blocks"))]
            return {"ok": False, "error": "invalid_blocks", "errors": problems} if problems else None
        if method in ("views.publish", "views.open"):
            if method == "views.open" and not params.get("trigger_id"):
                return {"ok": False, "error": "invalid_trigger_id"}
            view_refused = view_problems(params.get("view"))
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": view_refused}} if view_refused else None
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
            if params.get("blocks"):
                message["blocks"] = _parsed(params["blocks"])
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
        if method == "views.publish":
            view = _parsed(params.get("view"))
            self.home_views[str(params.get("user_id") or "")] = view
            return {"ok": True, "view": {**view, "id": f"V{next(self._ts):08d}"}}
        if method == "views.open":
            view = _parsed(params.get("view"))
            self.opened_views.append(view)
            return {"ok": True, "view": {**view, "id": f"V{next(self._ts):08d}"}}
        if method == "files.getUploadURLExternal":  # files.upload v2, step 1 (files_upload_v2)
            if not params.get("filename") or not str(params.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{next(self._ts):08d}"
            self.uploads[file_id] = b""
            return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}
        if method == "files.completeUploadExternal":  # step 3: share what was uploaded
            files = json.loads(params.get("files") or "[]") if isinstance(params.get("files"), str) else params.get("files") or []
            if not files or any(f.get("id") not in self.uploads or not self.uploads[f["id"]] for f in files):
                return {"ok": False, "error": "file_not_found"}
            shared = [{"id": f["id"], "title": f.get("title"), "name": f.get("title"), "mimetype": "image/png",
                       "size": len(self.uploads[f["id"]])} for f in files]
            for f in shared:
                self.shared_files.append({"file": f["id"], "data": self.uploads[f["id"]], "channel": params.get("channel_id"),
                                          "initial_comment": params.get("initial_comment"), "title": f["title"]})
            return {"ok": True, "files": shared}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
        return {"ok": True}

    async def _upload(self, request: web.Request) -> web.Response:
        """files.upload v2, step 2: the bytes, posted to the URL step 1 gave."""
        file_id = request.match_info["file_id"]
        if file_id not in self.uploads:
            return web.Response(status=404, text="unknown upload")
        self.uploads[file_id] = await request.read()
        self._touch()
        return web.Response(text="OK - " + str(len(self.uploads[file_id])))

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
