"""Several workspaces: the real slack-bolt's OAuth flow against the fake Slack, installations in
paperbot's database (SQLite file here; tests/storage/test_slack_installations.py runs the store on
PostgreSQL too), every outbound call with the token of the workspace it goes to."""
from __future__ import annotations

import json
import time as clock
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
import yaml
from sqlalchemy import update

from adapters.slack.oauth import BOT_SCOPES, FAILURES
from bot.clock import ManualClock
from bot.config import config_from_dict
from bot.domain import ChannelRef, Subscription
from bot.errors import ConfigError
from bot.replies import TextReply
from bot.scheduling.unreachable import WORDS, Unreachable
from paperbot.scheduling import build_scheduler
from paperbot.slack_runner import SlackRunner
from storage.models import SlackOAuthStateRow
from storage.slack_installations import SqlInstallationStore
from tests.harness.databases import sqlite_url
from tests.harness.running_slack import (
    APP_ID,
    CHANNEL,
    MEMBER,
    SlackHarness,
    message_event,
    reaction_event,
    send_event,
)
from tests.harness.slack_fake import TEAM
from tests.harness.slack_workspaces import (
    CHANNEL2,
    CLIENT_ID,
    CLIENT_SECRET,
    TEAM2,
    base,
    finish_install,
    in_team,
    install,
    start_install,
    two_workspace_slack,
)
from tests.harness.slack_workspaces import command_in as command
from tests.harness.waiting import eventually

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)


@asynccontextmanager
async def oauth_slack(tmp_path: Path, threads: str = "never") -> AsyncIterator[SlackHarness]:
    async with two_workspace_slack(tmp_path, threads) as harness:
        yield harness


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with oauth_slack(tmp_path) as harness:
        yield harness


def lifecycle_event(kind: str, team: str, event_id: str, **event: Any) -> dict[str, Any]:
    """``app_uninstalled`` / ``tokens_revoked`` as Slack documents them (docs.slack.dev/reference/events)."""
    return {"token": "XXYYZZ", "team_id": team, "api_app_id": APP_ID, "event": {"type": kind, **event},
            "type": "event_callback", "event_id": event_id, "event_time": int(clock.time())}


def installations(h: SlackHarness) -> SqlInstallationStore:
    return SqlInstallationStore.connect(sqlite_url(Path(h.config.database.url.split("///", 1)[1])), client_id=CLIENT_ID)


async def test_the_install_link_asks_slack_for_the_manifest_scopes_with_a_fresh_state(slack: SlackHarness) -> None:
    location, cookie = await start_install(slack)
    url = urlsplit(location)
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://slack.com/oauth/v2/authorize"
    assert query["client_id"] == [CLIENT_ID] and query["scope"] == [",".join(BOT_SCOPES)]
    assert cookie == f"slack-app-oauth-state={query['state'][0]}"
    again, _ = await start_install(slack)
    assert parse_qs(urlsplit(again).query)["state"] != query["state"]
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


