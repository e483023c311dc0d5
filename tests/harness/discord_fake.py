"""A fake Discord (REST + gateway) on 127.0.0.1 that the real discord.py talks to.

It plays just enough of Discord for paperbot: login (users/@me, applications/@me),
gateway (HELLO, IDENTIFY, heartbeats, READY, GUILD_CREATE, then whatever the test
dispatches), command sync, interaction callbacks with Discord's deadlines (a first answer
later than ``response_deadline`` → 404 10062; a second one → 400 40060), webhook edits
and followups, channel messages, threads started from a message (a type-11 channel, also
announced with THREAD_CREATE; a second thread on one message → 400 160004), DM channels,
members' messages (MESSAGE_CREATE, with the content blanked as Discord does when the bot
lacks the message content intent and is not mentioned), and scripted failures (429 with
Via + retry_after, 403, and any status for the next requests matching a method and path:
``fail_next``, e.g. a 503 on the command sync or a Cloudflare-style 429 without ``Via``).
Forum channels (type 15; ``add_forum``): read with GET /channels/{id} (announced in GUILD_CREATE
only with ``announce=True``), posts made with POST /channels/{forum}/threads (a thread whose starter
message has the thread's id, its ``applied_tags`` checked against the forum's ``available_tags``; a
moderated tag applied is a violation, the bot being no moderator; in a forum with ``require_tag`` —
channel flag ``REQUIRE_TAG``, settable later with ``set_require_tag`` — a post with no tag is
refused with 400 40067, as Discord does),
listed with GET /guilds/{id}/threads/active and /channels/{forum}/threads/archived/public; a message
POSTed to the forum itself is refused (400 50008), as Discord does.
Every request is recorded with its JSON body for the tests to inspect.

The gateway dispatches a member causes (INTERACTION_CREATE, MESSAGE_REACTION_ADD/REMOVE,
MESSAGE_CREATE; a message command's INTERACTION_CREATE is the slash command's frame with Discord's
type-3 ``data``) are the recorded-shape frames of ``tests/fixtures/payloads/discord/``, filled in
by ``tests.harness.payloads``.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy
from typing import Any

from aiohttp import WSMsgType, web

from tests.harness import payloads

BOT_ID = "900000000000000001"
APP_ID = "900000000000000002"
COMMAND_ID = "900000000000000003"  # /papers, as registered before this run (when the bot does not sync)
GUILD_ID = "800000000000000001"
CHANNEL_ID = "800000000000000010"
FORUM_ID = "800000000000000020"
OTHER_USER = "700000000000000001"
MANAGE_CHANNELS = 1 << 4
REQUIRE_TAG = 1 << 4  # a forum's channel flag: every post must carry a tag
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 6)  # view, send, add reactions
MESSAGE_CONTENT_INTENT = 1 << 15

DISCORD_EPOCH_MS = 1420070400000
_last_id = 0


def snowflake() -> str:
    """A new id, as Discord's: the current time in its top bits (so ``after=<a time>`` reads work),
    always larger than the last."""
    global _last_id
    _last_id = max(_last_id + 1, (time.time_ns() // 1_000_000 - DISCORD_EPOCH_MS) << 22)
    return str(_last_id)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Content-Type exactly application/json, or discord.py treats the body as text.
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name, "avatar": None, "bot": bot}


def partial_member() -> dict[str, Any]:
    """The partial member Discord attaches to a mentioned user (no ``user``: it is the mention itself)."""
    return {"roles": [], "premium_since": None, "pending": False, "nick": None, "mute": False,
            "joined_at": "2025-01-01T00:00:00.000000+00:00", "flags": 0, "deaf": False,
            "communication_disabled_until": None, "banner": None, "avatar": None}


def interaction_frame(interaction_id: str, token: str, subcommand: str, options: list[dict[str, Any]], *,
                      user_id: str = OTHER_USER, permissions: int = MEMBER_PERMISSIONS,
                      command_id: str = COMMAND_ID, guild_command: bool = False,
                      channel: dict[str, Any] | None = None) -> dict[str, Any]:
    """INTERACTION_CREATE for `/papers <subcommand>` in the guild's channel; ``guild_command``: the
    command was synced to the guild (Discord then names the guild in ``data``)."""
    frame: dict[str, Any] = payloads.load(
        "discord/interaction_create_papers", seq=None, interaction_id=interaction_id, application_id=APP_ID,
        token=token, command_id=command_id, command_guild_id=GUILD_ID, subcommand=subcommand, options=options,
        guild_id=GUILD_ID, channel_id=CHANNEL_ID, channel_name="papers", user=user(user_id, "reader"),
        permissions=str(permissions), app_permissions=str(MEMBER_PERMISSIONS | (1 << 14)),
    )
    if channel is not None:  # run elsewhere, e.g. in a forum post (a thread)
        frame["d"]["channel_id"] = channel["id"]
        frame["d"]["channel"] = {**channel, "permissions": str(permissions)}
    if not guild_command:
        del frame["d"]["data"]["guild_id"]
    return frame


def component_frame(interaction_id: str, token: str, custom_id: str, message: dict[str, Any], *,
                    user_id: str = OTHER_USER, permissions: int = MEMBER_PERMISSIONS,
                    channel: dict[str, Any] | None = None) -> dict[str, Any]:
    """INTERACTION_CREATE (type 3) for a click on a button (``custom_id``) of the bot's ``message``;
    ``channel``: the thread the message is in (e.g. a forum post), as Discord describes it."""
    frame: dict[str, Any] = payloads.load(
        "discord/interaction_create_component", seq=None, interaction_id=interaction_id, application_id=APP_ID,
        token=token, custom_id=custom_id, message=message, guild_id=GUILD_ID, channel_id=message["channel_id"],
        channel_name="papers", user=user(user_id, "reader"), permissions=str(permissions),
        app_permissions=str(MEMBER_PERMISSIONS | (1 << 14)),
    )
    if channel is not None:
        frame["d"]["channel"] = {**channel, "permissions": str(permissions)}
    return frame


def reaction_frame(message_id: str, emoji: str, *, user_id: str = OTHER_USER, added: bool = True,
                   author_id: str | None = None, channel_id: str = CHANNEL_ID, dm: bool = False) -> dict[str, Any]:
    """MESSAGE_REACTION_ADD / _REMOVE; ``dm``: in a direct message (Discord then sends no guild and no member)."""
    ids = {"user_id": user_id, "message_id": message_id, "emoji": emoji, "channel_id": channel_id, "guild_id": GUILD_ID}
    frame: dict[str, Any]
    if added:
        frame = payloads.load("discord/message_reaction_add", seq=None, **ids, message_author_id=author_id,
                              user=user(user_id, "reader"))
        if author_id is None:
            del frame["d"]["message_author_id"]
    else:
        frame = payloads.load("discord/message_reaction_remove", seq=None, **ids)
    if dm:
        del frame["d"]["guild_id"]
        frame["d"].pop("member", None)
    return frame


def message_frame(channel_id: str, content: str, *, message_id: str, user_id: str = OTHER_USER, bot: bool = False,
                  mentions: tuple[str, ...] = (), message_type: int = 0, webhook_id: str | None = None) -> dict[str, Any]:
    """MESSAGE_CREATE: a member's (or a bot's, a webhook's) message in a channel or thread of the guild."""
    author = user(user_id, "reader" if not bot else "otherbot", bot=bot)
    mentioned = [{**user(m, "paperbot" if m == BOT_ID else "someone", bot=m == BOT_ID), "member": partial_member()}
                 for m in mentions]
    frame: dict[str, Any] = payloads.load("discord/message_create_thread_mention", seq=None, message_id=message_id,
                          channel_id=channel_id, guild_id=GUILD_ID, author=author, content=content, mentions=mentioned,
                          timestamp="2025-11-09T12:00:00.000000+00:00", nonce=snowflake())
    frame["d"]["type"] = message_type
    if webhook_id:
        frame["d"]["webhook_id"] = webhook_id
        del frame["d"]["nonce"]
    return frame


