"""Slack's App Home: the core's :class:`~bot.usecases.home.HomeView` as a Home tab, and its buttons.

``app_home_opened`` (the Home tab) → ``views.publish`` of the member's own page; a button
(``block_actions`` whose ``action_id`` is ``paperbot_home:<action>``) → the core's
:meth:`~bot.usecases.home.HomeUseCases.act` for the member who pressed it, then the page is published
again with what happened at its top. Both are acknowledged at once and worked on afterwards (lazy
listeners, as ``/papers`` is): Slack wants an answer within 3 s.

Rendering: every text of the view is neutralised (:mod:`adapters.slack.mrkdwn`: titles and keywords
come from the internet); a title links only to a plain http(s) URL; each text, button and dialog is
cut to Slack's limits (:mod:`adapters.slack.limits`) and the view to 100 blocks, the last saying
that something was left out.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from adapters.slack.commands import bounded
from adapters.slack.errors import CALL_FAILURES, describe
from adapters.slack.limits import (
    BUTTON_TEXT,
    BUTTON_VALUE,
    CONFIRM_BUTTON,
    CONFIRM_TEXT,
    CONFIRM_TITLE,
    CONTEXT_TEXT,
    HEADER_TEXT,
    SECTION_TEXT,
    VIEW_BLOCKS,
    fit,
)
from adapters.slack.mrkdwn import link, neutralise, neutralise_plain
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.domain import ChannelRef, Requester
from bot.errors import ChannelUnavailableError, PaperbotError, StoreUnavailableError, store_words
from bot.text import shorten
from bot.usecases.home import TITLE, Button, Confirm, HomeAction, HomeView, Item, Section

_log = logging.getLogger(__name__)

ACTION_PREFIX = "paperbot_home:"
ACTIONS = re.compile(rf"^{re.escape(ACTION_PREFIX)}")
HOME_CHANNEL = "home"  # the page belongs to a member, not to a channel
LEFT_OUT = "Some of this page is left out to fit Slack's limits."
BROKEN = "Something went wrong on my side; the error is logged. Try again later."
NOT_DONE = "that button did nothing"  # what a database failure meant for a press (bot.errors.store_words)
NOT_SHOWN = "your page cannot be shown"  # … for the page itself

Block = dict[str, Any]


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(neutralise_plain(text), limit) or "…", "emoji": True}


def _mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": fit(bounded(text, links=False), limit) or "…"}


def _confirm(confirm: Confirm) -> dict[str, Any]:
    return {"title": _plain(confirm.title, CONFIRM_TITLE), "text": _plain(confirm.text, CONFIRM_TEXT),
            "confirm": _plain(confirm.yes, CONFIRM_BUTTON), "deny": _plain(confirm.no, CONFIRM_BUTTON),
            "style": "danger"}


def button(b: Button) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": ACTION_PREFIX + b.action.value,
                               "text": _plain(b.label, BUTTON_TEXT), "value": b.value[:BUTTON_VALUE]}
    if b.style in ("primary", "danger"):
        element["style"] = b.style
    if b.confirm is not None:
        element["confirm"] = _confirm(b.confirm)
    return element


def _item(item: Item) -> Block:
    title = link(item.url, item.title, limit=SECTION_TEXT // 2)
    detail = neutralise(item.detail)
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": fit(f"{title}  {detail}".strip(), SECTION_TEXT)}}
    if item.button is not None:
        block["accessory"] = button(item.button)
    return block


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text, CONTEXT_TEXT)]}


def section_blocks(section: Section) -> list[Block]:
    blocks: list[Block] = [{"type": "header", "text": _plain(section.title, HEADER_TEXT)}]
    if section.lines:
        blocks.append({"type": "section", "text": _mrkdwn("\n".join(section.lines))})
    if section.items_title and section.items:
        blocks.append(_context(section.items_title))
    blocks += [_item(item) for item in section.items]
    if section.more:
        blocks.append(_context(section.more))
    if section.actions:
        blocks.append({"type": "actions", "elements": [button(b) for b in section.actions[:25]]})
    return blocks


def home_blocks(view: HomeView) -> list[Block]:
    """The page's blocks, at most :data:`VIEW_BLOCKS`."""
    blocks: list[Block] = [{"type": "header", "text": _plain(view.title, HEADER_TEXT)}]
    if view.notice:
        blocks.append({"type": "section", "text": _mrkdwn(view.notice)})
    for section in view.sections:
        blocks.append({"type": "divider"})
        blocks += section_blocks(section)
    if len(blocks) > VIEW_BLOCKS:
        blocks = blocks[:VIEW_BLOCKS - 1] + [_context(LEFT_OUT)]
    return blocks


