"""The controls on every posted paper on Slack (Block Kit), and what a click on one does.

Rendering: a ``context_actions`` block with Slack's ``feedback_buttons`` (👍 / 👎), then an
``actions`` block with two buttons, 🔖 Save and More like this. Every value names the control and
the paper (``up:2511.01234``), within Slack's limits (≤ 5 elements a context_actions block, ≤ 25 an
actions block, action_id ≤ 255 and value ≤ 2,000 characters, button text ≤ 75). They sit on the
message the core records for the paper (a ``/papers paper`` post; a digest's per-paper reply), so a
click names the same message a reaction would: the container's ``message_ts``.

Handling (``block_actions``, registered with ``app.action(ACTION_IDS)``: persistent, since the
action ids are all it matches, across restarts): the click goes to the core
(``PaperBot.on_click``) first and the acknowledgement waits for it, up to :data:`ACK_DEADLINE` of
Slack's 3 s. Stored → acknowledged, and the clicker gets an ephemeral "👍 saved as yours — click
again to undo". The database unavailable → *not* acknowledged (HTTP 503, no Socket Mode ack: Slack
shows the click failed) and the clicker reads, ephemerally, that nothing was recorded. Still
running at the deadline → acknowledged, and the answer follows when the core has one. Slack never
delivers a click again; a second click is the member's own retry and undoes nothing twice: the
click's ``trigger_id`` keys it in the core.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from adapters.slack.blocks import digest_blocks
from adapters.slack.limits import MESSAGE_TEXT, fit
from adapters.slack.mrkdwn import neutralise_text
from bot.app import PaperBot
from bot.domain import ChannelRef
from bot.errors import StoreUnavailableError, store_words
from bot.log_context import log_context
from bot.usecases.feedback import Click, ClickAnswer, Control, control_value, parse_control_value

_log = logging.getLogger(__name__)

ACK_DEADLINE = 2.5  # seconds of Slack's 3 s for an interaction's acknowledgement
PREFIX = "paperbot_"
FEEDBACK_ID = f"{PREFIX}feedback"  # the 👍 / 👎 feedback_buttons element
SAVE_ID = f"{PREFIX}save"
SIMILAR_ID = f"{PREFIX}similar"
UP_ID, DOWN_ID = f"{PREFIX}up", f"{PREFIX}down"  # 👍 / 👎 as plain buttons (an unfurl card: no feedback_buttons)
ACTION_IDS = re.compile(rf"^{PREFIX}(feedback|up|down|save|similar)$")
MAX_ACTION_ID = 255
MAX_VALUE = 2000
MAX_BUTTON_TEXT = 75
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ACTIONS = 5

NOT_RECORDED = "your click was not recorded"  # what a database failure meant (bot.errors.store_words)
BROKEN = "Something went wrong on my side, so your click was not recorded; the error is logged."

Block = dict[str, Any]


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:MAX_BUTTON_TEXT], "emoji": True}


def _value(control: Control, arxiv_id: str) -> str:
    return control_value(control, arxiv_id)[:MAX_VALUE]


def controls(arxiv_id: str) -> list[Block]:
    """The two blocks of controls for one posted paper."""
    feedback = {
        "type": "feedback_buttons", "action_id": FEEDBACK_ID,
        "positive_button": {"text": _plain("👍"), "value": _value(Control.UP, arxiv_id),
                            "accessibility_label": "More papers like this one"},
        "negative_button": {"text": _plain("👎"), "value": _value(Control.DOWN, arxiv_id),
                            "accessibility_label": "Fewer papers like this one"},
    }
    buttons = [
        {"type": "button", "action_id": SAVE_ID, "text": _plain("🔖 Save"), "value": _value(Control.SAVE, arxiv_id)},
        {"type": "button", "action_id": SIMILAR_ID, "text": _plain("More like this"),
         "value": _value(Control.SIMILAR, arxiv_id)},
    ]
    return [{"type": "context_actions", "elements": [feedback][:MAX_CONTEXT_ACTIONS]},
            {"type": "actions", "elements": buttons[:MAX_ACTIONS_ELEMENTS]}]


def card_controls(arxiv_id: str) -> Block:
    """The same four controls as one ``actions`` block of plain buttons, for a pasted link's unfurl
    card (a message attachment: the click's container still names the member's message, which the
    core recorded as the paper's post, so a click is that member's reaction there)."""
    buttons = [
        {"type": "button", "action_id": UP_ID, "text": _plain("👍"), "value": _value(Control.UP, arxiv_id)},
        {"type": "button", "action_id": DOWN_ID, "text": _plain("👎"), "value": _value(Control.DOWN, arxiv_id)},
        {"type": "button", "action_id": SAVE_ID, "text": _plain("🔖 Save"), "value": _value(Control.SAVE, arxiv_id)},
        {"type": "button", "action_id": SIMILAR_ID, "text": _plain("More like this"),
         "value": _value(Control.SIMILAR, arxiv_id)},
    ]
    return {"type": "actions", "elements": buttons[:MAX_ACTIONS_ELEMENTS]}


def with_controls(blocks: list[Block], arxiv_id: str) -> list[Block]:
    """A paper's message blocks with its controls under them."""
    return [*blocks, *controls(arxiv_id)]