def message_command_frame(interaction_id: str, token: str, name: str, target: dict[str, Any], *,
                          user_id: str = OTHER_USER, permissions: int = MEMBER_PERMISSIONS,
                          command_id: str = COMMAND_ID, guild_command: bool = False,
                          channel: dict[str, Any] | None = None) -> dict[str, Any]:
    """INTERACTION_CREATE for a message context-menu command (application command type 3) on
    ``target`` (a message payload), as Discord sends it: the target in ``data.resolved.messages``;
    ``channel``: the thread the target is in (e.g. a forum post), as Discord describes it."""
    frame = interaction_frame(interaction_id, token, "-", [], user_id=user_id, permissions=permissions,
                              command_id=command_id, guild_command=guild_command, channel=channel)
    data: dict[str, Any] = {"id": command_id, "name": name, "type": 3, "target_id": target["id"],
                            "resolved": {"messages": {target["id"]: target}}}
    if guild_command:
        data["guild_id"] = GUILD_ID
    frame["d"]["data"] = data
    return frame


# ------------------------------------------------------------------ Discord's limits and rendering

LIMITS = {"content": 2000, "embeds": 10, "embeds_total": 6000, "title": 256, "description": 4096, "fields": 25,
          "field_name": 256, "field_value": 1024, "footer": 2048, "author": 256, "thread_name": 100,
          "choices": 25, "choice_name": 100, "choice_value": 100,
          "rows": 5, "row_buttons": 5, "custom_id": 100, "button_label": 80}


def embed_chars(embed: dict[str, Any]) -> int:
    """Discord's count across an embed: title, description, field names and values, footer text, author name."""
    return (len(embed.get("title") or "") + len(embed.get("description") or "")
            + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in embed.get("fields") or [])
            + len((embed.get("footer") or {}).get("text") or "") + len((embed.get("author") or {}).get("name") or ""))


def message_limits_broken(body: dict[str, Any]) -> list[str]:
    """What in a message body Discord would refuse with 400 50035 Invalid Form Body."""
    broken = []
    content = body.get("content") or ""
    if len(content) > LIMITS["content"]:
        broken.append(f"content has {len(content)} characters")
    embeds = body.get("embeds") or []
    if len(embeds) > LIMITS["embeds"]:
        broken.append(f"{len(embeds)} embeds")
    if sum(embed_chars(e) for e in embeds) > LIMITS["embeds_total"]:
        broken.append(f"{sum(embed_chars(e) for e in embeds)} characters across the embeds")
    for e in embeds:
        for key, limit in (("title", "title"), ("description", "description")):
            if len(e.get(key) or "") > LIMITS[limit]:
                broken.append(f"embed {key} has {len(e[key])} characters")
        fields = e.get("fields") or []
        if len(fields) > LIMITS["fields"]:
            broken.append(f"{len(fields)} fields")
        for f in fields:
            if not 1 <= len(f.get("name") or "") <= LIMITS["field_name"]:
                broken.append(f"field name has {len(f.get('name') or '')} characters")
            if not 1 <= len(f.get("value") or "") <= LIMITS["field_value"]:
                broken.append(f"field value has {len(f.get('value') or '')} characters")
        if len((e.get("footer") or {}).get("text") or "") > LIMITS["footer"]:
            broken.append("footer too long")
        if len((e.get("author") or {}).get("name") or "") > LIMITS["author"]:
            broken.append("author name too long")
    return broken + components_broken(body.get("components") or [])


