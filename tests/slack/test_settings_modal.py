"""The channel settings modal: `/papers settings` alone opens it (views.open, with the command's
trigger_id) for a channel manager and politely refuses anyone else; its submission is checked by the
core exactly as the text commands check their values, a bad value comes back under its field
(``response_action: errors``) with nothing saved, and good values are saved and shown."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.modal import NOT_SAVED
from bot.discussion.threads import ThreadMode
from bot.domain import ChannelRef
from bot.errors import StoreUnavailableError, store_words
from bot.scheduling.schedule import ScheduleOptions
from storage.store import SqlStore
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import ADMIN, CHANNEL, CREATOR, MEMBER, SlackHarness, running_slack
from tests.harness.sample import NOW
from tests.harness.slack_fake import TEAM, view_problems
from tests.harness.slack_views import send_interaction, submission

CH = ChannelRef("slack", TEAM, CHANNEL)
GOOD = {"trending": "0.5", "threads": "always", "count": "7", "at": "08:30", "timezone": "europe/paris",
        "days": "mon,wed,fri"}


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as harness:
        yield harness


async def opened_modal(h: SlackHarness, user: str = ADMIN) -> dict[str, Any]:
    status, _ = await h.command("settings", user=user)
    assert status == 200
    await h.fake.wait_for(lambda: h.fake.calls_to("views.open"))
    [call] = h.fake.calls_to("views.open")
    assert call.params["trigger_id"].startswith("13345224609.")
    view: dict[str, Any] = json.loads(call.params["view"]) if isinstance(call.params["view"], str) else call.params["view"]
    assert view_problems(view) == []
    return view


def initial(view: dict[str, Any]) -> dict[str, str]:
    values = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            values[block["block_id"]] = (element.get("initial_option") or {}).get("value") or element.get("initial_value") or ""
    return values


async def submit(h: SlackHarness, view: dict[str, Any], values: dict[str, str], user: str = ADMIN) -> dict[str, Any]:
    status, body = await send_interaction(h, submission(view, values, user=user))
    assert status == 200
    answer: dict[str, Any] = json.loads(body)
    return answer


async def test_a_manager_gets_the_modal_filled_with_the_channels_settings(slack: SlackHarness) -> None:
    view = await opened_modal(slack, user=CREATOR)  # the channel's creator manages it
    assert view["type"] == "modal" and view["callback_id"] == "paperbot_settings"
    assert json.loads(view["private_metadata"]) == {"team": TEAM, "channel": CHANNEL}
    assert initial(view) == {"trending": "0.3", "threads": "never", "count": "", "at": "", "timezone": "", "days": ""}
    [select] = [b["element"] for b in view["blocks"] if b.get("block_id") == "threads"]
    assert [o["value"] for o in select["options"]] == ["always", "first_reply", "never"]
    assert not slack.fake.responses  # nothing said in the channel


async def test_a_subscribed_channel_shows_its_schedule(slack: SlackHarness) -> None:
    await slack.command("subscribe 07:45 Asia/Tokyo 4 days=daily", user=ADMIN)
    await slack.fake.wait_for(lambda: slack.fake.responses)
    view = await opened_modal(slack)
    assert initial(view) == {"trending": "0.3", "threads": "never", "count": "4", "at": "07:45",
                             "timezone": "Asia/Tokyo", "days": "daily"}


async def test_anyone_else_is_refused_politely_and_sees_the_settings(slack: SlackHarness) -> None:
    status, _ = await slack.command("settings", user=MEMBER)
    assert status == 200
    await slack.fake.wait_for(lambda: slack.fake.responses)
    [response] = slack.fake.responses
    assert response["response_type"] == "ephemeral"
    assert response["text"].startswith("Only people who manage this channel can change its settings.")
    assert "workspace admin or owner" in response["text"] and "trending weight 0.30" in response["text"]
    assert not slack.fake.calls_to("views.open")


async def test_bad_values_come_back_under_their_fields_and_nothing_is_saved(slack: SlackHarness) -> None:
    view = await opened_modal(slack)
    answer = await submit(slack, view, {"trending": "2", "threads": "sometimes", "count": "30", "at": "25:00",
                                        "timezone": "Mars/Olympus", "days": "someday"})
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {"trending", "threads", "count", "at", "timezone", "days"}
    assert errors["trending"] == "trending must be between 0 and 1, not 2"
    assert errors["count"] == "count '30' is not accepted: give a whole number from 1 to 25."
    assert "not a time of day" in errors["at"] and "not a list of weekdays" in errors["days"]
    assert "threads must be one of always, first_reply, never" in errors["threads"]
    assert all(len(text) <= 300 for text in errors.values())
    # the same words as the text command's, and nothing changed
    assert (await slack.bot.taste.settings(CH)).trending == 0.3  # type: ignore[union-attr]
    assert await slack.bot.store.get_subscription(CH) is None
    assert await slack.bot.discussions.thread_mode(CH) is ThreadMode.NEVER

    answer = await submit(slack, view, {**GOOD, "trending": ""})  # a required field left empty
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"trending"}


async def test_good_values_are_saved_and_shown(slack: SlackHarness) -> None:
    view = await opened_modal(slack)
    answer = await submit(slack, view, GOOD)
    assert answer["response_action"] == "update"
    assert view_problems(answer["view"]) == []
    shown = answer["view"]["blocks"][0]["text"]["text"]
    assert shown.startswith("Saved. Settings here: trending weight 0.50") and "Europe/Paris" in shown
    assert (await slack.bot.taste.settings(CH)).trending == 0.5  # type: ignore[union-attr]
    assert await slack.bot.discussions.thread_mode(CH) is ThreadMode.ALWAYS
    sub = await slack.bot.store.get_subscription(CH)
    assert sub is not None and (sub.count, f"{sub.post_time:%H:%M}", sub.timezone) == (7, "08:30", "Europe/Paris")
    options = await slack.bot.store.get_schedule(CH)
    assert options is not None and options.weekdays == frozenset({1, 3, 5})


async def test_an_unchanged_schedule_is_not_resubscribed(slack: SlackHarness) -> None:
    """Subscribing resumes a paused digest: a form that only changes the ranking must not."""
    await slack.command("subscribe 09:00 UTC 5", user=ADMIN)
    await slack.fake.wait_for(lambda: slack.fake.responses)
    options = await slack.bot.store.get_schedule(CH) or ScheduleOptions()
    await slack.bot.store.set_schedule(CH, replace(options, paused_reason="it is no longer in this channel.", paused_at=NOW))
    view = await opened_modal(slack)
    answer = await submit(slack, view, {**initial(view), "trending": "0.1"})
    assert answer["response_action"] == "update"
    assert (await slack.bot.taste.settings(CH)).trending == 0.1  # type: ignore[union-attr]
    paused = await slack.bot.store.get_schedule(CH)
    assert paused is not None and paused.paused


async def test_a_failure_half_way_saves_nothing(slack: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The trending weight and the thread mode are written before the subscription, in the same unit of work."""
    async def down(self: SqlStore, subscription: object) -> None:
        raise StoreUnavailableError("the database is unavailable")

    view = await opened_modal(slack)
    monkeypatch.setattr(SqlStore, "save_subscription", down)
    answer = await submit(slack, view, GOOD)
    assert answer == {"response_action": "errors", "errors": {"trending": store_words(StoreUnavailableError("down"), NOT_SAVED)}}
    assert (await slack.bot.taste.settings(CH)).trending == 0.3  # type: ignore[union-attr]
    assert await slack.bot.discussions.thread_mode(CH) is ThreadMode.NEVER


