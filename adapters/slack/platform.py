"""SlackPlatform: the transport the core posts through on Slack (`/papers today`, the scheduler, threads).

Transport only: what to post, record and thread is decided by the core. ``send`` posts a digest
as one Block Kit message, then one short reply per paper in its thread; the returned message ids
(Slack ``ts``) are those replies, aligned with the digest items, and the digest message is the
root its papers' discussion hangs from (``ThreadStyle.PER_DIGEST``). Failures become
DeliveryError subclasses (:mod:`adapters.slack.errors`): channel gone / bot removed / missing scope
→ ChannelUnavailableError, the message refused as rendered → RejectedMessageError, ``ratelimited``
(after the client's own 429 retry) → RateLimitedError, anything else → TransientDeliveryError; a
digest cut short → PartiallySentError. Text is posted in at most a few pieces
(:mod:`adapters.slack.limits`): an opening in a thread in at most two messages, anything else in four.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from slack_sdk.errors import SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import digest_blocks, digest_fallback, item_reply_text, paper_blocks, paper_fallback
from adapters.slack.buttons import reply_blocks, with_controls
from adapters.slack.errors import CALL_FAILURES, delivery_error, describe, error_code
from adapters.slack.limits import MESSAGE_TEXT, OPENING_MESSAGES, REPLY_MESSAGES, split
from adapters.slack.mrkdwn import neutralise_text
from adapters.slack.pacing import ChannelPacer
from bot.domain import ChannelRef
from bot.errors import ConfigError, DeliveryError, PartiallySentError, TransientDeliveryError
from bot.ports import Sent, ThreadStyle
from bot.replies import PaperReply, Publication, TextReply

_log = logging.getLogger(__name__)

OUTBOX_EVENT = "paperbot_outbox"
FILES_SCOPE_MISSING = ("I may not upload files in this workspace yet: the Slack app needs the files:write scope. "
                       "An admin can add it (slack/manifest.yml) and reinstall the app.")
CHUNK = MESSAGE_TEXT  # characters per message: Slack truncates text past 40k and shows long messages poorly


def _metadata(tag: str | None, **payload: int) -> dict[str, Any]:
    if not tag:
        return {}
    return {"metadata": {"event_type": OUTBOX_EVENT, "event_payload": {"tag": tag, **payload}}}


def _tag_of(message: dict[str, Any]) -> str | None:
    meta = message.get("metadata") or {}
    return (meta.get("event_payload") or {}).get("tag") if meta.get("event_type") == OUTBOX_EVENT else None


def _index_of(message: dict[str, Any]) -> int:
    meta = message.get("metadata") or {}
    try:
        return int((meta.get("event_payload") or {}).get("index") or 0)
    except (TypeError, ValueError):
        return 0


def text_pieces(reply: TextReply, max_pieces: int = REPLY_MESSAGES) -> list[str]:
    """A core text reply as neutralised mrkdwn messages Slack shows well: line breaks and links kept,
    at most ``max_pieces`` of at most ``CHUNK`` characters, never cut inside a link (neutralised
    first, then cut by :func:`adapters.slack.limits.split`)."""
    return split(neutralise_text(reply.text), CHUNK, max_pieces) or ["…"]


class TeamClientSource(Protocol):
    """Each workspace's client (several workspaces: :class:`adapters.slack.team_clients.TeamClients`)."""

    async def client_for(self, team_id: str) -> AsyncWebClient: ...


