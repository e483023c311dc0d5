"""The App Home and the settings modal, registered on the bolt app in one call.

Buttons and the Home tab are acknowledged at once and worked on afterwards (lazy listeners, like
``/papers``); a modal's submission is answered in its acknowledgement (per-field errors or the saved
settings), which bolt sends once the listener returns (``process_before_response``).
"""
from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.home import ACTIONS, AppHome
from adapters.slack.modal import CALLBACK, SettingsModal
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.log_context import log_context


def register_views(app: AsyncApp, bot: PaperBot, platform: SlackPlatform) -> SettingsModal:
    """Listen for ``app_home_opened``, the Home tab's buttons and the settings modal's submission;
    the modal itself is opened from `/papers settings` (the command's listener asks the one returned)."""
    home = AppHome(bot, platform)
    modal = SettingsModal(bot, platform)

    # bolt wants real coroutine functions and injects arguments by parameter name.
    async def ack(ack: Any) -> None:
        await ack()

    async def opened(body: dict[str, Any], event: dict[str, Any]) -> None:
        with log_context(platform="slack"):
            await home.opened(body, event)

    async def pressed(body: dict[str, Any]) -> None:
        with log_context(platform="slack"):
            await home.pressed(body)

    async def submitted(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        with log_context(platform="slack"):
            await modal.submitted(ack, body, view)

    app.event("app_home_opened")(ack=ack, lazy=[opened])
    app.action(ACTIONS)(ack=ack, lazy=[pressed])
    app.view(CALLBACK)(submitted)
    return modal
