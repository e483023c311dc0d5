"""A table dropped from the real SQLite file under the running slack-bolt app: the App Home, a click on a
paper's controls and the settings modal say the database needs repair (`paperbot doctor`), in the
core's words, not "for a moment" or "try again in a minute"."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain import ChannelRef
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import ADMIN, CHANNEL, SlackHarness, block_actions, control, running_slack, send_click
from tests.harness.schema_damage import drop_tables
from tests.harness.slack_fake import TEAM
from tests.harness.slack_views import home_button, home_opened, send_event, send_interaction, submission
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)
SETTINGS = {"trending": "0.5", "threads": "always", "count": "7", "at": "08:30", "timezone": "europe/paris", "days": "mon"}


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as harness:
        yield harness


def _needs_repair(text: str, missing: str) -> None:
    assert "needs repair" in text and "paperbot doctor" in text and f"missing {missing}" in text, text
    assert "moment" not in text and "minute" not in text, text


async def _page(h: SlackHarness, after: int = 0) -> str:
    await h.fake.wait_for(lambda: len(h.fake.calls_to("views.publish")) > after)
    view: Any = h.fake.calls_to("views.publish")[after].params["view"]
    return json.dumps(json.loads(view) if isinstance(view, str) else view, ensure_ascii=False)


async def test_the_app_home_says_the_database_needs_repair(slack: SlackHarness) -> None:
    await drop_tables(slack.bot.store, "reactions")
    assert await send_event(slack, home_opened("EvSchema1")) == 200
    _needs_repair(await _page(slack), "table reactions")


async def test_an_app_home_button_says_the_database_needs_repair(slack: SlackHarness) -> None:
    await drop_tables(slack.bot.store, "dm_subscriptions")
    status, _ = await send_interaction(slack, home_button("paperbot_home:dm_off"))
    assert status == 200
    _needs_repair(await _page(slack), "table dm_subscriptions")


async def test_a_click_on_a_paper_says_the_database_needs_repair(slack: SlackHarness) -> None:
    assert (await slack.command("today 1"))[0] == 200
    post = (await eventually(lambda: slack.bot.history(CH)))[0].post
    message = next(m for m in slack.fake.messages[CHANNEL] if m["ts"] == post.message_id)
    await drop_tables(slack.bot.store, "reactions")
    body = block_actions(message, control(message, "paperbot_save"), response_url=slack.fake.response_url("c1"))
    status, _ = await send_click(slack, body)
    assert status == 503  # nothing recorded: Slack shows the click did not go through
    await slack.fake.wait_for(lambda: slack.fake.responses)
    _needs_repair(slack.fake.responses[-1]["text"], "table reactions")


async def test_the_settings_modal_says_the_database_needs_repair(slack: SlackHarness) -> None:
    status, _ = await slack.command("settings", user=ADMIN)
    assert status == 200
    await slack.fake.wait_for(lambda: slack.fake.calls_to("views.open"))
    view: Any = slack.fake.calls_to("views.open")[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    await drop_tables(slack.bot.store, "channel_settings")
    status, body = await send_interaction(slack, submission(view, SETTINGS, user=ADMIN))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    [words] = answer["errors"].values()
    _needs_repair(words, "table channel_settings")

    await slack.command("settings", user=ADMIN)  # opening it again: the reply says so too
    await slack.fake.wait_for(lambda: slack.fake.responses)
    _needs_repair(slack.fake.responses[-1]["text"], "table channel_settings")