def reply_blocks(text: str, arxiv_id: str) -> list[Block]:
    """A digest's per-paper reply (already mrkdwn, ≤ 3,000 characters) as a section with its controls."""
    return with_controls([{"type": "section", "text": {"type": "mrkdwn", "text": text}}], arxiv_id)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _part(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def click_of(body: dict[str, Any]) -> Click | None:
    """The click in a ``block_actions`` payload on one of our controls, else None."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    parsed = parse_control_value(_text(action.get("value")))
    container, user = _part(body, "container"), _part(body, "user")
    channel = _text(_part(body, "channel").get("id")) or _text(container.get("channel_id"))
    ts = _text(container.get("message_ts")) or _text(_part(body, "message").get("ts"))
    user_id = _text(user.get("id"))
    if parsed is None or not channel or not ts or not user_id:
        return None
    team = _text(_part(body, "team").get("id")) or _text(user.get("team_id"))
    control, arxiv_id = parsed
    return Click(ChannelRef("slack", team, channel), ts, user_id, control,
                 click_id=_text(body.get("trigger_id")) or _text(action.get("action_ts")) or None, arxiv_id=arxiv_id)


def answer_message(answer: ClickAnswer) -> dict[str, Any]:
    """The ephemeral message only the clicker sees: the words, and More like this's papers as blocks."""
    text = fit(neutralise_text(answer.text), MESSAGE_TEXT) or "…"
    if answer.similar is None:
        return {"text": text}
    blocks = digest_blocks(answer.similar)[:-1]  # not the closing "react to teach the bot": nothing to react to
    return {"text": text, "blocks": blocks}


class ButtonListener:
    """The bolt listener for clicks on the controls (run before bolt answers Slack)."""

    def __init__(self, bot: PaperBot, deadline: float = ACK_DEADLINE) -> None:
        self.bot = bot
        self.deadline = deadline
        self._later: set[asyncio.Task[None]] = set()

    async def __call__(self, ack: Any, body: dict[str, Any], respond: Any) -> BoltResponse | None:
        click = click_of(body)
        if click is None:
            await ack()
            return None
        work = asyncio.create_task(self.bot.on_click(click), name=f"slack click {click.control.value}")
        done, _ = await asyncio.wait({work}, timeout=self.deadline)
        if not done:
            _log.info("a click on %s/%s is still being handled after %.1f s; acknowledged, answered when done",
                      click.channel, click.message_id, self.deadline)
            await ack()
            self._answer_later(work, respond)
            return None
        error = work.exception()
        if isinstance(error, StoreUnavailableError):
            _log.warning("a click on %s/%s was not stored (%s); not acknowledged", click.channel, click.message_id, error)
            self._say(respond, {"text": store_words(error, NOT_RECORDED)})
            return BoltResponse(status=503, body="")
        await ack()
        if error is not None:
            _log.error("a click on %s/%s failed: %s: %s", click.channel, click.message_id, type(error).__name__,
                       str(error)[:200], exc_info=error)
            self._say(respond, {"text": BROKEN})
            return None
        self._say(respond, answer_message(work.result()))
        return None

    def _say(self, respond: Any, message: dict[str, Any]) -> None:
        """Answer the clicker after bolt answered Slack (the response_url takes it for 30 minutes)."""
        async def send() -> None:
            try:
                await respond(response_type="ephemeral", replace_original=False, **message)
            except Exception as exc:  # noqa: BLE001 - nobody to tell but the log
                _log.warning("could not answer a click: %s", type(exc).__name__)
        self._keep(asyncio.create_task(send(), name="slack click answer"))

    def _answer_later(self, work: asyncio.Task[ClickAnswer], respond: Any) -> None:
        async def later() -> None:
            try:
                answer = await work
            except StoreUnavailableError as exc:
                self._say(respond, {"text": store_words(exc, NOT_RECORDED)})
                return
            except Exception:  # noqa: BLE001 - logged with its trace, answered in words
                _log.exception("a click failed after it was acknowledged")
                self._say(respond, {"text": BROKEN})
                return
            self._say(respond, answer_message(answer))
        self._keep(asyncio.create_task(later(), name="slack click later"))

    def _keep(self, task: asyncio.Task[None]) -> None:
        self._later.add(task)
        task.add_done_callback(self._later.discard)


def register(app: AsyncApp, bot: PaperBot) -> ButtonListener:
    """Listen for clicks on the controls of every posted paper, old or new (matched by action id)."""
    listener = ButtonListener(bot)

    # bolt wants a real coroutine function and injects arguments by parameter name
    async def click(ack: Any, body: dict[str, Any], respond: Any) -> BoltResponse | None:
        with log_context(platform="slack", channel=str((body.get("channel") or {}).get("id") or "")):
            return await listener(ack, body, respond)

    app.action(ACTION_IDS)(click)
    return listener