def components_broken(rows: list[dict[str, Any]]) -> list[str]:
    """Message components Discord refuses: over 5 action rows, over 5 buttons a row, a custom_id over
    100 characters or repeated in the message, a label over 80, a button with neither label nor emoji."""
    broken = [f"{len(rows)} action rows"] if len(rows) > LIMITS["rows"] else []
    ids: list[str] = []
    for row in rows:
        buttons = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(buttons) <= LIMITS["row_buttons"]:
            broken.append(f"an action row with {len(buttons)} components")
        for b in buttons:
            cid = str(b.get("custom_id") or "")
            ids.append(cid)
            if b.get("type") != 2 or not 1 <= len(cid) <= LIMITS["custom_id"]:
                broken.append(f"button custom_id has {len(cid)} characters")
            if len(str(b.get("label") or "")) > LIMITS["button_label"] or not (b.get("label") or b.get("emoji")):
                broken.append("button label missing or too long")
    if len(ids) != len(set(ids)):
        broken.append("a custom_id repeated in one message")
    return broken


def choices_limits_broken(choices: list[dict[str, Any]]) -> list[str]:
    """What in an autocomplete answer (type 8) Discord would refuse."""
    broken = [f"{len(choices)} choices"] if len(choices) > LIMITS["choices"] else []
    for c in choices:
        if not 1 <= len(str(c.get("name") or "")) <= LIMITS["choice_name"]:
            broken.append(f"choice name has {len(str(c.get('name') or ''))} characters")
        if isinstance(c.get("value"), str) and len(c["value"]) > LIMITS["choice_value"]:
            broken.append(f"choice value has {len(c['value'])} characters")
    return broken


_MENTION_FORMS = re.compile(r"@(?:everyone|here)|<(?:@[!&]?\d+|#\d+|/[^<>\s:]+:\d+|a?:\w+:\d+|t:-?\d+(?::\w)?)>",
                            re.IGNORECASE)
# Discord's autolink (simple-markdown's url rule): consumed whole, so nothing inside it is markup
_AUTOLINK = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
# the bot's own markup around untrusted text: its link labels, a bold headline
_TRUSTED = re.compile(r"\[(?:arXiv|PDF|Hugging Face|code|project)\]\(https?://[^\s()<>\[\]]+\)"
                      r"|<https?://[^\s<>]+>"  # a link written <url>: shown as a link, never unfurled
                      r"|^\*\*(?=\S)|(?<=\S)\*\*$", re.MULTILINE)
SUPPRESS_EMBEDS = 1 << 2  # a message flag: Discord unfurls none of its links (and hides all its embeds)
_UNFURLED = re.compile(r"(?<!<)https?://[^\s<]+[^<.,:;\"')\]\s]", re.IGNORECASE)
_LINE_START = re.compile(r"^(?:>|#|-(?=[\s#])|\d+\.(?=\s)|[*+](?=\s))")


def live_mentions(text: str) -> list[str]:
    """Mention forms a Discord client would render (and, allowed, ping) in ``text``: unescaped and
    unbroken ``@everyone``/``@here``, ``<@id>``, ``<@&id>``, ``<#id>``, ``</cmd:id>``, emoji, timestamps."""
    return [m.group(0) for m in _MENTION_FORMS.finditer(text) if not _escaped(text, m.start())]


def live_markup(text: str) -> list[str]:
    """Markdown a Discord client would render in ``text`` (content, embed title/description/fields)
    that the bot did not write: an unescaped ``*``, ``_``, ``~``, ``|``, backtick, ``[`` (a masked
    link) or ``<`` outside an autolinked URL, or a line-start ``>``, ``#``, ``-``, ``1.`` (quotes,
    headings, subtext, lists). Read left to right as Discord's parser does: escapes, then URLs."""
    text = _TRUSTED.sub(" ", text)
    found: list[str] = []
    i, line_start = 0, True
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and not text[i + 1].isalnum() and not text[i + 1].isspace():
            i, line_start = i + 2, False
            continue
        if line_start:
            start = _LINE_START.match(text, i)
            if start:
                found.append(f"line-start {start.group(0)!r} at {i}")
        url = _AUTOLINK.match(text, i)
        if url:
            i, line_start = url.end(), False
            continue
        if char == "<" and text[i + 1:i + 2] == "\u200b":
            pass  # a broken "<" starts no mention, emoji, timestamp or <link>
        elif char in "*_~|`[<":
            found.append(f"{char!r} at {i}: {text[max(0, i - 20):i + 20]!r}")
        line_start = char == "\n" or (line_start and char in " \t")
        i += 1
    return found


_RANK = re.compile(r"^\d+\. ")  # the bot's own "1. " before a paper's title


def text_problems(body: dict[str, Any]) -> list[str]:
    """Live mentions in any text of a message body, and live markup in what Discord renders as markdown
    (content, embed titles, descriptions, field names and values); footers and author names are plain."""
    problems: list[str] = []
    rendered: list[tuple[str, str]] = [("content", body.get("content") or "")]
    plain: list[tuple[str, str]] = []
    for e in body.get("embeds") or []:
        rendered.append(("title", _RANK.sub("", e.get("title") or "")))
        rendered.append(("description", e.get("description") or ""))
        rendered += [(f"field {f.get('name')}", f"{f.get('name') or ''}\n{f.get('value') or ''}")
                     for f in e.get("fields") or []]
        plain.append(("footer", (e.get("footer") or {}).get("text") or ""))
        plain.append(("author", (e.get("author") or {}).get("name") or ""))
    for what, text in rendered:
        problems += [f"{what}: markup {m}" for m in live_markup(text)]
    for what, text in rendered + plain:
        problems += [f"{what}: mention {m!r}" for m in live_mentions(text)]
    return problems


