"""The recorded-shape payloads (tests/fixtures/payloads/) are what the platforms document, and the
real libraries read them so: slack-bolt / slack-sdk for Slack, discord.py for Discord. (The adapter
tests replay them end to end; this checks each shape once, with no server.)"""
from __future__ import annotations

import json
from urllib.parse import urlencode

import discord
import pytest
from slack_bolt.request import payload_utils
from slack_bolt.request.internals import extract_channel_id, extract_team_id, extract_user_id, parse_body
from slack_sdk.socket_mode.request import SocketModeRequest

from tests.harness import payloads
from tests.harness.discord_fake import (
    APP_ID,
    BOT_ID,
    CHANNEL_ID,
    GUILD_ID,
    OTHER_USER,
    component_frame,
    interaction_frame,
    message_frame,
    reaction_frame,
)
from tests.harness.fixtures_paths import PAYLOADS
from tests.harness.running_slack import (
    CHANNEL,
    MEMBER,
    block_actions,
    command_payload,
    link_shared_event,
    message_event,
    reaction_event,
    retry_headers,
)
from tests.harness.slack_fake import BOT_USER, TEAM, socket_envelope

_MESSAGE = {"type": "message", "ts": "1700000000.000002", "text": "1. paper", "bot_id": "B0BOT", "user": BOT_USER,
            "thread_ts": "1700000000.000001", "blocks": []}
_ACTION = {"action_id": "paperbot_feedback", "block_id": "b1", "type": "feedback_buttons", "value": "up:2511.01234",
           "action_ts": "1762689600.000300"}
_DISCORD_MESSAGE = {"id": "940000000000000001", "channel_id": CHANNEL_ID, "type": 0, "content": "",
                    "author": {"id": BOT_ID, "username": "paperbot", "discriminator": "0", "global_name": "paperbot",
                               "avatar": None, "bot": True},
                    "embeds": [], "attachments": [], "mentions": [], "mention_roles": [], "mention_everyone": False,
                    "pinned": False, "tts": False, "timestamp": "2025-11-09T12:00:00+00:00", "edited_timestamp": None,
                    "flags": 0, "components": [{"type": 1, "components": [
                        {"type": 2, "style": 2, "custom_id": "paperbot:up:2511.01234", "emoji": {"name": "👍"}}]}]}


def test_every_fixture_has_a_builder_and_every_placeholder_is_filled() -> None:
    built = {
        "slack/slash_command": command_payload("today 3", response_url="http://127.0.0.1:1/respond/r1"),
        "slack/event_reaction_added": reaction_event("Ev1", "1700000000.000001", "+1"),
        "slack/event_reaction_removed": reaction_event("Ev2", "1700000000.000001", "+1", added=False),
        "slack/event_message_thread_reply": message_event("Ev3", text="nice", ts="1762689601.000100",
                                                          thread_ts="1700000000.000001"),
        "slack/event_app_mention": message_event("Ev4", text=f"<@{BOT_USER}> why?", ts="1762689601.000200",
                                                 thread_ts="1700000000.000001", kind="app_mention"),
        "slack/event_link_shared": link_shared_event("Ev5", "1762689601.000300", ["https://arxiv.org/abs/2511.04570"]),
        "slack/retry_headers": retry_headers(1),
        "slack/socket_mode_envelope": socket_envelope("events_api", {"type": "event_callback"}, "env-1"),
        "discord/interaction_create_papers": interaction_frame("1", "tok", "today", []),
        "discord/message_reaction_add": reaction_frame("2", "👍"),
        "discord/message_reaction_remove": reaction_frame("2", "👍", added=False),
        "discord/message_create_thread_mention": message_frame("3", f"<@{BOT_ID}> why?", message_id="4",
                                                               mentions=(BOT_ID,)),
        "slack/block_actions": block_actions(_MESSAGE, _ACTION, response_url="http://127.0.0.1:1/respond/r1"),
        "discord/interaction_create_component": component_frame("5", "tok", "paperbot:up:2511.01234", _DISCORD_MESSAGE),
    }
    on_disk = {str(p.relative_to(PAYLOADS).with_suffix("")) for p in PAYLOADS.rglob("*.json")}
    assert on_disk == set(built)
    assert all("$" not in repr(value) for value in built.values())
    with pytest.raises(KeyError, match="needs values for"):
        payloads.load("slack/retry_headers", retry_num="1")


def test_slack_slash_command_form_fields() -> None:
    form = command_payload("today 3", response_url="http://127.0.0.1:1/respond/r1")
    body = parse_body(urlencode(form), "application/x-www-form-urlencoded")
    assert payload_utils.is_slash_command(body) and payload_utils.to_command(body)["text"] == "today 3"
    assert (extract_team_id(body), extract_user_id(body), extract_channel_id(body)) == (TEAM, MEMBER, CHANNEL)
    assert set(form) >= {"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
                         "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id"}


