"""Slack end to end: the real slack-bolt, wired by paperbot's own composition root, against FakeSlack.

The bot is built exactly as `paperbot run` builds it (config → open_store → build_bot →
SlackRunner), on a tmp SQLite file loaded with the bundled sample (first a copy of the session's
migrated file: the start's ``upgrade`` finds it at head); only the Slack
``base_url`` (and the HTTP port) point at 127.0.0.1. What Slack sends (slash commands, Events
API envelopes, retry headers) has the recorded shapes of ``tests/fixtures/payloads/slack/``.
"""
from __future__ import annotations

import hashlib
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.app import PaperBot
from bot.config import Config, config_from_dict
from paperbot.compose import build_bot, database_url, open_spool, open_store
from paperbot.slack_runner import SlackRunner
from tests.harness import payloads
from tests.harness.databases import sqlite_url
from tests.harness.head_schema import process_head_schemas
from tests.harness.sample import NOW, load_sample
from tests.harness.slack_fake import BOT_USER, TEAM, FakeSlack

SECRET = "test-signing-secret"
APP_ID = "A0APP"
CHANNEL = "C0GENERAL"
ADMIN, CREATOR, MEMBER = "U0ADMIN", "U0CREATOR", "U0MEMBER"
EVENT_TIME = 1762689600  # 2025-11-09 12:00 UTC


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def signed_headers(body: str, *, content_type: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with a request: its timestamp and the v0 signature of the body."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body) or "",
    }


def command_payload(text: str, *, response_url: str, user: str = MEMBER, team: str = TEAM, channel: str = CHANNEL,
                    command: str = "/papers") -> dict[str, str]:
    """A slash command's fields (form-encoded over HTTP, the payload of a Socket Mode envelope)."""
    fields: dict[str, str] = payloads.load(
        "slack/slash_command", team_id=team, team_domain="lab", channel_id=channel, channel_name="general",
        user_id=user, user_name=user.lower(), command=command, text=text, api_app_id=APP_ID,
        response_url=response_url, trigger_id=f"13345224609.738474920.{uuid.uuid4().hex[:21]}",
    )
    return fields


def reaction_event(event_id: str, ts: str, reaction: str, *, added: bool = True, user: str = MEMBER,
                   item_user: str = BOT_USER, event_ts: str = "1762689600.000100") -> dict[str, Any]:
    """An Events API ``reaction_added`` / ``reaction_removed`` envelope for a reaction on message ``ts``."""
    envelope: dict[str, Any] = payloads.load(
        "slack/event_reaction_added" if added else "slack/event_reaction_removed",
        team_id=TEAM, api_app_id=APP_ID, bot_user=BOT_USER, event_id=event_id, event_time=EVENT_TIME,
        user=user, reaction=reaction, channel=CHANNEL, item_ts=ts, item_user=item_user, event_ts=event_ts,
    )
    return envelope


def message_event(event_id: str, *, text: str, ts: str, thread_ts: str | None, user: str | None = MEMBER,
                  kind: str = "message", parent_user: str = BOT_USER, **extra: Any) -> dict[str, Any]:
    """An Events API envelope for a message in a thread (``kind="message"``) or one that mentions the
    bot (``kind="app_mention"``). ``thread_ts=None`` is a top-level message, ``user=None`` one without
    a user (a bot's); ``extra`` adds event fields (``subtype``, ``bot_id``, ``message``…)."""
    body: dict[str, Any] = payloads.load(
        "slack/event_app_mention" if kind == "app_mention" else "slack/event_message_thread_reply",
        team_id=TEAM, api_app_id=APP_ID, bot_user=BOT_USER, event_id=event_id, event_time=EVENT_TIME,
        user=user, ts=ts, text=text, thread_ts=thread_ts, parent_user_id=parent_user, channel=CHANNEL,
        client_msg_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"slack:{CHANNEL}:{ts}")),
        block_id=hashlib.sha1(ts.encode()).hexdigest()[:5], rich_text=payloads.rich_text(text),
    )
    event = body["event"]
    if user is None:
        del event["user"]
    if thread_ts is None:
        del event["thread_ts"], event["parent_user_id"]
    if "subtype" in extra or "bot_id" in extra:  # not typed by a person in a client: no client id, no blocks
        del event["client_msg_id"], event["blocks"]
    event.update(extra)
    return body


