"""``/papers …``: ack at once, then hand the text to the core and answer.

Every subcommand the core declares works, because the raw text goes to the core's parser
(nothing here lists subcommands). Whether the channel-manager lookup is needed is the
declaration's to say (``PaperBot.needs_manager``): only then does it cost the two API calls.
A digest or a paper is posted, recorded and threaded by the core through ``SlackPlatform``;
an export goes to the member's DM (``SavedUseCases.deliver`` with :class:`adapters.slack.saved.DmFiles`,
an ephemeral note here; the pages when Slack refuses the file); a text reply goes to ``respond`` (ephemeral when the reply says so, else in channel); a
failure becomes a short ephemeral message that says what happened in people's words — never
Slack's error codes, the database's complaint or the command echoed back. Whatever goes to the
``response_url`` is one message of at most :data:`adapters.slack.limits.MESSAGE_TEXT` characters.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from adapters.slack.limits import MESSAGE_TEXT, split
from adapters.slack.mrkdwn import ZWSP, neutralise, neutralise_lines, neutralise_text
from adapters.slack.permissions import can_manage_channel
from adapters.slack.platform import SlackPlatform
from adapters.slack.saved import DmFiles, paged_text
from bot.app import PaperBot
from bot.domain import ChannelRef, Requester
from bot.errors import (
    ChannelUnavailableError,
    DeliveryError,
    Failure,
    PaperbotError,
    RejectedMessageError,
    StoreUnavailableError,
    failure_of,
    store_words,
)
from bot.replies import ExportReply, PagedReply, TextReply

_log = logging.getLogger(__name__)

NOT_IN_CHANNEL = ("I can't post in this channel yet: invite me with `/invite @paperbot`, "
                  "then try again. (Replies only you can see still work here.)")
REJECTED = ("Slack would not show the message I put together for this, so nothing was posted. "
            "That is a bug on my side and it has been logged; other commands still work.")
RATE_LIMITED = "Slack asked me to slow down. Try again in a minute."
SLACK_DOWN = "I could not reach Slack just now, so this may not have been posted. Try again in a minute."
NOT_DONE = "nothing was done"  # what a database failure meant for a command (bot.errors.store_words)
BROKEN = "Something went wrong on my side; the error is logged. Try again later."

WHO_MANAGES = "In Slack that means a workspace admin or owner, or the person who created this channel."


# a zero-width space the neutraliser put before an underscore inside a word: Slack formats ``_x_`` only
# at word edges, so ``America/New_York`` or ``include_authors`` are shown as written, and copied as written
_INSIDE_A_WORD = re.compile(rf"(?<=[^\W_]){ZWSP}(?=_[^\W_])")


def bounded(text: str, *, links: bool = True) -> str:
    """A reply as one neutralised message of at most MESSAGE_TEXT characters (Slack's
    response_url takes one message; cut at a line or a word, never inside a link). ``links=False``
    for text that repeats what a person typed: no URL in it becomes a link. Words a person may copy
    back (a time zone, an option name) keep their underscores free of zero-width spaces."""
    neutral = neutralise_text(text) if links else neutralise_lines(text)
    pieces = split(_INSIDE_A_WORD.sub("", neutral), MESSAGE_TEXT, 1)
    return pieces[0] if pieces else "…"


def failure_text(exc: PaperbotError) -> str:
    """What a person reads when a command failed: the core's own words for their mistakes, ours for
    the platform's and the database's (no codes, no internals)."""
    if isinstance(exc, StoreUnavailableError):  # passing or needing repair: the core's rule says which
        return bounded(store_words(exc, NOT_DONE), links=False)
    kind = failure_of(exc)
    if kind is Failure.NOT_ALLOWED:
        return f"{neutralise(str(exc))} {WHO_MANAGES}"
    if kind is Failure.OWN_WORDS:
        return bounded(str(exc), links=False)  # usage, not found: the core's words, quoting the command
    return {Failure.REJECTED: REJECTED, Failure.CANNOT_POST: NOT_IN_CHANNEL,
            Failure.RATE_LIMITED: RATE_LIMITED, Failure.PLATFORM_DOWN: SLACK_DOWN}[kind]


class PapersCommand:
    """The bolt listeners for ``/papers`` (registered by :func:`adapters.slack.app.build_app`):
    :meth:`ack` answers Slack within its 3 s, :meth:`work` does the command afterwards."""

    def __init__(self, bot: PaperBot, platform: SlackPlatform) -> None:
        self.bot = bot
        self.platform = platform

    async def ack(self, ack: Any) -> None:
        """Acknowledge at once, before any work (Slack shows an error after 3 s)."""
        await ack()

    async def __call__(self, ack: Any, command: dict[str, Any], respond: Any) -> None:
        """Ack, then work (for callers that run both in one go)."""
        await self.ack(ack)
        await self.work(command, respond)

    async def work(self, command: dict[str, Any], respond: Any) -> None:
        """Run the command and answer through ``respond``. Never raises."""
        text = str(command.get("text") or "")
        channel = ChannelRef("slack", str(command.get("team_id") or ""), str(command.get("channel_id") or ""))
        user = str(command.get("user_id") or "")
        try:
            try:
                parsed = self.bot.parse(text)
                manager = await can_manage_channel(await self.platform.client_for(channel.workspace), user, channel.channel) if self.bot.needs_manager(parsed) else False
                requester = Requester(channel, user, can_manage_channel=manager, display_name=command.get("user_name"))
                reply = await self.bot.handle(requester, parsed, self.platform)
                if isinstance(reply, ExportReply):  # `/papers export`: the file in the member's DM, else pages
                    reply = await self.bot.saved.deliver(reply, requester, DmFiles(self.platform))
            except PaperbotError as exc:
                self._log_failure(exc, channel)
                await respond(text=failure_text(exc), response_type="ephemeral")
                return
            except Exception:  # noqa: BLE001 - answered in words, logged with the trace
                _log.exception("/papers in %s failed (%d characters of text)", channel, len(text))
                await respond(text=BROKEN, response_type="ephemeral")
                return
            if isinstance(reply, TextReply):  # line breaks and links kept (answers quote sentences line by line)
                await respond(text=bounded(reply.text), response_type="ephemeral" if reply.ephemeral else "in_channel")
            elif isinstance(reply, PagedReply | ExportReply):  # `/papers saved`, `/papers export`: private, one page
                await respond(text=paged_text(reply), response_type="ephemeral")
        except Exception as exc:  # noqa: BLE001 - the response_url itself failed: nobody to tell but the log
            _log.warning("could not answer /papers in %s: %s", channel, type(exc).__name__)

    @staticmethod
    def _log_failure(exc: PaperbotError, channel: ChannelRef) -> None:
        if isinstance(exc, ChannelUnavailableError):
            _log.info("cannot post in %s: %s", channel, exc)
        elif isinstance(exc, RejectedMessageError):
            _log.error("Slack refused what /papers rendered in %s: %s", channel, exc)
        elif isinstance(exc, (DeliveryError, StoreUnavailableError)):
            _log.warning("/papers in %s failed: %s", channel, exc)