@pytest.mark.parametrize("body", [
    reaction_event("Ev1", "1700000000.000001", "fire"),
    reaction_event("Ev2", "1700000000.000001", "fire", added=False),
    message_event("Ev3", text="nice", ts="1762689601.000100", thread_ts="1700000000.000001"),
    message_event("Ev4", text=f"<@{BOT_USER}> why?", ts="1762689601.000200", thread_ts="1700000000.000001",
                  kind="app_mention"),
], ids=["reaction_added", "reaction_removed", "thread_reply", "app_mention"])
def test_slack_events_api_envelopes(body: dict) -> None:
    assert payload_utils.is_event(body) and body["type"] == "event_callback"
    assert {"token", "team_id", "api_app_id", "event", "event_id", "event_time", "authorizations"} <= set(body)
    assert extract_team_id(body) == TEAM and extract_user_id(body) == MEMBER
    event = payload_utils.to_event(body)
    assert event is not None and event["event_ts"]
    if event["type"].startswith("reaction_"):
        assert event["item"] == {"type": "message", "channel": CHANNEL, "ts": "1700000000.000001", "channel_type": "channel"}
    else:
        assert extract_channel_id(body) == CHANNEL and event["thread_ts"] == "1700000000.000001"
        [section] = event["blocks"][0]["elements"]
        assert "".join(e.get("text", f"<@{e.get('user_id')}>") for e in section["elements"]) == event["text"]
    assert payload_utils.is_message_event(body) == (event["type"] == "message")


def test_slack_retries_over_http_and_socket_mode() -> None:
    assert retry_headers(2) == {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"}
    body = reaction_event("Ev1", "1700000000.000001", "fire")
    request = SocketModeRequest.from_dict(socket_envelope("events_api", body, "env-9", retry_attempt=1, retry_reason="timeout"))
    assert request is not None and request.payload == body and request.accepts_response_payload is False
    assert (request.retry_attempt, request.retry_reason) == (1, "timeout")
    command = SocketModeRequest.from_dict(socket_envelope("slash_commands", {"command": "/papers"}, "env-10"))
    assert command is not None and command.accepts_response_payload and command.retry_attempt is None


def test_discord_interaction_create() -> None:
    frame = interaction_frame("910000000000000001", "tok", "today", [{"name": "count", "type": 4, "value": 3}],
                              guild_command=True, command_id="910000000000000002")
    assert (frame["op"], frame["t"]) == (0, "INTERACTION_CREATE")
    data = frame["d"]
    assert {"id", "application_id", "type", "data", "guild_id", "channel", "channel_id", "member", "token", "version",
            "app_permissions", "locale", "entitlements", "authorizing_integration_owners", "context",
            "attachment_size_limit"} <= set(data)
    assert data["application_id"] == APP_ID and data["type"] == 2 and data["data"]["guild_id"] == GUILD_ID
    [sub] = data["data"]["options"]
    assert (sub["name"], sub["type"], sub["options"]) == ("today", 1, [{"name": "count", "type": 4, "value": 3}])
    assert data["member"]["user"]["id"] == OTHER_USER and data["channel"]["id"] == CHANNEL_ID
    assert "guild_id" not in interaction_frame("1", "tok", "help", [])["d"]["data"]  # a global command


def test_discord_reactions_parse_as_discord_py_reads_them() -> None:
    added = reaction_frame("920000000000000001", "👍", author_id=BOT_ID)["d"]
    raw = discord.RawReactionActionEvent(added, discord.PartialEmoji.from_dict(added["emoji"]), "REACTION_ADD")
    assert (raw.message_id, raw.user_id, raw.guild_id, raw.channel_id) == (
        920000000000000001, int(OTHER_USER), int(GUILD_ID), int(CHANNEL_ID))
    assert raw.message_author_id == int(BOT_ID) and str(raw.emoji) == "👍" and not raw.burst
    removed = reaction_frame("920000000000000001", "👍", added=False)["d"]
    assert not {"member", "message_author_id", "burst_colors"} & set(removed)
    raw = discord.RawReactionActionEvent(removed, discord.PartialEmoji.from_dict(removed["emoji"]), "REACTION_REMOVE")
    assert raw.event_type == "REACTION_REMOVE" and raw.guild_id == int(GUILD_ID)
    dm = reaction_frame("920000000000000001", "👍", dm=True)["d"]
    assert "guild_id" not in dm and "member" not in dm


def test_discord_message_create_mentioning_the_bot() -> None:
    frame = message_frame("930000000000000001", f"<@{BOT_ID}> what is it?", message_id="930000000000000002",
                          mentions=(BOT_ID,))
    assert (frame["op"], frame["t"]) == (0, "MESSAGE_CREATE")
    data = frame["d"]
    assert data["channel_id"] == "930000000000000001" and data["guild_id"] == GUILD_ID
    assert [m["id"] for m in data["mentions"]] == [BOT_ID] and "user" not in data["member"]
    assert data["author"]["id"] == OTHER_USER and data["type"] == 0


def test_slack_block_actions_as_bolt_reads_it() -> None:
    body = block_actions(_MESSAGE, _ACTION, response_url="http://127.0.0.1:1/respond/r1")
    parsed = parse_body(urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded")
    assert payload_utils.is_block_actions(parsed) and payload_utils.to_action(parsed) == _ACTION
    assert (extract_team_id(parsed), extract_user_id(parsed), extract_channel_id(parsed)) == (TEAM, MEMBER, CHANNEL)
    assert parsed["container"] == {"type": "message", "message_ts": "1700000000.000002", "channel_id": CHANNEL,
                                   "is_ephemeral": False}
    assert {"trigger_id", "response_url", "api_app_id", "message", "state", "actions"} <= set(parsed)


def test_discord_component_interaction_create() -> None:
    frame = component_frame("950000000000000001", "tok", "paperbot:up:2511.01234", _DISCORD_MESSAGE)
    assert (frame["op"], frame["t"]) == (0, "INTERACTION_CREATE")
    data = frame["d"]
    assert data["type"] == 3 and data["data"] == {"custom_id": "paperbot:up:2511.01234", "component_type": 2}
    assert data["message"]["id"] == "940000000000000001" and data["member"]["user"]["id"] == OTHER_USER
    assert data["channel_id"] == CHANNEL_ID and data["guild_id"] == GUILD_ID
