"""``/papers …``: ack at once, then run the text through ``PaperBot.handle`` and answer.

Every subcommand the core registers works, because the raw text goes to the core's parser
(nothing here lists subcommands). ``can_manage_channel`` is looked up only for commands
whose CommandSpec has ``manages_channel=True``. Answers:
- DigestReply → SlackPlatform.post_digest (one Block Kit message + per-paper thread
  replies) then ``record_posted`` so reactions map back to papers, then the discussion
  openings in the digest's thread (as the channel's thread mode asks);
- PaperReply → one Block Kit message, recorded as a one-paper post (and its thread opened);
- TextReply → ``respond`` (ephemeral when the reply says so, else in channel);
- PaperbotError / DeliveryError → a short ephemeral message (the error's own words).
"""
from __future__ import annotations

import logging
from typing import Any

from adapters.slack.mrkdwn import neutralise, neutralise_text
from adapters.slack.permissions import can_manage_channel
from adapters.slack.platform import SlackPlatform
from bot.app import PaperBot
from bot.commands import REGISTRY
from bot.domain import ChannelRef, Digest, RankedPaper, Requester
from bot.errors import ChannelUnavailableError, PaperbotError, PermissionDeniedError
from bot.replies import DigestReply, PaperReply, Reply, TextReply

_log = logging.getLogger(__name__)

NOT_IN_CHANNEL = ("I can't post in this channel yet: invite me with `/invite @paperbot`, "
                  "then try again. (Replies only you can see still work here.)")

WHO_MANAGES = "In Slack that means a workspace admin or owner, or the person who created this channel."


def command_name(text: str) -> str:
    words = text.strip().split()
    if words and words[0].lower() in ("/papers", "papers"):
        words = words[1:]
    return words[0].lower() if words else ""


def needs_manage_check(text: str) -> bool:
    spec = REGISTRY.get(command_name(text))
    return bool(spec and spec.manages_channel)


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
            manager = await can_manage_channel(self.platform.client, user, channel.channel) if needs_manage_check(text) else False
            requester = Requester(channel, user, can_manage_channel=manager, display_name=command.get("user_name"))
            reply = await self.bot.handle(requester, text)
            await self.answer(channel, reply, respond)
        except ChannelUnavailableError as exc:
            _log.info("cannot post in %s: %s", channel, exc)
            await respond(text=NOT_IN_CHANNEL, response_type="ephemeral")
        except PermissionDeniedError as exc:
            await respond(text=f"{neutralise(str(exc))} {WHO_MANAGES}", response_type="ephemeral")
        except PaperbotError as exc:  # usage, not found, permission, delivery: the message is for people
            await respond(text=neutralise(str(exc)), response_type="ephemeral")
        except Exception:
            _log.exception("/papers %r failed", text)
            await respond(text="Something went wrong on my side; the error is logged. Try again later.",
                          response_type="ephemeral")

    async def answer(self, channel: ChannelRef, reply: Reply, respond: Any) -> None:
        if isinstance(reply, DigestReply):
            parent, ids = await self.platform.post_digest(channel, reply.digest)
            if reply.digest.items:
                posts = await self.bot.record_posted(channel, reply.digest, ids)
                await self._open_threads(channel, posts, parent)
        elif isinstance(reply, PaperReply):
            ts = await self.platform.send_paper(channel, reply.paper, reply.why)
            single = Digest(title=reply.paper.title, items=(RankedPaper(reply.paper, 0.0, reply.why or ""),))
            posts = await self.bot.record_posted(channel, single, [ts])
            await self._open_threads(channel, posts, ts)
        elif isinstance(reply, TextReply):
            # line breaks and links kept (answers quote sentences line by line)
            await respond(text=neutralise_text(reply.text), response_type="ephemeral" if reply.ephemeral else "in_channel")
        else:  # a reply type added to the core later: say it plainly rather than drop it
            await respond(text=neutralise(str(reply)), response_type="ephemeral")

    async def _open_threads(self, channel: ChannelRef, posts: list, thread_ts: str) -> None:
        if self.platform.threads is not None:
            await self.platform.threads.open_for_posts(channel, posts, thread_ts)
