"""A channel's settings in a Slack modal: `/papers settings` with nothing after it opens it.

Opening: only a channel manager gets the modal (:func:`adapters.slack.permissions.can_manage_channel`:
a workspace admin or owner, or the channel's creator — the same rule as every command that manages a
channel); anyone else gets the channel's current settings and a polite "only managers", only for
them to see. The form's fields and current values are the core's
(:class:`bot.usecases.settings_form.ChannelSettingsForm`); ``views.open`` needs the command's
``trigger_id``, which Slack honours for 3 s, so the modal is opened before anything slow.

Submitting (``view_submission``, callback ``paperbot_settings``): the manager check is made again
(the modal may have stayed open while a role changed), every field is checked by the core exactly as
the text command checks it, and a bad value comes back as ``response_action: errors`` under its
field, in the core's words; nothing is saved until every field is right. Success replaces the modal
with the channel's settings as they now are. The channel travels in the view's ``private_metadata``
(Slack keeps it with the view; the client cannot change it).
"""
from __future__ import annotations

import json
import logging
from typing import Any

from adapters.slack.commands import WHO_MANAGES, bounded, failure_text
from adapters.slack.errors import CALL_FAILURES, describe
from adapters.slack.limits import (
    FIELD_ERROR,
    INPUT_HINT,
    INPUT_LABEL,
    MODAL_TITLE,
    OPTION_TEXT,
    PRIVATE_METADATA,
    SECTION_TEXT,
    fit,
)
from adapters.slack.mrkdwn import neutralise_plain
from adapters.slack.permissions import can_manage_channel
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.domain import ChannelRef, Requester
from bot.errors import PaperbotError, PermissionDeniedError, StoreUnavailableError, store_words
from bot.text import shorten
from bot.usecases.settings_form import REFUSED, FormField, SettingsForm

_log = logging.getLogger(__name__)

CALLBACK = "paperbot_settings"
ACTION = "value"  # every input's action_id: its block_id is the field's name
NOT_OPENED = ("Slack did not open the settings window in time. Try again, or change them with text: "
              "/papers settings trending:0.3 threads:always and /papers subscribe 09:00 Europe/Paris 5 days=mon-fri.")
BROKEN = "Something went wrong on my side; the error is logged. Try again later."
NOT_SAVED = "nothing was saved"  # what a database failure meant for a submission (bot.errors.store_words)


def wants_modal(command: dict[str, Any]) -> bool:
    """`/papers settings` and nothing more (with values, it is the text command)."""
    return str(command.get("text") or "").lower().split() == ["settings"]


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(neutralise_plain(text), limit) or "…", "emoji": True}


def _element(field: FormField) -> dict[str, Any]:
    if field.choices:
        options = [{"text": _plain(c, OPTION_TEXT), "value": c} for c in field.choices]
        element: dict[str, Any] = {"type": "static_select", "action_id": ACTION, "options": options}
        chosen = next((o for o in options if o["value"] == field.value), None)
        if chosen is not None:
            element["initial_option"] = chosen
        return element
    element = {"type": "plain_text_input", "action_id": ACTION, "max_length": field.max_length}
    if field.value:
        element["initial_value"] = field.value[:field.max_length]
    return element


