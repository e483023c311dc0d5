"""SlackPlatform: the ChatPlatform send path (scheduler, `/papers today`), with Slack errors mapped.

``send_digest`` posts the digest as one Block Kit message, then one short reply per paper
in its thread; the returned message ids (Slack ``ts``) are those replies, aligned with the
digest items, for ``PaperBot.record_posted``. Failures become DeliveryError subclasses:
channel gone / bot removed / missing scope → ChannelUnavailableError, ``ratelimited`` (after
the client's own 429 retry) → RateLimitedError, 5xx / timeouts / connection → TransientDeliveryError.
After a digest or a paper is sent, its discussion openings are posted in its thread
(:class:`adapters.slack.threads.SlackThreads`; a thread problem never fails the delivery).
Optional ChatPlatform methods: ``open_dm`` (``conversations.open``) and ``thread_url``
(``chat.getPermalink``).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import digest_blocks, digest_fallback, item_reply_text, paper_blocks, paper_fallback
from adapters.slack.mrkdwn import neutralise
from adapters.slack.pacing import ChannelPacer
from adapters.slack.threads import SlackThreads
from bot.domain import digest_posts as posts_for
from bot.domain import ChannelRef, Digest, Paper, PostKind
from bot.errors import ChannelUnavailableError, DeliveryError, RateLimitedError, TransientDeliveryError

_log = logging.getLogger(__name__)

UNAVAILABLE = {
    "channel_not_found", "not_in_channel", "is_archived", "account_inactive", "missing_scope",
    "invalid_auth", "not_authed", "token_revoked", "team_access_not_granted", "restricted_action",
    "ekm_access_denied", "channel_is_archived",
}


def delivery_error(exc: BaseException, what: str) -> DeliveryError:
    """Turn a slack_sdk / aiohttp failure into the DeliveryError that says what to do next."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        code = (response.get("error") if response is not None and isinstance(response.data, dict) else None) or ""
        status = getattr(response, "status_code", 0) or 0
        if status == 429 or code == "ratelimited":
            headers = getattr(response, "headers", {}) or {}
            raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), "1")
            raw = raw[0] if isinstance(raw, list) else raw
            try:
                retry_after = float(raw)
            except (TypeError, ValueError):
                retry_after = 1.0
            return RateLimitedError(f"Slack rate-limited {what}; retry in {retry_after:g} s.", retry_after)
        if code in UNAVAILABLE:
            return ChannelUnavailableError(f"Slack refused {what}: {code}.")
        if status >= 500 or code in ("internal_error", "fatal_error", "service_unavailable", "request_timeout"):
            return TransientDeliveryError(f"Slack failed {what} ({status} {code}).")
        return ChannelUnavailableError(f"Slack refused {what}: {code or status}.")
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ClientError, OSError)):
        return TransientDeliveryError(f"Slack could not be reached for {what}: {type(exc).__name__}.")
    return TransientDeliveryError(f"Slack failed {what}: {exc}.")


OUTBOX_EVENT = "paperbot_outbox"


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


