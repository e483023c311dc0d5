"""``/papers …``: ack at once, then hand the text to the core and answer.

Every subcommand the core declares works, because the raw text goes to the core's parser
(nothing here lists subcommands). Whether the channel-manager lookup is needed is the
declaration's to say (``PaperBot.needs_manager``): only then does it cost the two API calls.
A digest or a paper is posted, recorded and threaded by the core through ``SlackPlatform``;
a text reply goes to ``respond`` (ephemeral when the reply says so, else in channel); a
PaperbotError becomes a short ephemeral message in the error's own words.
"""
from __future__ import annotations

import logging
from typing import Any

from adapters.slack.mrkdwn import neutralise, neutralise_text
from adapters.slack.permissions import can_manage_channel
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.domain import ChannelRef, Requester
from bot.errors import ChannelUnavailableError, PaperbotError, PermissionDeniedError
from bot.replies import TextReply

_log = logging.getLogger(__name__)

NOT_IN_CHANNEL = ("I can't post in this channel yet: invite me with `/invite @paperbot`, "
                  "then try again. (Replies only you can see still work here.)")

WHO_MANAGES = "In Slack that means a workspace admin or owner, or the person who created this channel."


class PapersCommand:
    """The bolt listener for ``/papers`` (registered by :func:`adapters.slack.app.build_app`)."""

    def __init__(self, bot: PaperBot, platform: SlackPlatform) -> None:
        self.bot = bot
        self.platform = platform

    async def __call__(self, ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack()  # within Slack's 3 s, before any work
        text = command.get("text") or ""
        channel = ChannelRef("slack", command.get("team_id") or "", command.get("channel_id") or "")
        user = command.get("user_id") or ""
        try:
            parsed = self.bot.parse(text)
            manager = await can_manage_channel(self.platform.client, user, channel.channel) if self.bot.needs_manager(parsed) else False
            requester = Requester(channel, user, can_manage_channel=manager, display_name=command.get("user_name"))
            reply = await self.bot.handle(requester, parsed, self.platform)
            if isinstance(reply, TextReply):  # line breaks and links kept (answers quote sentences line by line)
                await respond(text=neutralise_text(reply.text), response_type="ephemeral" if reply.ephemeral else "in_channel")
        except ChannelUnavailableError as exc:
            _log.info("cannot post in %s: %s", channel, exc)
            await respond(text=NOT_IN_CHANNEL, response_type="ephemeral")
        except PermissionDeniedError as exc:
            await respond(text=f"{neutralise(str(exc))} {WHO_MANAGES}", response_type="ephemeral")
        except PaperbotError as exc:  # usage, not found, delivery: the message is for people
            await respond(text=neutralise_text(str(exc)), response_type="ephemeral")
        except Exception:  # noqa: BLE001 - answered in words, logged with the trace
            _log.exception("/papers %r failed", text[:200])
            await respond(text="Something went wrong on my side; the error is logged. Try again later.",
                          response_type="ephemeral")