def home_view(view: HomeView) -> dict[str, Any]:
    return {"type": "home", "blocks": home_blocks(view)}


class AppHome:
    """The listeners of the Home tab (registered by :func:`adapters.slack.app.build_app`)."""

    def __init__(self, bot: PaperBot, platform: SlackPlatform) -> None:
        self.bot = bot
        self.platform = platform  # its client_for(team): the member's workspace's token (several workspaces)

    async def ack(self, ack: Any) -> None:
        await ack()

    async def opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """``app_home_opened``: publish the member's page when they open the Home tab (not the
        Messages tab). Never raises."""
        user = str(event.get("user") or "")
        if event.get("tab") != "home" or not user:
            return
        await self.show(self._member(body, user))

    async def pressed(self, body: dict[str, Any]) -> None:
        """A button on the page: the core does it for whoever pressed it; the page is published again
        with what happened. Never raises."""
        user = str((body.get("user") or {}).get("id") or "")
        actions = body.get("actions") or []
        if not user or not actions:
            return
        member = self._member(body, user)
        action = str(actions[0].get("action_id") or "").removeprefix(ACTION_PREFIX)
        value = str(actions[0].get("value") or "")
        try:
            timezone = await self._timezone(member) if action == HomeAction.DM_ON.value else None
            notice = await self.bot.home.act(member, action, value, timezone=timezone)
        except StoreUnavailableError as exc:
            notice = store_words(exc, NOT_DONE)
        except PaperbotError as exc:  # the core's words: a button that is not ours, a paper not saved
            notice = str(exc)
        except Exception:  # noqa: BLE001 - said in words on the page, logged with the trace
            _log.exception("App Home button %s by %s failed", action[:40], user)
            notice = BROKEN
        await self.show(member, notice)

    async def show(self, member: Requester, notice: str = "") -> None:
        """Publish the member's page (``views.publish``), with ``notice`` at its top. Without the database,
        a page that says why (passing, or needing repair): it is built again when they next open it."""
        try:
            view = await self.bot.home.view(member, notice)
        except StoreUnavailableError as exc:
            _log.warning("could not build the App Home of %s: %s", member.user_id, exc.detail)
            view = HomeView(TITLE, (), store_words(exc, NOT_SHOWN))
        except Exception:  # noqa: BLE001 - nothing to show it on but the log
            _log.exception("could not build the App Home of %s", member.user_id)
            return
        try:
            client = await self.platform.client_for(member.channel.workspace)
            await client.views_publish(user_id=member.user_id, view=home_view(view))
        except ChannelUnavailableError as exc:  # not installed in that workspace (several workspaces)
            _log.warning("no App Home for %s: %s", member.user_id, exc)
        except CALL_FAILURES as exc:
            _log.warning("views.publish for %s failed: %s", member.user_id, describe(exc))

    async def _timezone(self, member: Requester) -> str | None:
        """The member's own timezone as Slack knows it (``users.info`` → ``tz``), or None."""
        user = member.user_id
        try:
            client = await self.platform.client_for(member.channel.workspace)
            data = getattr(await client.users_info(user=user), "data", None)
        except CALL_FAILURES as exc:
            _log.info("users.info for %s failed (%s): the DM digest starts in UTC", user, describe(exc))
            return None
        person = data.get("user") if isinstance(data, dict) else None
        tz = person.get("tz") if isinstance(person, dict) else None
        return tz if isinstance(tz, str) else None

    @staticmethod
    def _member(body: dict[str, Any], user: str) -> Requester:
        team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        return Requester(ChannelRef("slack", str(team or ""), HOME_CHANNEL), user)