async def test_two_workspaces_install_and_each_is_served_with_its_own_token(slack: SlackHarness) -> None:
    fake = slack.fake
    token1, token2 = await install(slack, TEAM), await install(slack, TEAM2)
    assert token1 != token2
    store = installations(slack)
    try:
        assert await store.teams() == sorted([TEAM, TEAM2])
        saved = await store.async_find_installation(enterprise_id=None, team_id=TEAM2)
        assert saved is not None and saved.bot_token == token2 and saved.bot_user_id == f"U{TEAM2}BOT"
    finally:
        await store.close()
    # a command from each workspace: authorized from the store, answered with that workspace's token
    assert await command(slack, "today 2", TEAM, CHANNEL, "one") == 200
    assert await command(slack, "today 2", TEAM2, CHANNEL2, "two") == 200
    await fake.wait_for(lambda: len(fake.tokens_used("chat.postMessage", CHANNEL)) == 3
                        and len(fake.tokens_used("chat.postMessage", CHANNEL2)) == 3)
    assert set(fake.tokens_used("chat.postMessage", CHANNEL)) == {token1}
    assert set(fake.tokens_used("chat.postMessage", CHANNEL2)) == {token2}
    assert not [c for c in fake.calls if c.status != 200 and c.method == "chat.postMessage"]
    # bolt checked each workspace's token with auth.test (then cached it)
    assert {token1, token2} <= {c.token for c in fake.calls_to("auth.test")}
    # a reaction in the second workspace is authorized from the store and recorded for that workspace's channel
    ts = next(m["ts"] for m in fake.messages[CHANNEL2] if m.get("thread_ts"))
    await eventually(lambda: slack.bot.history(ChannelRef("slack", TEAM2, CHANNEL2)))  # recorded after the send
    assert await send_event(slack, in_team(reaction_event("Ev0SECOND1", ts, "fire"), TEAM2, CHANNEL2)) == 200
    reactions = await slack.bot.store.reactions_for_message(ChannelRef("slack", TEAM2, CHANNEL2), ts)
    assert [r.emoji for r in reactions] == ["🔥"]
    # a workspace that never installed paperbot is told so by bolt (through the response URL), and nothing is posted
    answered = len(fake.responses)
    assert await command(slack, "today 2", "T0STRANGER", "C0STRANGER", "three") == 200
    await fake.wait_for(lambda: len(fake.responses) > answered)
    assert "install" in fake.responses[-1]["text"].lower()
    assert not fake.tokens_used("chat.postMessage", "C0STRANGER")


async def test_a_thread_reply_in_each_workspace_is_answered_there_with_its_token(tmp_path: Path) -> None:
    async with oauth_slack(tmp_path, threads="first_reply") as slack:
        fake = slack.fake
        tokens = {TEAM: await install(slack, TEAM), TEAM2: await install(slack, TEAM2)}
        for n, (team, channel) in enumerate(((TEAM, CHANNEL), (TEAM2, CHANNEL2))):
            assert await command(slack, "today 1", team, channel, f"r{n}") == 200
            await fake.wait_for(lambda: len(fake.tokens_used("chat.postMessage", channel)) == 2)
            parent = fake.messages[channel][0]["ts"]
            await eventually(lambda: slack.bot.history(ChannelRef("slack", team, channel)))  # recorded after the send
            reply = message_event(f"Ev0REPLY{n}", text="interesting", ts=f"1762689601.00010{n}", thread_ts=parent)
            assert await send_event(slack, in_team(reply, team, channel)) == 200
            # first_reply: the paper's opening is posted in that thread on the first reply, by the core
            await fake.wait_for(lambda: len(fake.thread(channel, parent)) == 2)
            assert "Summary:" in fake.thread(channel, parent)[1]["text"]
            assert set(fake.tokens_used("chat.postMessage", channel)) == {tokens[team]}


async def scheduled(slack: SlackHarness) -> Any:
    store = slack.bot.store
    for channel in (ChannelRef("slack", TEAM, CHANNEL), ChannelRef("slack", TEAM2, CHANNEL2)):
        await store.save_subscription(Subscription(channel, time(9), "UTC", count=2, created_at=DUE - timedelta(days=1)))
    scheduler = build_scheduler(slack.config, store, {"slack": slack.runner.platform}, clock=ManualClock(DUE),  # type: ignore[arg-type]
                                taste=slack.bot.taste, publisher=slack.bot.publisher)
    assert (await scheduler.planner.plan_due()).planned == 2
    return await scheduler.tick()


async def test_a_scheduled_digest_goes_to_each_workspace_with_its_token(slack: SlackHarness) -> None:
    token1, token2 = await install(slack, TEAM), await install(slack, TEAM2)
    report = await scheduled(slack)
    assert report.delivery.sent == 2 and report.delivery.paused == 0
    fake = slack.fake
    assert len(fake.tokens_used("chat.postMessage", CHANNEL)) == 3 == len(fake.tokens_used("chat.postMessage", CHANNEL2))
    assert set(fake.tokens_used("chat.postMessage", CHANNEL)) == {token1}
    assert set(fake.tokens_used("chat.postMessage", CHANNEL2)) == {token2}


