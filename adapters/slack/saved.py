"""Saved papers on Slack: paged private answers (`/papers saved`, an export shown inline) as one
response_url message, and an export handed over in the member's DM with the bot (:class:`DmFiles`).

The core packs the page (``bot.paging``); this says how much one Slack message here holds
(:data:`adapters.slack.limits.MESSAGE_TEXT`) and how text is made safe: words are neutralised as
every reply's are (links kept), while a code block's content only has Slack's three control
characters escaped — it is shown verbatim, and must be copied back out exactly (a zero-width space
in a BibTeX key breaks the import).

A file cannot be ephemeral in a channel, and an export is personal: it goes to the member's DM with
the bot (``conversations.open``, then files.upload v2 there, with their workspace's token), and the
channel gets only an ephemeral note. A refusal (no files:write scope, DMs closed) is
:class:`bot.usecases.saved.FileRefused` with the reason: the core then shows the pages instead.
"""
from __future__ import annotations

import logging

from adapters.slack.limits import MESSAGE_TEXT
from adapters.slack.mrkdwn import neutralise_text
from adapters.slack.platform import SlackPlatform
from bot.domain import Requester
from bot.errors import ChannelUnavailableError, ConfigError, DeliveryError
from bot.paging import page_text
from bot.replies import ExportReply, PagedReply
from bot.usecases.saved import FileRefused, FileSent

_log = logging.getLogger(__name__)

FENCE_BREAK = "`\u200b`\u200b`"  # a ``` inside the content would close the block early
WHERE = "your DMs with paperbot"
INLINE_INSTEAD = "so here it is a page at a time instead."
NO_FILES_SCOPE = ("I may not upload files in this workspace yet (the Slack app needs the files:write scope; "
                  f"an admin can add it and reinstall the app), {INLINE_INSTEAD}")
NO_DM = f"I could not send you a direct message (Slack did not let me open one), {INLINE_INSTEAD}"
NOT_TAKEN = f"Slack did not take the file just now, {INLINE_INSTEAD}"


def _code(text: str) -> str:
    """Slack's ``&``, ``<``, ``>`` escaped (the client shows them as typed); line breaks and spaces kept."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("```", FENCE_BREAK)


def paged_text(reply: PagedReply | ExportReply) -> str:
    """The page asked for, within one message."""
    paged = reply.inline if isinstance(reply, ExportReply) else reply
    return page_text(paged, MESSAGE_TEXT, escape=neutralise_text, escape_code=_code)


class DmFiles:
    """:class:`bot.usecases.saved.PrivateFiles` on Slack: the file in the member's DM with the bot."""

    def __init__(self, platform: SlackPlatform) -> None:
        self._platform = platform

    async def send_privately(self, requester: Requester, filename: str, data: bytes, text: str) -> FileSent | FileRefused:
        workspace = requester.channel.workspace
        try:
            dm = await self._platform.open_dm(workspace, requester.user_id)
        except DeliveryError as exc:
            _log.info("no DM with %s in %s for the export: %s", requester.user_id, workspace, exc)
            return FileRefused(NO_DM if isinstance(exc, ChannelUnavailableError) else NOT_TAKEN)
        try:
            ids = await self._platform.send_file(dm, filename, data, text)
        except ConfigError:  # files:write missing (the platform logged it)
            return FileRefused(NO_FILES_SCOPE)
        except DeliveryError as exc:
            _log.warning("the export %s did not reach %s's DM in %s: %s", filename, requester.user_id, workspace, exc)
            return FileRefused(NO_DM if isinstance(exc, ChannelUnavailableError) else NOT_TAKEN)
        return FileSent(tuple(ids), where=WHERE)