async def test_a_submission_from_someone_who_is_not_a_manager_saves_nothing(slack: SlackHarness) -> None:
    view = await opened_modal(slack)
    answer = await submit(slack, view, GOOD, user=MEMBER)  # e.g. a role taken away while the modal was open
    assert answer["response_action"] == "errors"
    [message] = answer["errors"].values()
    assert message.startswith("Only people who manage this channel can change its settings.")
    assert await slack.bot.store.get_subscription(CH) is None
    assert (await slack.bot.taste.settings(CH)).trending == 0.3  # type: ignore[union-attr]


async def test_settings_with_values_is_still_the_text_command(slack: SlackHarness) -> None:
    status, _ = await slack.command("settings trending:0.4", user=ADMIN)
    assert status == 200
    await slack.fake.wait_for(lambda: slack.fake.responses)
    assert slack.fake.responses[0]["text"].startswith("Updated. Settings here: trending weight 0.40")
    assert not slack.fake.calls_to("views.open")


async def test_over_socket_mode_the_errors_ride_in_the_ack(socket_slack: SlackHarness) -> None:
    fake = socket_slack.fake
    await fake.send_envelope("slash_commands", socket_slack.command_payload("settings", user=ADMIN), "env-m1")
    await fake.wait_for(lambda: fake.calls_to("views.open"))
    raw = fake.calls_to("views.open")[0].params["view"]
    view = json.loads(raw) if isinstance(raw, str) else raw
    await fake.send_envelope("interactive", submission(view, {**GOOD, "count": "0"}, user=ADMIN), "env-m2")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-m2" for a in fake.acks))
    [ack] = [a for a in fake.acks if a.get("envelope_id") == "env-m2"]
    assert ack["payload"] == {"response_action": "errors",
                              "errors": {"count": "count '0' is not accepted: give a whole number from 1 to 25."}}
    assert await socket_slack.bot.store.get_subscription(CH) is None


async def test_a_modal_slack_would_not_open_is_said_in_words(slack: SlackHarness) -> None:
    slack.fake.failures["views.open"] = [(200, {}, {"ok": False, "error": "expired_trigger_id"})]
    status, _ = await slack.command("settings", user=ADMIN)
    assert status == 200
    await slack.fake.wait_for(lambda: slack.fake.responses)
    [response] = slack.fake.responses
    assert response["response_type"] == "ephemeral"
    assert response["text"].startswith("Slack did not open the settings window in time.")
    assert "expired_trigger_id" not in response["text"]
