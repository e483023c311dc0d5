"""What Slack sends for the App Home and modals, in the shapes it documents
(https://docs.slack.dev/reference/events/app_home_opened, …/interaction-payloads/block_actions-payload,
…/interaction-payloads/view-interactions-payload), and how a test sends them over HTTP: an event is
JSON, an interaction is a form with one ``payload`` field, both signed like every request.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tests.harness.running_slack import APP_ID, EVENT_TIME, MEMBER, SlackHarness, send_event
from tests.harness.slack_fake import BOT_USER, TEAM


def home_opened(event_id: str, *, user: str = MEMBER, tab: str = "home") -> dict[str, Any]:
    """An Events API envelope: ``user`` opened the app's Home (or Messages) tab."""
    return {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": TEAM, "context_team_id": TEAM, "api_app_id": APP_ID,
        "event": {"type": "app_home_opened", "user": user, "channel": "D0HOME" + user[-4:], "tab": tab,
                  "event_ts": "1762689600.000200"},
        "type": "event_callback", "event_id": event_id, "event_time": EVENT_TIME,
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def _user(user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM}


def home_button(action_id: str, value: str = "", *, user: str = MEMBER) -> dict[str, Any]:
    """A ``block_actions`` payload: ``user`` pressed a button of their Home tab."""
    return {
        "type": "block_actions", "user": _user(user), "api_app_id": APP_ID, "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {"type": "view", "view_id": "V0HOME"}, "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "team": {"id": TEAM, "domain": "lab"}, "enterprise": None, "is_enterprise_install": False,
        "view": {"id": "V0HOME", "team_id": TEAM, "type": "home", "blocks": [], "private_metadata": "",
                 "callback_id": "", "state": {"values": {}}, "hash": "1762689600.abc", "app_id": APP_ID,
                 "external_id": "", "app_installed_team_id": TEAM, "bot_id": "B0BOT"},
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": value,
                     "text": {"type": "plain_text", "text": "press", "emoji": True}, "action_ts": "1762689601.000300"}],
        "state": {"values": {}},
    }


def submission(view: dict[str, Any], values: dict[str, str], *, user: str = MEMBER) -> dict[str, Any]:
    """A ``view_submission`` payload for the modal ``view`` (as views.open got it), with ``values`` typed
    into its inputs (a select's value is the chosen option's)."""
    state: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element, name = block["element"], block["block_id"]
        typed = values.get(name)
        if element["type"] == "static_select":
            chosen = {"text": {"type": "plain_text", "text": typed}, "value": typed} if typed else None
            state[name] = {element["action_id"]: {"type": "static_select", "selected_option": chosen}}
        else:
            state[name] = {element["action_id"]: {"type": "plain_text_input", "value": typed or None}}
    return {
        "type": "view_submission", "team": {"id": TEAM, "domain": "lab"}, "user": _user(user), "api_app_id": APP_ID,
        "token": "gIkuvaNzQIHg97ATvDxqgjtO", "trigger_id": "13345224609.738474920.8088930838d88f008e1",
        "view": {**view, "id": "V0MODAL", "team_id": TEAM, "state": {"values": state}, "hash": "1762689602.def",
                 "previous_view_id": None, "root_view_id": "V0MODAL", "app_id": APP_ID, "external_id": "",
                 "app_installed_team_id": TEAM, "bot_id": "B0BOT"},
        "response_urls": [], "is_enterprise_install": False, "enterprise": None,
    }


async def send_interaction(h: SlackHarness, payload: dict[str, Any]) -> tuple[int, str]:
    """POST an interaction payload (form field ``payload``), signed; (status, response body)."""
    body = urlencode({"payload": json.dumps(payload)})
    status, text, _ = await h.post(body, h.signed(body, content_type="application/x-www-form-urlencoded"))
    return status, text


__all__ = ["home_button", "home_opened", "send_event", "send_interaction", "submission"]
