"""Several Slack workspaces for a test: paperbot with the app's OAuth credentials (no bot token),
installations in its SQLite file, each workspace installed through the real slack-bolt OAuth flow
against the fake, and commands and events sent as from a given workspace.

tests/slack/test_oauth.py tests the flow itself with these steps; tests of other features use them
when they must use the member's workspace's token.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
from pydantic import SecretStr

from tests.harness.databases import sqlite_url
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, command_payload, running_slack
from tests.harness.slack_fake import TEAM, FakeSlack

CLIENT_ID, CLIENT_SECRET = "111.222", "oauth-client-secret"
TEAM2, CHANNEL2 = "T0SECOND", "C0SECOND"


def prepare(fake: FakeSlack) -> None:
    """The fake knows the app (its OAuth credentials) and a second workspace with its channel."""
    fake.apps[CLIENT_ID] = CLIENT_SECRET
    fake.channel_teams.update({CHANNEL: TEAM, CHANNEL2: TEAM2})
    fake.channels[CHANNEL2] = {"id": CHANNEL2, "name": "second", "creator": MEMBER}


@asynccontextmanager
async def two_workspace_slack(tmp_path: Path, threads: str = "never") -> AsyncIterator[SlackHarness]:
    """paperbot with no bot token, the app's OAuth credentials, installations in its SQLite file."""
    oauth = {"bot_token": None, "client_id": CLIENT_ID, "client_secret": SecretStr(CLIENT_SECRET)}
    async with running_slack(tmp_path, "http", threads=threads, embedder=HashEmbedder(), slack=oauth, before_start=prepare,
                             runner_options={"database_url": sqlite_url(tmp_path / "paperbot.sqlite3")}) as harness:
        yield harness


def base(h: SlackHarness) -> str:
    return f"http://127.0.0.1:{h.config.slack.http_port}"


async def start_install(h: SlackHarness) -> tuple[str, str]:
    """GET /slack/install: Slack's authorize URL (with our state) and the state cookie."""
    async with aiohttp.ClientSession() as session:
        async with session.get(base(h) + "/slack/install", allow_redirects=False) as response:
            assert response.status == 302
            cookie = response.headers["Set-Cookie"].split(";", 1)[0]
            return response.headers["Location"], cookie


async def finish_install(h: SlackHarness, query: dict[str, str], cookie: str | None) -> tuple[int, str]:
    """Slack sends the browser back to /slack/oauth_redirect."""
    headers = {"Cookie": cookie} if cookie else {}
    async with aiohttp.ClientSession() as session:
        async with session.get(base(h) + "/slack/oauth_redirect?" + urlencode(query), headers=headers,
                               allow_redirects=False) as response:
            return response.status, await response.text()


async def install(h: SlackHarness, team: str) -> str:
    """The whole OAuth flow for ``team`` (install link, Slack's approval, the redirect); its bot token."""
    location, cookie = await start_install(h)
    state = parse_qs(urlsplit(location).query)["state"][0]
    status, page = await finish_install(h, {"code": h.fake.approve(team), "state": state}, cookie)
    assert status == 200 and f"paperbot is installed in Lab {team}" in page, page
    return next(token for token, owner in h.fake.team_tokens.items() if owner == team)


async def command_in(h: SlackHarness, text: str, team: str, channel: str, key: str) -> int:
    """`/papers <text>` from ``team``'s ``channel``, answered at the response URL ``key``; the HTTP status."""
    body = urlencode(command_payload(text, response_url=h.fake.response_url(key), team=team, channel=channel))
    return (await h.post(body, h.signed(body, content_type="application/x-www-form-urlencoded")))[0]


def in_team(body: dict[str, Any], team: str, channel: str) -> dict[str, Any]:
    """An Events API envelope of the harness's first workspace, moved to ``team``'s ``channel``."""
    body.update(team_id=team, context_team_id=team)
    body["authorizations"][0]["team_id"] = team
    event = body["event"]
    if "item" in event:
        event["item"]["channel"] = channel
    else:
        event["channel"] = channel
    if "team" in event:
        event["team"] = team
    return body