def modal_view(form: SettingsForm) -> dict[str, Any]:
    """The modal: an intro, then one input per field (the schedule's are optional)."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {
        "type": "mrkdwn", "text": fit(f"<#{form.channel.channel}>: {bounded(form.intro, links=False)}", SECTION_TEXT)}}]
    for field in form.fields:
        blocks.append({"type": "input", "block_id": field.name, "optional": field.name not in ("trending", "threads"),
                       "label": _plain(field.label, INPUT_LABEL), "hint": _plain(field.hint, INPUT_HINT),
                       "element": _element(field)})
    metadata = json.dumps({"team": form.channel.workspace, "channel": form.channel.channel})
    return {"type": "modal", "callback_id": CALLBACK, "title": _plain("Channel settings", MODAL_TITLE),
            "submit": _plain("Save", MODAL_TITLE), "close": _plain("Cancel", MODAL_TITLE),
            "private_metadata": metadata[:PRIVATE_METADATA], "blocks": blocks}


def done_view(summary: str) -> dict[str, Any]:
    return {"type": "modal", "title": _plain("Channel settings", MODAL_TITLE), "close": _plain("Done", MODAL_TITLE),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": fit("Saved. " + bounded(summary, links=False),
                                                                               SECTION_TEXT)}}]}


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """What was typed or chosen, by field (``state.values[block_id][action_id]``)."""
    values: dict[str, str] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        element = (actions or {}).get(ACTION) or {}
        chosen = element.get("selected_option") or {}
        value = chosen.get("value") if element.get("type") == "static_select" else element.get("value")
        values[str(block_id)] = str(value or "")
    return values


class SettingsModal:
    """The listeners: `/papers settings` (from the command's lazy listener) and the modal's submission."""

    def __init__(self, bot: PaperBot, platform: SlackPlatform) -> None:
        self.bot = bot
        self.platform = platform

    async def open(self, command: dict[str, Any], respond: Any) -> None:
        """Open the modal for a manager; tell anyone else, only them, what the settings are. Never raises."""
        channel = ChannelRef("slack", str(command.get("team_id") or ""), str(command.get("channel_id") or ""))
        user = str(command.get("user_id") or "")
        try:
            try:
                if not await can_manage_channel(await self.platform.client_for(channel.workspace), user, channel.channel):
                    summary = await self.bot.settings_form.summary(channel)
                    text = f"{REFUSED} {WHO_MANAGES}\n{summary}"
                    await respond(text=bounded(text), response_type="ephemeral")
                    return
                form = await self.bot.settings_form.form(channel)
            except PaperbotError as exc:
                _log.warning("/papers settings in %s failed: %s", channel, exc)
                await respond(text=failure_text(exc), response_type="ephemeral")
                return
            try:
                await (await self.platform.client_for(channel.workspace)).views_open(trigger_id=str(command.get("trigger_id") or ""), view=modal_view(form))
            except CALL_FAILURES as exc:
                _log.warning("views.open for /papers settings in %s failed: %s", channel, describe(exc))
                await respond(text=NOT_OPENED, response_type="ephemeral")
        except Exception:  # noqa: BLE001 - the response_url itself failed, or a bug: the log says which
            _log.exception("/papers settings (the modal) in %s failed", channel)

    async def submitted(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Check, then save or answer per-field errors — in the ack, as Slack wants within 3 s."""
        values = submitted_values(view)
        first = next(iter(values), "threads")
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            channel = ChannelRef("slack", str(meta.get("team") or ""), str(meta.get("channel") or ""))
            user = str((body.get("user") or {}).get("id") or "")
            if not channel.channel or not user:
                raise ValueError("a settings modal without its channel")
            manager = await can_manage_channel(await self.platform.client_for(channel.workspace), user, channel.channel)
            outcome = await self.bot.settings_form.submit(Requester(channel, user, can_manage_channel=manager), values)
        except PermissionDeniedError:
            await ack(response_action="errors", errors={first: fit(f"{REFUSED} {WHO_MANAGES}", FIELD_ERROR)})
            return
        except PaperbotError as exc:
            _log.warning("the settings modal could not be saved: %s", exc)
            words = store_words(exc, NOT_SAVED) if isinstance(exc, StoreUnavailableError) else str(exc)
            await ack(response_action="errors", errors={first: fit(neutralise_plain(words), FIELD_ERROR)})
            return
        except Exception:  # noqa: BLE001 - said under the first field, logged with the trace
            _log.exception("the settings modal could not be saved")
            await ack(response_action="errors", errors={first: BROKEN})
            return
        if outcome.errors:
            errors = {name: fit(neutralise_plain(text), FIELD_ERROR) for name, text in outcome.errors.items()}
            await ack(response_action="errors", errors=errors)
            return
        await ack(response_action="update", view=done_view(outcome.summary))