def unfurled(body: dict[str, Any]) -> list[str]:
    """The URLs Discord would turn into link previews for a message body: every URL in its content not
    written ``<url>``, unless the message has the SUPPRESS_EMBEDS flag (URLs inside embeds never unfurl)."""
    if int(body.get("flags") or 0) & SUPPRESS_EMBEDS:
        return []
    return [m.group(0) for m in _UNFURLED.finditer(body.get("content") or "")]


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    while at - backslashes - 1 >= 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def message_body(r: Recorded) -> dict[str, Any] | None:
    """The message a request sends or edits (a channel message, a forum post's starter, an interaction's
    answer, edit or followup), or None."""
    if not isinstance(r.body, dict):
        return None
    if r.path.endswith("/callback"):
        data = r.body.get("data")
        return data if r.body.get("type") in (4, 7) and isinstance(data, dict) else None
    if r.method == "POST" and r.path.endswith("/threads"):
        message = r.body.get("message")  # a forum post's starter message
        return message if isinstance(message, dict) else None
    if r.method in ("POST", "PATCH") and ("/webhooks/" in r.path or r.path.endswith("/messages")):
        return r.body
    return None


@dataclass
class Scripted:
    """A failure to answer instead of the real response, for the next ``times`` matching requests."""

    method: str
    path: str  # a regular expression the whole path must match
    status: int
    body: Any
    headers: dict[str, str]
    times: int


def multipart_fields(content_type: str, raw: bytes) -> dict[str, Any]:
    """A multipart message body as Discord reads it: ``payload_json``'s fields, and the attached
    files by filename (``files``)."""
    parsed = BytesParser(policy=email_policy).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    fields: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if name == "payload_json":
            fields.update(json.loads(data))
        elif part.get_filename():
            files[str(part.get_filename())] = bytes(data)
    return {**fields, "files": files} if files else fields


def autocomplete_frame(frame: dict[str, Any], focused: str) -> dict[str, Any]:
    """An INTERACTION_CREATE frame turned into an autocomplete (type 4) with ``focused`` being typed."""
    frame["d"]["type"] = 4
    for option in frame["d"]["data"]["options"][0]["options"]:
        if option["name"] == focused:
            option["focused"] = True
    return frame


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    at: float


