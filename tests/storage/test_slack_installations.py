"""The Slack installation and OAuth state stores on a real SQLite file and a real PostgreSQL database."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation

from storage.database import create_engine, create_sessionmaker
from storage.migrate import upgrade
from storage.slack_installations import SqlInstallationStore, SqlOAuthStateStore
from tests.harness.builders import NOON
from tests.harness.head_schema import HeadSchemas


def installation(team: str, *, user: str = "U0INSTALLER", token: str | None = None, user_token: str | None = None,
                 enterprise: str | None = None, org_wide: bool = False, at: float = 1_700_000_000.0) -> Installation:
    return Installation(
        app_id="A0APP", enterprise_id=enterprise, team_id=None if org_wide else team, team_name=f"Lab {team}",
        bot_token=token or f"xoxb-{team}", bot_id=f"B{team}", bot_user_id=f"U{team}BOT",
        bot_scopes=["commands", "chat:write"], user_id=user, user_token=user_token, user_scopes="",
        is_enterprise_install=org_wide, token_type="bot", installed_at=at,
    )


@pytest.fixture
async def installations(db_url: str, head_schemas: HeadSchemas) -> AsyncIterator[SqlInstallationStore]:
    """On ``db_url`` at the newest migration (``head_schemas``)."""
    store = SqlInstallationStore.connect(db_url, client_id="111.222")
    yield store
    await store.close()


async def test_an_installation_round_trips(installations: SqlInstallationStore) -> None:
    await installations.async_save(installation("T1"))
    found = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.team_id, found.team_name, found.bot_token, found.bot_user_id) == ("T1", "Lab T1", "xoxb-T1", "UT1BOT")
    assert found.bot_scopes == ["commands", "chat:write"] and found.user_id == "U0INSTALLER"
    assert found.installed_at == 1_700_000_000.0 and found.enterprise_id is None and found.is_enterprise_install is False
    bot = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and (bot.bot_token, bot.bot_id, bot.team_id) == ("xoxb-T1", "BT1", "T1")
    assert await installations.async_find_bot(enterprise_id=None, team_id="T2") is None
    assert await installations.async_find_installation(enterprise_id=None, team_id="T2") is None


async def test_workspaces_are_kept_apart_and_a_reinstall_replaces(installations: SqlInstallationStore) -> None:
    await installations.async_save(installation("T1"))
    await installations.async_save(installation("T2"))
    await installations.async_save(installation("T1", token="xoxb-T1-new", at=1_700_000_100.0))
    bot1 = await installations.async_find_bot(enterprise_id=None, team_id="T1")
    bot2 = await installations.async_find_bot(enterprise_id=None, team_id="T2")
    assert bot1 is not None and bot1.bot_token == "xoxb-T1-new"
    assert bot2 is not None and bot2.bot_token == "xoxb-T2"
    assert await installations.teams() == ["T1", "T2"]
    # another installer in T1: the latest is the workspace's; each installer's own is found by user
    await installations.async_save(installation("T1", user="U0OTHER", token="xoxb-T1-other", at=1_700_000_200.0))
    latest = await installations.async_find_installation(enterprise_id=None, team_id="T1")
    first = await installations.async_find_installation(enterprise_id=None, team_id="T1", user_id="U0INSTALLER")
    assert latest is not None and latest.user_id == "U0OTHER"
    assert first is not None and first.bot_token == "xoxb-T1-new"


async def test_revoked_bot_token_and_uninstall(installations: SqlInstallationStore) -> None:
    await installations.async_save(installation("T1", user_token="xoxp-mine"))
    await installations.async_save(installation("T2"))
    await installations.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await installations.async_find_bot(enterprise_id=None, team_id="T1") is None
    kept = await installations.async_find_installation(enterprise_id=None, team_id="T1", user_id="U0INSTALLER")
    assert kept is not None and kept.bot_token is None and kept.user_token == "xoxp-mine"
    await installations.async_delete_all(enterprise_id=None, team_id="T1")
    assert await installations.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await installations.teams() == ["T2"]  # the other workspace is untouched
    await installations.async_delete_installation(enterprise_id=None, team_id="T2", user_id="U0NOBODY")
    assert await installations.teams() == ["T2"]
    await installations.async_delete_installation(enterprise_id=None, team_id="T2")
    assert await installations.teams() == []


async def test_an_org_wide_install_is_found_from_any_of_its_workspaces(installations: SqlInstallationStore) -> None:
    await installations.async_save(installation("", enterprise="E1", org_wide=True))
    bot = await installations.async_find_bot(enterprise_id="E1", team_id="T9", is_enterprise_install=True)
    assert bot is not None and bot.bot_token == "xoxb-" and bot.is_enterprise_install
    assert await installations.async_find_bot(enterprise_id="E2", team_id="T9", is_enterprise_install=True) is None
    # a workspace install inside the same org is its own row
    await installations.async_save(installation("T3", enterprise="E1"))
    bot3 = await installations.async_find_bot(enterprise_id="E1", team_id="T3")
    assert bot3 is not None and bot3.bot_token == "xoxb-T3"


async def test_installations_persist(db_url: str, installations: SqlInstallationStore) -> None:
    await installations.async_save(installation("T1"))
    await installations.close()
    reopened = SqlInstallationStore.connect(db_url, client_id="111.222")
    try:
        bot = await reopened.async_find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None and bot.bot_token == "xoxb-T1"
    finally:
        await reopened.close()


async def test_a_state_is_accepted_once_and_not_after_it_expires(db_url: str) -> None:
    await upgrade(db_url)
    now = [NOON]
    engine = create_engine(db_url)
    states = SqlOAuthStateStore(create_sessionmaker(engine), expiration_seconds=600, clock=lambda: now[0])
    try:
        state = await states.async_issue()
        assert len(state) >= 32 and state != await states.async_issue()
        assert await states.async_consume(state) is True
        assert await states.async_consume(state) is False  # used once
        assert await states.async_consume("never-issued") is False
        assert await states.async_consume("") is False
        late = await states.async_issue()
        now[0] = NOON + timedelta(seconds=601)
        assert await states.async_consume(late) is False
        in_time = await states.async_issue()
        now[0] += timedelta(seconds=599)
        assert await states.async_consume(in_time) is True
    finally:
        await engine.dispose()