def _domain(url: str) -> str:
    """The registered domain Slack names with a link (its host's last two labels; arxiv.org if none)."""
    host = url.split("/")[2] if url.count("/") >= 2 else ""
    return ".".join(host.split(":")[0].split(".")[-2:]) or "arxiv.org"


def link_shared_event(event_id: str, ts: str, urls: list[str], *, user: str = MEMBER, source: str = "conversations_history",
                      thread_ts: str | None = None) -> dict[str, Any]:
    """An Events API ``link_shared`` envelope: ``user`` posted (or, ``source="composer"``, is still
    writing) a message ``ts`` with these links; ``thread_ts``: the message is a reply in that thread."""
    composer = source == "composer"
    body: dict[str, Any] = payloads.load(
        "slack/event_link_shared", team_id=TEAM, api_app_id=APP_ID, bot_user=BOT_USER, event_id=event_id,
        event_time=EVENT_TIME, channel="COMPOSER" if composer else CHANNEL, user=user,
        message_ts=f"{user}-{uuid.uuid4()}" if composer else ts, source=source,
        unfurl_id=f"{CHANNEL}.{ts}.{hashlib.sha1(ts.encode()).hexdigest()}",
        links=[{"domain": _domain(url), "url": url} for url in urls], event_ts=ts,
    )
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    return body


def retry_headers(retry_num: int, reason: str = "http_timeout") -> dict[str, str]:
    """The headers of an Events API redelivery over HTTP."""
    headers: dict[str, str] = payloads.load("slack/retry_headers", retry_num=str(retry_num), retry_reason=reason)
    return headers