@dataclass
class Interaction:
    id: str
    token: str
    created: float
    responses: list[Recorded] = field(default_factory=list)
    channel_id: str = CHANNEL_ID  # where it was run: its answer's messages are there


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.threads: dict[str, dict[str, Any]] = {}  # thread id → channel payload
        self.forums: dict[str, dict[str, Any]] = {}  # forum id → channel payload (add_forum)
        self.announce_forums = False  # forums in GUILD_CREATE (else only GET /channels/{id} tells)
        self.member_messages: dict[str, dict[str, Any]] = {}  # members' messages (``say``): a thread can start on them
        self.dm_channels: dict[str, dict[str, Any]] = {}  # user id → DM channel payload
        self.interactions: dict[str, Interaction] = {}
        self.files: dict[str, dict[str, bytes]] = {}  # message id → its attached files (multipart uploads), by name
        self.attachment_size_limit: int | None = None  # what interactions say Discord takes (None: the payload's 10 MiB)
        self.response_deadline = 3.0
        self.token = "fake-token"
        self.rate_limit_next: dict[str, float] = {}  # path → retry_after for the next request
        self.forbidden_channels: set[str] = set()
        self.gone_channels: set[str] = set()  # deleted channels and threads: 404 10003 on a message to them
        self.scripted: list[Scripted] = []
        self.violations: list[str] = []  # bodies refused as Discord would (400 50035), with why
        self.identified = asyncio.Event()
        self.identifies: list[dict[str, Any]] = []
        self.privileged_allowed = True  # False: an IDENTIFY asking for message content is closed with 4014
        self.close_after_identify: list[int] = []  # close codes for the next IDENTIFYs, one each (4012: not resumable)
        self.commands: dict[tuple[str | None, str], str] = {}  # (guild id or None, name) → id, as synced
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ server

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if data["op"] == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif data["op"] == 2:
                self.identifies.append(data["d"])
                if not self.privileged_allowed and data["d"].get("intents", 0) & MESSAGE_CONTENT_INTENT:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                if self.close_after_identify:
                    await ws.close(code=self.close_after_identify.pop(0), message=b"Scripted close.")
                    break
                shard = data["d"].get("shard")
                ready = {
                    "v": 10,
                    "user": user(BOT_ID, "paperbot", bot=True),
                    "session_id": "session-1",
                    "resume_gateway_url": self.gateway_url,
                    "guilds": [{"id": GUILD_ID, "unavailable": True}],
                    "application": {"id": APP_ID, "flags": 0},
                }
                if shard:
                    ready["shard"] = shard
                await self.dispatch("READY", ready)
                await self.dispatch("GUILD_CREATE", self.guild())
                self.identified.set()
        return ws

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.send_frame({"op": 0, "s": None, "t": event, "d": data})

    async def send_frame(self, frame: dict[str, Any]) -> None:
        """Send one gateway dispatch frame, numbered with the next sequence number."""
        assert self._ws is not None, "no gateway connection"
        self._seq += 1
        await self._ws.send_str(json.dumps({**frame, "s": self._seq}))

    def guild(self) -> dict[str, Any]:
        return {
            "id": GUILD_ID, "name": "Paper Club", "owner_id": OTHER_USER, "unavailable": False,
            "member_count": 2, "large": False, "features": [], "emojis": [], "stickers": [],
            "joined_at": "2025-01-01T00:00:00+00:00", "members": [], "threads": [], "voice_states": [],
            "presences": [], "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "roles": [{"id": GUILD_ID, "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS), "position": 0,
                       "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}],
            "channels": [{"id": CHANNEL_ID, "type": 0, "name": "papers", "position": 0,
                          "permission_overwrites": [], "guild_id": GUILD_ID},
                         *(self.forums.values() if self.announce_forums else [])],
        }

    def add_forum(self, tags: list[str], *, forum_id: str = FORUM_ID, channel_type: int = 15,
                  moderated: tuple[str, ...] = (), require_tag: bool = False) -> dict[str, Any]:
        """A forum (15) or media channel (16) with these tags (``moderated``: only moderators may apply them;
        ``require_tag``: "Require tags" on, a post without one is refused)."""
        forum = {"id": forum_id, "type": channel_type, "name": "paper-forum", "position": 1, "guild_id": GUILD_ID,
                 "permission_overwrites": [], "parent_id": None, "topic": None, "nsfw": False,
                 "flags": REQUIRE_TAG if require_tag else 0,
                 "rate_limit_per_user": 0, "last_message_id": None, "default_auto_archive_duration": 1440,
                 "default_thread_rate_limit_per_user": 0, "default_sort_order": None, "default_forum_layout": 0,
                 "default_reaction_emoji": None,
                 "available_tags": [{"id": snowflake(), "name": name, "moderated": name in moderated,
                                     "emoji_id": None, "emoji_name": None} for name in tags]}
        self.forums[forum_id] = forum
        return forum

    def set_require_tag(self, on: bool, forum_id: str = FORUM_ID) -> None:
        """A moderator turns "Require tags" on or off (announced to no one: a bot that fetched the forum
        keeps what it read)."""
        forum = self.forums[forum_id]
        forum["flags"] = (forum["flags"] | REQUIRE_TAG) if on else (forum["flags"] & ~REQUIRE_TAG)

    def posts(self, forum_id: str = FORUM_ID) -> list[dict[str, Any]]:
        """The posts (threads) in a forum, oldest first."""
        return sorted((t for t in self.threads.values() if t["parent_id"] == forum_id), key=lambda t: int(t["id"]))

    def tag_names(self, post: dict[str, Any]) -> list[str]:
        forum = self.forums[post["parent_id"]]
        names = {t["id"]: t["name"] for t in forum["available_tags"]}
        return [names[t] for t in post.get("applied_tags") or []]

    def fail_next(self, method: str, path: str, status: int, *, body: Any = None,
                  headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next ``times`` requests ``method`` ``path`` (a regex matching the whole path) with
        ``status``; the default body is Discord's JSON error for that status."""
        default = {"message": f"{status}: scripted failure", "code": 0}
        self.scripted.append(Scripted(method, path, status, default if body is None else body, headers or {}, times))

    def _refused(self, method: str, path: str, body: Any) -> web.Response | None:
        """Discord's 400 50035 Invalid Form Body for a message, autocomplete answer or thread over its limits."""
        if not isinstance(body, dict):
            return None
        broken: list[str] = []
        if (method, path.rsplit("/", 1)[-1]) == ("POST", "callback"):
            data = body.get("data") or {}
            broken = choices_limits_broken(data.get("choices") or []) if body.get("type") == 8 else message_limits_broken(data)
        elif method in ("POST", "PATCH") and ("/webhooks/" in path or path.endswith("/messages")):
            broken = message_limits_broken(body)
        elif method == "POST" and path.endswith("/threads"):
            if len(str(body.get("name") or "")) > LIMITS["thread_name"]:
                broken = [f"thread name has {len(str(body.get('name')))} characters"]
            if isinstance(body.get("message"), dict):
                broken += message_limits_broken(body["message"])
        if not broken:
            return None
        self.violations += [f"{method} {path}: {b}" for b in broken]
        return json_response({"message": "Invalid Form Body", "code": 50035,
                              "errors": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "; ".join(broken)}]}},
                             status=400)

    def _scripted(self, method: str, path: str) -> web.Response | None:
        for script in self.scripted:
            if script.method == method and script.times > 0 and re.fullmatch(script.path, path):
                script.times -= 1
                if isinstance(script.body, str):
                    return web.Response(text=script.body, status=script.status, headers=script.headers,
                                        content_type="text/html")
                return json_response(script.body, status=script.status, headers=script.headers)
        return None

    # ------------------------------------------------------------------ scripted gateway events

    async def slash(self, subcommand: str, options: list[dict[str, Any]] | None = None, *,
                    permissions: int = MEMBER_PERMISSIONS, user_id: str = OTHER_USER, age: float = 0.0,
                    focused: str | None = None, channel: dict[str, Any] | None = None) -> Interaction:
        """Dispatch `/papers <subcommand>`; ``age`` pretends Discord created it that many seconds ago;
        ``focused``: an autocomplete of that option instead (answered with choices, type 8)."""
        interaction = Interaction(id=snowflake(), token=f"token-{snowflake()}", created=time.monotonic() - age,
                                  channel_id=channel["id"] if channel is not None else CHANNEL_ID)
        self.interactions[interaction.id] = interaction
        synced = self.commands.get((GUILD_ID, "papers"))  # a guild command carries its guild in data
        frame = interaction_frame(
            interaction.id, interaction.token, subcommand, options or [], user_id=user_id, permissions=permissions,
            command_id=synced or self.commands.get((None, "papers"), COMMAND_ID), guild_command=synced is not None,
            channel=channel,
        )
        if self.attachment_size_limit is not None:
            frame["d"]["attachment_size_limit"] = self.attachment_size_limit
        await self.send_frame(autocomplete_frame(frame, focused) if focused else frame)
        return interaction

    async def click(self, message_id: str, custom_id: str, *, user_id: str = OTHER_USER,
                    age: float = 0.0) -> Interaction:
        """Dispatch a click on the button ``custom_id`` of the bot's message ``message_id`` (as posted);
        ``age`` pretends Discord created the interaction that many seconds ago."""
        interaction = Interaction(id=snowflake(), token=f"token-{snowflake()}", created=time.monotonic() - age,
                                  channel_id=self.messages[message_id]["channel_id"])
        self.interactions[interaction.id] = interaction
        message = {k: v for k, v in self.messages[message_id].items() if k != "allowed_mentions"}
        await self.send_frame(component_frame(interaction.id, interaction.token, custom_id, message, user_id=user_id,
                                              channel=self.thread_described(message["channel_id"])))
        return interaction

    def thread_described(self, channel_id: str) -> dict[str, Any] | None:
        """The thread ``channel_id`` is (e.g. a forum post) as an interaction run in it describes it, else None."""
        thread = self.threads.get(channel_id)
        if thread is None:
            return None
        return {k: thread[k] for k in ("id", "type", "guild_id", "name", "parent_id", "thread_metadata", "owner_id")
                if k in thread}

    def answers(self, interaction: Interaction) -> list[dict[str, Any]]:
        """The edits of an interaction's original (ephemeral) response, oldest first."""
        return [r.body for r in self.requests if r.method == "PATCH" and isinstance(r.body, dict)
                and r.path.endswith(f"/{interaction.token}/messages/@original")]

    async def react(self, message_id: str, emoji: str, *, user_id: str = OTHER_USER, added: bool = True,
                    author_id: str | None = None, channel_id: str = CHANNEL_ID, dm: bool = False) -> None:
        """A reaction; ``dm``: in a direct message (Discord then sends no guild and no member)."""
        await self.send_frame(reaction_frame(message_id, emoji, user_id=user_id, added=added, author_id=author_id,
                                             channel_id=channel_id, dm=dm))

    def content_intent(self) -> bool:
        intents = self.identifies[-1].get("intents", 0) if self.identifies else 0
        return bool(intents & MESSAGE_CONTENT_INTENT)

    async def say(self, channel_id: str, content: str, *, user_id: str = OTHER_USER, bot: bool = False,
                  mentions: tuple[str, ...] = (), reply_to: str | None = None, message_type: int = 0,
                  webhook_id: str | None = None, message_id: str | None = None) -> dict[str, Any]:
        """Dispatch MESSAGE_CREATE: someone wrote ``content`` in a channel or thread of the guild.

        Like Discord, the content reaches a bot without the message content intent only when
        the message mentions it (or is its own).
        """
        frame = message_frame(channel_id, content, message_id=message_id or snowflake(), user_id=user_id, bot=bot,
                              mentions=mentions, message_type=message_type, webhook_id=webhook_id)
        data: dict[str, Any] = frame["d"]
        if reply_to:
            data["type"] = 19
            data["message_reference"] = {"type": 0, "message_id": reply_to, "channel_id": channel_id, "guild_id": GUILD_ID}
            original = self.messages.get(reply_to)
            if original is not None:
                data["referenced_message"] = {k: v for k, v in original.items() if k != "allowed_mentions"}
        self.member_messages[data["id"]] = {k: v for k, v in data.items() if k not in ("guild_id", "member", "nonce")}
        if BOT_ID not in mentions and user_id != BOT_ID and not self.content_intent():
            data["content"] = ""
        await self.send_frame(frame)
        return data

    async def message_command(self, name: str, message_id: str, *, user_id: str = OTHER_USER,
                              permissions: int = MEMBER_PERMISSIONS) -> Interaction:
        """Dispatch the message command ``name`` on a member's message (one ``say`` sent): Discord
        resolves the target with its content, whatever the bot's intents. Run where the message is
        (a thread, e.g. a forum post, is described as Discord does)."""
        target = self.member_messages[message_id]
        where = self.thread_described(target["channel_id"])
        interaction = Interaction(id=snowflake(), token=f"token-{snowflake()}", created=time.monotonic(),
                                  channel_id=where["id"] if where is not None else CHANNEL_ID)
        self.interactions[interaction.id] = interaction
        synced = self.commands.get((GUILD_ID, name))
        frame = message_command_frame(interaction.id, interaction.token, name, target,
                                      user_id=user_id, permissions=permissions,
                                      command_id=synced or self.commands.get((None, name), COMMAND_ID),
                                      guild_command=synced is not None, channel=where)
        await self.send_frame(frame)
        return interaction

    async def member_thread(self, message_id: str, name: str = "discussion", *, user_id: str = OTHER_USER,
                            channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        """A member starts a thread from a message (the thread's id is the message's id)."""
        thread = self.thread(channel_id, message_id, name, owner_id=user_id)
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return thread

    def thread(self, parent_id: str, message_id: str, name: str, *, owner_id: str = BOT_ID,
               auto_archive_duration: int = 1440) -> dict[str, Any]:
        thread = {
            "id": message_id, "type": 11, "guild_id": GUILD_ID, "parent_id": parent_id, "owner_id": owner_id,
            "name": name, "last_message_id": None, "rate_limit_per_user": 0, "message_count": 0,
            "member_count": 1, "total_message_sent": 0, "flags": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": auto_archive_duration,
                                "archive_timestamp": "2025-11-09T12:00:00+00:00", "locked": False,
                                "create_timestamp": "2025-11-09T12:00:00+00:00"},
        }
        self.threads[message_id] = thread
        return thread

    def in_channel(self, channel_id: str) -> list[dict[str, Any]]:
        """The messages the bot posted in one channel or thread, oldest first."""
        return sorted((m for m in self.messages.values() if m["channel_id"] == channel_id), key=lambda m: int(m["id"]))

    # ------------------------------------------------------------------ REST

    def _answered_in(self, token: str) -> str:
        """The channel an interaction's answer goes to: where it was run (the guild's channel if unknown)."""
        return next((i.channel_id for i in self.interactions.values() if i.token == token), CHANNEL_ID)

    def message(self, channel_id: str, body: dict[str, Any], *, message_id: str | None = None) -> dict[str, Any]:
        message_id = message_id or snowflake()
        attachments = [{"id": snowflake(), "filename": name, "size": len(data), "content_type": "image/png",
                        "url": f"{self.base_url}/attachments/{channel_id}/{message_id}/{name}",
                        "proxy_url": f"{self.base_url}/attachments/{channel_id}/{message_id}/{name}"}
                       for name, data in (body.get("files") or {}).items()]
        if attachments:
            self.files[message_id] = dict(body["files"])
        msg: dict[str, Any] = {
            "id": message_id, "channel_id": channel_id, "type": 0, "author": user(BOT_ID, "paperbot", bot=True),
            "content": body.get("content") or "", "embeds": body.get("embeds") or [], "attachments": attachments,
            "mentions": [], "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
            "timestamp": "2025-11-09T12:00:00+00:00", "edited_timestamp": None, "flags": body.get("flags") or 0,
            "components": body.get("components") or [], "webhook_id": None,
        }
        self.messages[msg["id"]] = {**msg, "allowed_mentions": body.get("allowed_mentions")}
        return msg

    def rendering_problems(self, since: int = 0) -> list[str]:
        """Everything the bot sent that Discord would refuse (its limits) or render live (a mention, a
        masked link or markdown it did not write, a link preview), and every message sent with mentions
        allowed: over channel messages, interaction answers, edits, followups, autocomplete choices and
        thread names (``since``: from that request on; refused bodies are counted whenever they came)."""
        problems = list(self.violations) if not since else []
        for r in self.requests[since:]:
            if not isinstance(r.body, dict):
                continue
            where = f"{r.method} {r.path}"
            if r.path.endswith("/callback") and r.body.get("type") == 8:
                data = r.body.get("data") or {}
                problems += [f"{where}: {p}" for p in choices_limits_broken(data.get("choices") or [])]
                problems += [f"{where}: choice {c['name']!r} {m}" for c in data.get("choices") or []
                             for m in live_mentions(str(c.get("name")))]
            elif r.method == "POST" and r.path.endswith("/threads"):
                name = str(r.body.get("name") or "")
                if not 1 <= len(name) <= LIMITS["thread_name"]:
                    problems.append(f"{where}: thread name has {len(name)} characters")
                problems += [f"{where}: thread name {m}" for m in live_mentions(name)]
            body = message_body(r)
            if body is None:
                continue
            problems += [f"{where}: {p}" for p in message_limits_broken(body)]
            allowed = body.get("allowed_mentions")
            if not allowed or allowed.get("parse") or allowed.get("users") or allowed.get("roles") \
                    or allowed.get("replied_user"):
                problems.append(f"{where}: mentions allowed ({allowed})")
            problems += [f"{where}: {p}" for p in text_problems(body)]
            problems += [f"{where}: would unfurl {url}" for url in unfurled(body)]
        return problems

    def link_previews(self) -> list[str]:
        """Every URL Discord would have unfurled in a message the bot sent (see :func:`unfurled`)."""
        return [f"{r.method} {r.path}: {url}" for r in self.requests
                for body in [message_body(r)] if body is not None for url in unfurled(body)]

    def find(self, method: str, fragment: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and fragment in r.path]

    def webhook_calls(self, token: str) -> list[Recorded]:
        """The edits and followups for one interaction (by its token), in order, as recorded."""
        return [r for r in self.requests if token in r.path and "/webhooks/" in r.path and r.method in ("PATCH", "POST")]

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw or b"null")
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": raw.decode("utf-8", "replace"),
                        **multipart_fields(request.headers.get("Content-Type", ""), raw)}
        record = Recorded(request.method, path, body, time.monotonic())
        self.requests.append(record)
        scripted = self._scripted(request.method, path)
        if scripted is not None:
            return scripted
        refused = self._refused(request.method, path, body)
        if refused is not None:
            return refused
        if path in self.rate_limit_next:
            retry_after = self.rate_limit_next.pop(path)
            return json_response({"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                                 status=429, headers={"Via": "1.1 google", "Retry-After": str(retry_after),
                                                      "X-RateLimit-Scope": "user"})
        parts = path.strip("/").split("/")
        match request.method, parts:
            case "GET", ["users", "@me"]:
                if request.headers.get("Authorization") != f"Bot {self.token}":
                    return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
                return json_response(user(BOT_ID, "paperbot", bot=True))
            case "GET", ["oauth2", "applications", "@me"]:
                return json_response({
                    "id": APP_ID, "name": "paperbot", "description": "", "icon": None, "bot_public": True,
                    "bot_require_code_grant": False, "owner": user(OTHER_USER, "owner"), "verify_key": "00",
                    "flags": 0,
                })
            case "GET", ["gateway", "bot"]:
                return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": {
                    "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
            case "GET", ["gateway"]:
                return json_response({"url": self.gateway_url})
            case "PUT", ["applications", _, *rest] if rest[-1:] == ["commands"]:
                guild = rest[1] if rest[:1] == ["guilds"] else None
                synced = [{**cmd, "id": snowflake(), "application_id": APP_ID, "version": "1",
                           "default_member_permissions": None, "type": cmd.get("type", 1),
                           "description": cmd.get("description", "")} for cmd in body]  # "" for a context menu
                self.commands.update({(guild, cmd["name"]): cmd["id"] for cmd in synced})
                return json_response(synced)
            case "POST", ["interactions", interaction_id, token, "callback"]:
                return self._callback(interaction_id, token, body, record)
            case "PATCH", ["webhooks", _, token, "messages", "@original"]:
                return json_response(self.message(self._answered_in(token), body or {}))
            case "DELETE", ["webhooks", _, token, "messages", "@original"]:
                return web.Response(status=204)
            case "POST", ["webhooks", _, token]:
                return json_response(self.message(self._answered_in(token), body or {}))
            case "GET", ["channels", channel_id, "messages"]:
                limit = int(request.query.get("limit", "50"))
                mine = [{k: v for k, v in m.items() if k != "allowed_mentions"}
                        for m in self.messages.values() if m["channel_id"] == channel_id]
                if "after" in request.query:  # the oldest ``limit`` after it, newest first (as Discord answers)
                    later = sorted((m for m in mine if int(m["id"]) > int(request.query["after"])), key=lambda m: int(m["id"]))
                    return json_response(list(reversed(later[:limit])))
                if "before" in request.query:
                    mine = [m for m in mine if int(m["id"]) < int(request.query["before"])]
                return json_response(sorted(mine, key=lambda m: int(m["id"]), reverse=True)[:limit])
            case "POST", ["channels", channel_id, "messages"] if channel_id in self.forums:
                return json_response({"message": "Cannot send messages in a non-text channel", "code": 50008},
                                     status=400)
            case "POST", ["channels", channel_id, "threads"] if channel_id in self.forums:
                return await self._forum_post(channel_id, body or {})
            case "GET", ["guilds", _, "threads", "active"]:
                active = [t for t in self.threads.values() if not t["thread_metadata"]["archived"]]
                return json_response({"threads": active, "members": []})
            case "GET", ["channels", channel_id, "threads", "archived", "public"]:
                archived = [t for t in self.threads.values()
                            if t["parent_id"] == channel_id and t["thread_metadata"]["archived"]]
                return json_response({"threads": archived, "members": [], "has_more": False})
            case "GET", ["channels", channel_id, "messages", message_id]:
                found = self.messages.get(message_id)
                if found is None or found["channel_id"] != channel_id:
                    return json_response({"message": "Unknown Message", "code": 10008}, status=404)
                return json_response({k: v for k, v in found.items() if k != "allowed_mentions"})
            case "POST", ["channels", channel_id, "messages"] if channel_id in self.gone_channels:
                return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
            case "POST", ["channels", channel_id, "messages"]:
                if channel_id in self.forbidden_channels:
                    return json_response({"message": "Missing Access", "code": 50001}, status=403)
                if channel_id in self.threads:
                    self.threads[channel_id]["message_count"] += 1
                return json_response(self.message(channel_id, body or {}))
            case "POST", ["channels", channel_id, "messages", message_id, "threads"]:
                return await self._start_thread(channel_id, message_id, body or {})
            case "GET", ["channels", channel_id]:
                if channel_id in self.forums:
                    return json_response(self.forums[channel_id])
                if channel_id in self.threads:
                    return json_response(self.threads[channel_id])
                if channel_id == CHANNEL_ID:
                    return json_response(self.guild()["channels"][0])
                return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
            case "POST", ["users", "@me", "channels"]:
                recipient = str((body or {}).get("recipient_id"))
                channel = self.dm_channels.setdefault(recipient, {
                    "id": snowflake(), "type": 1, "last_message_id": None, "flags": 0,
                    "recipients": [user(recipient, "reader")]})
                return json_response(channel)
        return json_response({"message": f"fake Discord has no {request.method} {path}", "code": 0}, status=404)

    async def _forum_post(self, forum_id: str, body: dict[str, Any]) -> web.Response:
        """POST /channels/{forum}/threads: a post — a thread and its starter message, which has its id."""
        if forum_id in self.forbidden_channels:
            return json_response({"message": "Missing Permissions", "code": 50013}, status=403)
        name = str(body.get("name") or "")
        message = body.get("message")
        tags = [str(t) for t in body.get("applied_tags") or []]
        known = {t["id"]: t for t in self.forums[forum_id]["available_tags"]}
        if not 1 <= len(name) <= 100 or not isinstance(message, dict) or not (message.get("content") or message.get("embeds")) \
                or len(tags) > 5 or any(t not in known for t in tags):
            self.violations.append(f"POST /channels/{forum_id}/threads: name {len(name)}, tags {tags}")
            return json_response({"message": "Invalid Form Body", "code": 50035}, status=400)
        if any(known[t]["moderated"] for t in tags):
            self.violations.append(f"POST /channels/{forum_id}/threads: a moderated tag applied ({tags})")
        if self.forums[forum_id]["flags"] & REQUIRE_TAG and not tags:
            return json_response({"message": "A tag is required to create a forum post in this channel", "code": 40067},
                                 status=400)
        thread_id = snowflake()
        thread = self.thread(forum_id, thread_id, name, auto_archive_duration=int(body.get("auto_archive_duration") or 1440))
        thread["applied_tags"] = tags
        thread["message_count"] = 1
        starter = self.message(thread_id, message, message_id=thread_id)
        if self._ws is not None and not self._ws.closed:
            await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return json_response({**thread, "message": starter}, status=201)

    async def _start_thread(self, channel_id: str, message_id: str, body: dict[str, Any]) -> web.Response:
        if channel_id in self.forbidden_channels:
            return json_response({"message": "Missing Permissions", "code": 50013}, status=403)
        if message_id in self.threads:
            return json_response({"message": "A thread has already been created for this message", "code": 160004},
                                 status=400)
        if message_id not in self.messages and message_id not in self.member_messages:
            return json_response({"message": "Unknown Message", "code": 10008}, status=404)
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            return json_response({"message": "Invalid Form Body", "code": 50035}, status=400)
        thread = self.thread(channel_id, message_id, name, auto_archive_duration=int(body.get("auto_archive_duration") or 1440))
        if self._ws is not None and not self._ws.closed:  # Discord announces it on the gateway too
            await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True,
                                                  "member": {"id": message_id, "user_id": BOT_ID, "flags": 0,
                                                             "join_timestamp": "2025-11-09T12:00:00+00:00"}})
        return json_response(thread, status=201)

    def _callback(self, interaction_id: str, token: str, body: Any, record: Recorded) -> web.Response:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.token != token or record.at - interaction.created > self.response_deadline:
            return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        if interaction.responses:
            return json_response({"message": "Interaction has already been acknowledged.", "code": 40060}, status=400)
        interaction.responses.append(record)
        return json_response({"interaction": {"id": interaction_id, "type": 2,
                                              "response_message_loading": body.get("type") == 5,
                                              "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64)}})
