"""Slack end to end: the real slack-bolt, wired by paperbot's own composition root, against FakeSlack.

The bot is built exactly as `paperbot run` builds it (config → open_store → build_bot →
SlackRunner), on a tmp SQLite file loaded with the bundled sample; only the Slack
``base_url`` (and the HTTP port) point at 127.0.0.1.
"""
from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier

from bot.app import PaperBot
from bot.config import Config, config_from_dict
from bot.sources.sample import SampleSource
from bot.usecases.ingest import store_papers
from paperbot.compose import build_bot, bundled_sample, database_url, open_store
from paperbot.slack_runner import SlackRunner
from tests.harness.slack_fake import TEAM, FakeSlack

NOW = datetime(2025, 11, 9, 12, 0, tzinfo=timezone.utc)  # just after the sample's last day
SECRET = "test-signing-secret"
CHANNEL = "C0GENERAL"
ADMIN, CREATOR, MEMBER = "U0ADMIN", "U0CREATOR", "U0MEMBER"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
        }

    def command_form(self, text: str, *, user: str = MEMBER, key: str = "r1") -> str:
        return urlencode({
            "token": "legacy", "team_id": TEAM, "team_domain": "lab", "channel_id": CHANNEL, "channel_name": "general",
            "user_id": user, "user_name": user.lower(), "command": "/papers", "text": text,
            "response_url": self.fake.response_url(key), "trigger_id": "1.2.3", "api_app_id": "A0APP",
        })

    async def post(self, body: str, headers: dict[str, str]) -> tuple[int, str, float]:
        started = time.monotonic()
        async with aiohttp.ClientSession() as session:
            async with session.post(self.events_url, data=body.encode(), headers=headers) as response:
                return response.status, await response.text(), time.monotonic() - started

    async def command(self, text: str, *, user: str = MEMBER, key: str = "r1") -> tuple[int, float]:
        body = self.command_form(text, user=user, key=key)
        status, _, elapsed = await self.post(body, self.signed(body, content_type="application/x-www-form-urlencoded"))
        return status, elapsed


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


async def _harness(tmp_path: Path, mode: str, *, threads: str = "never",
                   embedder: object = True, answers: dict | None = None) -> AsyncIterator[SlackHarness]:
    """``embedder``: True → the configured model (loaded lazily), or an Embedder instance.
    ``answers``: `[answers]` keys over the defaults (e.g. the LLM engine against a fake endpoint)."""
    fake = FakeSlack(
        users={
            ADMIN: {"id": ADMIN, "is_admin": True, "is_owner": False},
            CREATOR: {"id": CREATOR, "is_admin": False, "is_owner": False},
            MEMBER: {"id": MEMBER, "is_admin": False, "is_owner": False},
        },
        channels={CHANNEL: {"id": CHANNEL, "name": "general", "creator": CREATOR}},
    )
    await fake.start()
    config = slack_config(fake, f"sqlite+aiosqlite:///{tmp_path / 'paperbot.sqlite3'}", mode, threads)
    if answers:
        config = config.model_copy(update={"answers": config.answers.model_copy(update=answers)})
    async with open_store(database_url(config)) as store:
        await store_papers(store, SampleSource(bundled_sample()).all_papers())
        bot = build_bot(config, store, clock=lambda: NOW, embedder=embedder)  # type: ignore[arg-type]
        runner = SlackRunner(config.slack, bot)
        await runner.start()
        try:
            yield SlackHarness(fake, bot, runner, config)
        finally:
            await runner.stop()
            await bot.close()
            await fake.stop()


@pytest.fixture
async def http_slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async for harness in _harness(tmp_path, "http"):
        yield harness


@pytest.fixture
async def socket_slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async for harness in _harness(tmp_path, "socket"):
        yield harness


async def eventually(check, timeout: float = 5.0):
    """Poll an async ``check`` until it returns something truthy (the handler runs after the ack)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.02)