@dataclass
class SlackHarness:
    fake: FakeSlack
    bot: PaperBot
    runner: SlackRunner
    config: Config

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.config.slack.http_port}{self.config.slack.http_path}"

    def signed(self, body: str, *, content_type: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
        return signed_headers(body, content_type=content_type, secret=secret, timestamp=timestamp)

    def command_form(self, text: str, *, user: str = MEMBER, key: str = "r1") -> str:
        return urlencode(command_payload(text, response_url=self.fake.response_url(key), user=user))

    def command_payload(self, text: str, *, user: str = MEMBER, key: str = "r1") -> dict[str, str]:
        return command_payload(text, response_url=self.fake.response_url(key), user=user)

    async def post(self, body: str, headers: dict[str, str]) -> tuple[int, str, float]:
        started = time.monotonic()
        async with aiohttp.ClientSession() as session:
            async with session.post(self.events_url, data=body.encode(), headers=headers) as response:
                return response.status, await response.text(), time.monotonic() - started

    async def command(self, text: str, *, user: str = MEMBER, key: str = "r1") -> tuple[int, float]:
        body = self.command_form(text, user=user, key=key)
        status, _, elapsed = await self.post(body, self.signed(body, content_type="application/x-www-form-urlencoded"))
        return status, elapsed


async def send_event(h: SlackHarness, body: dict[str, Any], *, retry: int | None = None) -> int:
    """POST one Events API envelope, signed; ``retry``: as Slack's n-th redelivery of it."""
    raw = json.dumps(body)
    headers = h.signed(raw, content_type="application/json")
    if retry is not None:
        headers.update(retry_headers(retry))
    return (await h.post(raw, headers))[0]


def slack_config(fake: FakeSlack, db_url: str, mode: str, threads: str = "never") -> Config:
    """``threads``: the default thread mode (the issue-5 tests count messages: no threads there)."""
    return config_from_dict({
        "database": {"url": db_url},
        "slack": {
            "bot_token": "xoxb-test", "app_token": "xapp-test", "signing_secret": SECRET,
            "base_url": fake.base_url, "mode": mode, "http_host": "127.0.0.1", "http_port": free_port(),
            "channel_messages_per_second": 100,  # the pace itself is tested in test_pacing.py, not in every test
        },
        "discussion": {"threads": threads},
        "answers": {"fulltext": False},  # no network: answers come from the abstract
    }, environ={})


@asynccontextmanager
async def running_slack(tmp_path: Path, mode: str, *, threads: str = "never",
                        embedder: object = True, answers: dict[str, Any] | None = None,
                        before_start: Callable[[FakeSlack], None] | None = None,
                        slack: dict[str, Any] | None = None, runner_options: dict[str, Any] | None = None,
                        ) -> AsyncIterator[SlackHarness]:
    """``embedder``: True → the configured model (loaded lazily), or an Embedder instance.
    ``answers``: `[answers]` keys over the defaults (e.g. the LLM engine against a fake endpoint).
    ``before_start``: prepares the fake before the runner starts (failures for its start-up checks);
    ``slack``: `[slack]` keys over the defaults (another token); ``runner_options``: SlackRunner's
    keyword arguments (short start-up delays). A runner that fails to start raises out of this,
    with everything it opened closed."""
    fake = FakeSlack(
        users={
            ADMIN: {"id": ADMIN, "is_admin": True, "is_owner": False},
            CREATOR: {"id": CREATOR, "is_admin": False, "is_owner": False},
            MEMBER: {"id": MEMBER, "is_admin": False, "is_owner": False},
        },
        channels={CHANNEL: {"id": CHANNEL, "name": "general", "creator": CREATOR}},
    )
    await fake.start()
    try:
        database = tmp_path / "paperbot.sqlite3"
        if not database.exists():  # a first start: on a copy of the migrated file (a restart opens what it left)
            await process_head_schemas().sqlite(database)
        config = slack_config(fake, sqlite_url(database), mode, threads)
        if answers:
            config = config.model_copy(update={"answers": config.answers.model_copy(update=answers)})
        if slack:
            config = config.model_copy(update={"slack": config.slack.model_copy(update=slack)})
        async with open_store(database_url(config)) as store:
            await load_sample(store)
            bot = build_bot(config, store, clock=lambda: NOW, embedder=embedder,  # type: ignore[arg-type]
                            spool=open_spool(config, database_url(config)))
            try:
                if before_start is not None:
                    before_start(fake)
                runner = SlackRunner(config.slack, bot, **(runner_options or {}))
                await runner.start()
                harness = SlackHarness(fake, bot, runner, config)
                try:
                    yield harness
                finally:
                    await harness.runner.stop()  # the one a test may have replaced (a restart)
            finally:
                await bot.close()
    finally:
        await fake.stop()


def control(message: dict[str, Any], action_id: str, side: str | None = None) -> dict[str, Any]:
    """The element of a posted message's controls with ``action_id``, as the action Slack sends for a
    click on it: a button's, or one side (``positive_button`` / ``negative_button``) of feedback_buttons."""
    for n, block in enumerate(message.get("blocks") or []):
        for element in block.get("elements") or []:
            if element.get("action_id") != action_id:
                continue
            clicked = element[side] if side else element
            action = {"action_id": action_id, "block_id": block.get("block_id") or f"b{n}", "type": element["type"],
                      "value": clicked["value"], "action_ts": f"{time.time():.6f}"}
            if element["type"] == "button":
                action["text"] = element["text"]
            return action
    raise AssertionError(f"no control {action_id!r} on message {message.get('ts')}")


def block_actions(message: dict[str, Any], action: dict[str, Any], *, response_url: str, user: str = MEMBER,
                  channel: str = CHANNEL) -> dict[str, Any]:
    """A ``block_actions`` payload: ``user`` clicked ``action`` on the bot's ``message``."""
    body: dict[str, Any] = payloads.load(
        "slack/block_actions", user=user, username=user.lower(), team_id=TEAM, api_app_id=APP_ID,
        message_ts=message["ts"], channel=channel, trigger_id=f"13345224609.738474920.{uuid.uuid4().hex[:21]}",
        message=message, response_url=response_url, action=action,
    )
    return body


async def send_click(h: SlackHarness, body: dict[str, Any]) -> tuple[int, float]:
    """POST one interaction payload as Slack does (form field ``payload``), signed: its status and time."""
    form = urlencode({"payload": json.dumps(body)})
    status, _, elapsed = await h.post(form, h.signed(form, content_type="application/x-www-form-urlencoded"))
    return status, elapsed