class SlackPlatform:
    """One workspace's send path through the app's AsyncWebClient."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient, bot: Any = None, *, pacer: ChannelPacer | None = None) -> None:
        """``bot``: the PaperBot whose discussion threads this platform opens (None: no threads).
        ``pacer``: the per-channel message spacing (default: Slack's ~1 message/s per channel)."""
        self.client = client
        self.threads = SlackThreads(bot, self) if bot is not None else None
        self.pacer = pacer or ChannelPacer()

    async def post(self, what: str, **kwargs: Any) -> str:
        """``chat.postMessage`` (no unfurls) at the channel's pace; its ``ts``, or the DeliveryError
        saying what went wrong."""
        try:
            async with self.pacer.turn(str(kwargs.get("channel", ""))):
                response = await self.client.chat_postMessage(unfurl_links=False, unfurl_media=False, **kwargs)
        except (SlackApiError, asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise delivery_error(exc, what) from exc
        return str(response["ts"])

    async def send_digest(self, channel: ChannelRef, digest: Digest) -> list[str]:
        return await self.send_digest_tagged(channel, digest, None)

    async def send_digest_tagged(self, channel: ChannelRef, digest: Digest, tag: str | None) -> list[str]:
        """The digest message, then one thread reply per paper; then the discussion openings in that thread."""
        parent, ids = await self.post_digest(channel, digest, tag)
        if self.threads is not None and not channel.channel.startswith("D"):  # a DM digest gets no discussion
            await self.threads.open_for_posts(channel, posts_for(channel, digest, ids, PostKind.SCHEDULED), parent)
        return ids

    async def post_digest(self, channel: ChannelRef, digest: Digest, tag: str | None = None) -> tuple[str, list[str]]:
        """The digest message (its ``ts`` is the thread), then one thread reply per paper (their ``ts``);
        ``tag`` rides in message metadata."""
        parent = await self.post(
            f"posting a digest to {channel.channel}", channel=channel.channel,
            text=digest_fallback(digest), blocks=digest_blocks(digest),
            **_metadata(tag, count=len(digest.items)),
        )
        ids = []
        for number, item in enumerate(digest.items, start=1):
            ids.append(await self.post(
                f"posting paper {number} to {channel.channel}", channel=channel.channel,
                thread_ts=parent, text=item_reply_text(number, item), **_metadata(tag, index=number),
            ))
        return parent, ids

    async def send_text_tagged(self, channel: ChannelRef, text: str, tag: str) -> str:
        return await self.post(f"posting to {channel.channel}", channel=channel.channel, text=neutralise(text),
                                **_metadata(tag, count=0))

    async def find_tagged(self, channel: ChannelRef, tag: str) -> list[str] | None:
        """Ids of an earlier tagged send among the channel's last 50 messages, or None.

        A digest whose thread replies were cut short by a crash is still "sent": a missing
        reply's paper is mapped to the digest message itself (reactions there count for it).
        """
        what = f"reading {channel.channel}'s history"
        try:
            history = await self.client.conversations_history(channel=channel.channel, limit=50, include_all_metadata=True)
            parent = next((m for m in history.get("messages") or [] if _tag_of(m) == tag and not _index_of(m)), None)
            if parent is None:
                return None
            count = int(((parent.get("metadata") or {}).get("event_payload") or {}).get("count") or 0)
            if count == 0:
                return [str(parent["ts"])]
            replies = await self.client.conversations_replies(channel=channel.channel, ts=parent["ts"], limit=200,
                                                              include_all_metadata=True)
        except (SlackApiError, asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise delivery_error(exc, what) from exc
        by_index = {_index_of(m): str(m["ts"]) for m in replies.get("messages") or [] if _tag_of(m) == tag and _index_of(m)}
        return [by_index.get(i, str(parent["ts"])) for i in range(1, count + 1)]

    async def send_paper(self, channel: ChannelRef, paper: Paper, why: str | None = None) -> str:
        return await self.post(
            f"posting a paper to {channel.channel}", channel=channel.channel,
            text=paper_fallback(paper), blocks=paper_blocks(paper, why),
        )

    async def send_text(self, channel: ChannelRef, text: str) -> str:
        return await self.post(f"posting to {channel.channel}", channel=channel.channel, text=neutralise(text))

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        """The member's direct-message channel with the bot (``conversations.open``; scope ``im:write``)."""
        try:
            response = await self.client.conversations_open(users=user_id)
        except (SlackApiError, asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise delivery_error(exc, f"opening a DM with {user_id}") from exc
        return ChannelRef(self.platform, workspace, str((response.get("channel") or {})["id"]))

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        """A link to the thread's parent message (``chat.getPermalink``); None when Slack will not say."""
        try:
            response = await self.client.chat_getPermalink(channel=channel.channel, message_ts=thread_id)
        except (SlackApiError, asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
            _log.info("no permalink for %s in %s: %s", thread_id, channel, exc)
            return None
        return response.get("permalink")