class SlackPlatform:
    """The transport through the Web API (``ThreadStyle.PER_DIGEST``): with one bot token, the app's
    AsyncWebClient; with several workspaces, each channel's team's client (``ChannelRef.workspace``
    is the team id), so every call uses the token of the workspace it goes to."""

    platform = "slack"
    finds_sent = True

    def __init__(self, client: AsyncWebClient, *, pacer: ChannelPacer | None = None,
                 teams: TeamClientSource | None = None) -> None:
        """``pacer``: the per-channel message spacing (default: Slack's ~1 message/s per channel);
        ``teams``: a client per workspace (OAuth installs) instead of ``client`` for every call."""
        self.client = client
        self.pacer = pacer or ChannelPacer()
        self.teams = teams

    async def client_for(self, team_id: str) -> AsyncWebClient:
        """The client whose token works in ``team_id``; ChannelUnavailableError when paperbot is not
        installed there (several workspaces)."""
        return await self.teams.client_for(team_id) if self.teams is not None else self.client

    async def _post(self, where: ChannelRef, what: str, **kwargs: Any) -> str:
        """``chat.postMessage`` (no unfurls) at the channel's pace with its workspace's token; its ``ts``,
        or the DeliveryError saying what went wrong."""
        client = await self.client_for(where.workspace)
        try:
            async with self.pacer.turn(str(kwargs.get("channel", ""))):
                response = await client.chat_postMessage(unfurl_links=False, unfurl_media=False, **kwargs)
        except CALL_FAILURES as exc:
            raise delivery_error(exc, what) from exc
        return str(response["ts"])

    # ChatTransport ---------------------------------------------------------------------------

    def thread_style(self, channel: ChannelRef) -> ThreadStyle:
        """A digest's thread holds all its papers' discussion; a DM ("D…") gets none."""
        return ThreadStyle.NONE if channel.channel.startswith("D") else ThreadStyle.PER_DIGEST

    async def send(self, channel: ChannelRef, publication: Publication, *, tag: str | None = None) -> Sent:
        """A digest: the Block Kit message (its ``ts`` is the thread), then one short reply per paper in
        its thread, which reactions attach to. A paper: one message. ``tag`` rides in message metadata."""
        if isinstance(publication, PaperReply):
            paper = publication.paper
            ts = await self._post(channel, f"posting a paper to {channel.channel}", channel=channel.channel,
                                  text=paper_fallback(paper),
                                  blocks=with_controls(paper_blocks(paper, publication.why,
                                                                    publication.discussions.get(paper.arxiv_id)), paper.arxiv_id),
                                  **_metadata(tag, count=1, index=0))
            return Sent(ts, (ts,))
        digest = publication.digest
        parent = await self._post(
            channel, f"posting a digest to {channel.channel}", channel=channel.channel,
            text=digest_fallback(digest), blocks=digest_blocks(digest),
            **_metadata(tag, count=len(digest.items)),
        )
        ids: list[str] = []
        try:
            for number, item in enumerate(digest.items, start=1):
                reply = item_reply_text(number, item, publication.discussions.get(item.paper.arxiv_id))
                ids.append(await self._post(
                    channel, f"posting paper {number} to {channel.channel}", channel=channel.channel, thread_ts=parent,
                    text=reply, blocks=reply_blocks(reply, item.paper.arxiv_id),
                    **_metadata(tag, index=number),
                ))
        except DeliveryError as exc:
            # the digest is out: a paper whose reply is missing is carried by the digest message itself
            raise PartiallySentError(exc, parent, tuple(ids + [parent] * (len(digest.items) - len(ids)))) from exc
        return Sent(parent, tuple(ids))

    async def post(self, channel: ChannelRef, reply: TextReply, *, thread_id: str | None = None,
                   reply_to: str | None = None, tag: str | None = None) -> list[str]:
        """Text, in pieces Slack shows well; in ``thread_id``'s thread when given (``reply_to`` needs no
        reference on Slack: a thread reply is already an answer). Text in a thread that answers no one
        is an opening (one paper's): at most two messages; anything else at most four."""
        where = f"replying in a thread of {channel.channel}" if thread_id else f"posting to {channel.channel}"
        extra: dict[str, Any] = {"thread_ts": thread_id} if thread_id else {}
        ids = []
        opening = thread_id is not None and reply_to is None
        for n, piece in enumerate(text_pieces(reply, OPENING_MESSAGES if opening else REPLY_MESSAGES)):
            meta = _metadata(tag, count=0) if n == 0 else {}
            ids.append(await self._post(channel, where, channel=channel.channel, text=piece, **extra, **meta))
        return ids

    async def send_file(self, channel: ChannelRef, filename: str, data: bytes, text: str) -> list[str]:
        """Upload with files.upload v2 (``files_upload_v2``: files.getUploadURLExternal, the upload, then
        files.completeUploadExternal shares it in the channel with ``text``). Slack shares the file
        asynchronously and answers with the file, not the message: the id returned is the file's."""
        what = f"uploading {filename} to {channel.channel}"
        try:
            client = await self.client_for(channel.workspace)
            async with self.pacer.turn(channel.channel):
                response = await client.files_upload_v2(channel=channel.channel, file=data, filename=filename,
                                                        title=filename, alt_txt=text[:1000],
                                                        initial_comment=neutralise_text(text))
        except SlackRequestError as exc:  # the upload step itself failed (not a Web API answer)
            raise TransientDeliveryError(f"Slack did not take the file while {what}; try again shortly.") from exc
        except CALL_FAILURES as exc:
            if error_code(exc) == "missing_scope":  # an app installed before /papers stats: say what to do
                _log.warning("Slack refused the upload to %s: the app lacks the files:write scope", channel)
                raise ConfigError(FILES_SCOPE_MISSING) from exc
            raise delivery_error(exc, what) from exc
        uploaded = response.get("file") or {}
        return [str(uploaded["id"])] if uploaded.get("id") else []

    async def open_thread(self, channel: ChannelRef, root_message_id: str, name: str) -> str:
        """A Slack thread is the replies under one message: nothing to create, its id is that message's ``ts``."""
        return root_message_id

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        """A link to the thread's parent message (``chat.getPermalink``); None when Slack will not say."""
        try:
            client = await self.client_for(channel.workspace)
        except DeliveryError:  # not installed there (any more): no link
            return None
        try:
            response = await client.chat_getPermalink(channel=channel.channel, message_ts=thread_id)
        except CALL_FAILURES as exc:
            _log.info("no permalink for %s in %s: %s", thread_id, channel, describe(exc))
            return None
        link = response.get("permalink")
        return str(link) if link else None

    # ChatPlatform ----------------------------------------------------------------------------

    async def find_sent(self, channel: ChannelRef, tag: str, *, expected: Publication | TextReply | None = None,
                        since: datetime | None = None) -> Sent | None:
        """An earlier tagged send among the channel's last 50 messages, or None.

        A digest whose thread replies were cut short by a crash is still "sent": a missing
        reply's paper is mapped to the digest message itself (reactions there count for it).
        """
        what = f"reading {channel.channel}'s history"
        client = await self.client_for(channel.workspace)
        try:
            history = await client.conversations_history(channel=channel.channel, limit=50, include_all_metadata=True)
            parent = next((m for m in history.get("messages") or [] if _tag_of(m) == tag and not _index_of(m)), None)
            if parent is None:
                return None
            payload = (parent.get("metadata") or {}).get("event_payload") or {}
            count = int(payload.get("count") or 0)
            if count == 0:
                return Sent(str(parent["ts"]), ())
            if "index" in payload:  # a one-paper message: it carries the paper itself
                return Sent(str(parent["ts"]), (str(parent["ts"]),))
            replies = await client.conversations_replies(channel=channel.channel, ts=parent["ts"], limit=200,
                                                              include_all_metadata=True)
        except CALL_FAILURES as exc:
            raise delivery_error(exc, what) from exc
        by_index = {_index_of(m): str(m["ts"]) for m in replies.get("messages") or [] if _tag_of(m) == tag and _index_of(m)}
        root = str(parent["ts"])
        return Sent(root, tuple(by_index.get(i, root) for i in range(1, count + 1)))

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        """The member's direct-message channel with the bot (``conversations.open``; scope ``im:write``)."""
        client = await self.client_for(workspace)
        try:
            response = await client.conversations_open(users=user_id)
        except CALL_FAILURES as exc:
            raise delivery_error(exc, f"opening a DM with {user_id}") from exc
        return ChannelRef(self.platform, workspace, str((response.get("channel") or {})["id"]))