async def test_a_bad_used_or_expired_state_is_refused(slack: SlackHarness) -> None:
    fake = slack.fake
    location, cookie = await start_install(slack)
    state = parse_qs(urlsplit(location).query)["state"][0]
    # no cookie: another browser
    status, page = await finish_install(slack, {"code": fake.approve(TEAM2), "state": state}, None)
    assert status == 400 and "another browser" in page
    # a state paperbot never issued (cookie and query agree, the store does not know it)
    status, page = await finish_install(slack, {"code": fake.approve(TEAM2), "state": "forged"},
                                        "slack-app-oauth-state=forged")
    assert status == 401 and FAILURES["invalid_state"].split(" (")[0] in page
    # an expired one
    engine_store = installations(slack)
    try:
        async with engine_store._sessions.begin() as session:
            await session.execute(update(SlackOAuthStateRow).where(SlackOAuthStateRow.state == state)
                                  .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    finally:
        await engine_store.close()
    status, page = await finish_install(slack, {"code": fake.approve(TEAM2), "state": state}, cookie)
    assert status == 401 and "expired" in page
    # used once: the second time is refused
    await install(slack, TEAM2)
    location, cookie = await start_install(slack)
    fresh = parse_qs(urlsplit(location).query)["state"][0]
    assert (await finish_install(slack, {"code": fake.approve(TEAM), "state": fresh}, cookie))[0] == 200
    status, _ = await finish_install(slack, {"code": fake.approve(TEAM), "state": fresh}, cookie)
    assert status == 401
    assert "Traceback" not in page and "invalid_state" not in page
    assert len(fake.calls_to("oauth.v2.access")) == 2  # only the two good ones reached Slack
    store = installations(slack)
    try:
        assert await store.teams() == sorted([TEAM, TEAM2])
    finally:
        await store.close()


async def test_a_code_slack_refuses_installs_nothing(slack: SlackHarness) -> None:
    location, cookie = await start_install(slack)
    state = parse_qs(urlsplit(location).query)["state"][0]
    status, page = await finish_install(slack, {"code": "made-up", "state": state}, cookie)
    assert status == 401 and "did not accept the authorization code" in page
    status, page = await finish_install(slack, {"error": "access_denied", "state": state}, cookie)
    assert status == 200 and "cancelled" in page


async def test_uninstall_and_revoked_tokens_delete_the_installation(slack: SlackHarness) -> None:
    fake = slack.fake
    await install(slack, TEAM)
    await install(slack, TEAM2)
    await scheduled(slack)  # both channels have a client now (cached)
    fake.revoke(TEAM2)
    assert await send_event(slack, lifecycle_event("app_uninstalled", TEAM2, "Ev0UNINSTALL")) == 200
    store = installations(slack)
    try:
        assert await store.teams() == [TEAM]
        assert await store.async_find_installation(enterprise_id=None, team_id=TEAM2) is None
        # tokens_revoked for the bot of the first workspace: its bot token is forgotten
        assert await send_event(slack, lifecycle_event("tokens_revoked", TEAM, "Ev0REVOKED",
                                                       tokens={"oauth": [], "bot": [f"U{TEAM}BOT"]})) == 200
        assert await store.teams() == []
    finally:
        await store.close()
    # the next digest for the uninstalled workspace is not sent with a stale token: the channel is paused in words
    before = len(fake.calls_to("chat.postMessage", ok_only=False))
    store_ = slack.bot.store
    await store_.save_subscription(Subscription(ChannelRef("slack", TEAM2, CHANNEL2), time(9), "UTC", count=2,
                                                created_at=DUE - timedelta(days=1)))
    scheduler = build_scheduler(slack.config, store_, {"slack": slack.runner.platform}, clock=ManualClock(DUE + timedelta(days=1)),  # type: ignore[arg-type]
                                taste=slack.bot.taste, publisher=slack.bot.publisher)
    await scheduler.planner.plan_due()
    report = await scheduler.tick()
    assert report.delivery.paused == 2 and report.delivery.sent == 0
    assert len(fake.calls_to("chat.postMessage", ok_only=False)) == before
    schedule = await store_.get_schedule(ChannelRef("slack", TEAM2, CHANNEL2))
    assert schedule is not None and schedule.paused_reason is not None
    assert WORDS[Unreachable.APP_REMOVED] in schedule.paused_reason and "T0SECOND" not in schedule.paused_reason


def test_oauth_needs_http_mode_both_credentials_and_no_bot_token(tmp_path: Path) -> None:
    def runner(**slack: Any) -> SlackRunner:
        config = config_from_dict({"slack": {"signing_secret": "s", "mode": "http", **slack}}, environ={})
        return SlackRunner(config.slack, object(), database_url=sqlite_url(tmp_path / "db.sqlite3"))  # type: ignore[arg-type]

    with pytest.raises(ConfigError, match=r'need \[slack\] mode = "http"'):
        runner(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, mode="socket", app_token="xapp-1")
    with pytest.raises(ConfigError, match="not both"):
        runner(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, bot_token="xoxb-1")
    with pytest.raises(ConfigError, match=r"\[slack\] client_secret"):
        runner(client_id=CLIENT_ID)
    with pytest.raises(ConfigError, match=r"\[slack\] client_id"):
        runner(client_secret=CLIENT_SECRET)
    config = config_from_dict({"slack": {"client_id": CLIENT_ID}}, environ={"PAPERBOT_SLACK_CLIENT_SECRET": "from-env"})
    assert config.slack.client_secret is not None and config.slack.client_secret.get_secret_value() == "from-env"
    assert config.slack_enabled and "from-env" not in repr(config.slack)
    assert json.dumps(BOT_SCOPES)  # a plain tuple of names


async def test_doctor_checks_the_oauth_settings_not_a_bot_token() -> None:
    from paperbot.doctor.slack_tokens import check_slack

    def config(**slack: Any) -> Any:
        return config_from_dict({"slack": {"mode": "http", "signing_secret": "s", **slack}}, environ={})

    good = await check_slack(config(client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    assert [c.status for c in good] == ["ok", "ok"] and "several workspaces" in good[0].summary
    missing = await check_slack(config(client_id=CLIENT_ID))
    assert missing[0].status == "fail" and "[slack] client_secret" in missing[0].summary
    socket = await check_slack(config(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, mode="socket"))
    assert socket[0].status == "fail" and '[slack] mode = "http"' in socket[0].summary


async def test_a_dm_and_a_thread_link_use_the_members_workspace_token(slack: SlackHarness) -> None:
    fake, platform = slack.fake, slack.runner.platform
    token1, token2 = await install(slack, TEAM), await install(slack, TEAM2)
    dm = await platform.open_dm(TEAM2, MEMBER)
    assert dm.workspace == TEAM2 and dm.channel.startswith("D")
    [ts] = await platform.post(dm, TextReply("your papers"))
    assert fake.calls_to("conversations.open")[-1].token == token2
    assert fake.tokens_used("chat.postMessage", dm.channel) == [token2]
    assert await platform.thread_url(dm, ts) is not None
    assert fake.calls_to("chat.getPermalink")[-1].token == token2
    assert token1 not in {c.token for c in fake.calls_to("conversations.open")}
    # a workspace without an installation: no call at all, and no link
    assert await platform.thread_url(ChannelRef("slack", "T0STRANGER", "C0X"), ts) is None


async def test_a_database_that_cannot_be_used_gets_a_page_in_words_not_a_500(slack: SlackHarness, tmp_path: Path) -> None:
    location, cookie = await start_install(slack)
    state = parse_qs(urlsplit(location).query)["state"][0]
    (tmp_path / "paperbot.sqlite3").unlink()  # the database file deleted under the running bot
    async with aiohttp.ClientSession() as session:
        async with session.get(base(slack) + "/slack/install", allow_redirects=False) as response:
            assert response.status == 503 and "try again in a minute" in await response.text()
    status, page = await finish_install(slack, {"code": slack.fake.approve(TEAM2), "state": state}, cookie)
    assert status == 503 and "database is unavailable for a moment" in page and "Traceback" not in page
    assert "tell whoever runs the bot" in page  # if waiting does not help
