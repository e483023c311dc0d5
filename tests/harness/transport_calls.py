"""Short calls on a real adapter transport (``bot.ports.ChatPlatform``) for tests that drive one
directly: a digest, a text, a tagged send found again — and a scheduled publication through the
core's one publish path, as the outbox makes it."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.app import PaperBot
from bot.domain import ChannelRef, Digest, Post, PostKind
from bot.ports import ChatPlatform, Sent
from bot.replies import DigestReply, TextReply
from bot.usecases.publishing import OutboxSend


async def send_digest(platform: ChatPlatform, channel: ChannelRef, digest: Digest, tag: str | None = None) -> list[str]:
    """The message carrying each of the digest's papers (the transport alone: nothing recorded)."""
    return list((await platform.send(channel, DigestReply(digest), tag=tag)).message_ids)


async def send_text(platform: ChatPlatform, channel: ChannelRef, text: str, tag: str | None = None) -> str:
    return (await platform.post(channel, TextReply(text), tag=tag))[0]


async def find_tagged(platform: ChatPlatform, channel: ChannelRef, tag: str, expected: Digest | str | None = None,
                      since: datetime | None = None) -> list[str] | None:
    """What ``find_sent`` found: the digest's message ids, or a text's one id; None when nothing was.
    ``expected``: the digest or text that was sent (what a platform without hidden tags compares)."""
    shown = DigestReply(expected) if isinstance(expected, Digest) else TextReply(expected) if expected else None
    found = await platform.find_sent(channel, tag, expected=shown, since=since)
    if found is None:
        return None
    return list(found.message_ids) or [found.root_id]


async def publish_scheduled(bot: PaperBot, platform: ChatPlatform, channel: ChannelRef, digest: Digest,
                            tag: str = "paperbot-outbox-1", *, threads: bool = True) -> list[str]:
    """A scheduled digest through the core's publish path (send, record, thread), as the outbox does
    it — without an outbox row: the posts are recorded on their own. Returns the papers' message ids."""

    async def record(posts: Sequence[Post], sent: Sent) -> None:
        await bot.store.record_posts(posts)

    posted = await bot.publisher.publish(platform, channel, DigestReply(digest), kind=PostKind.SCHEDULED,
                                         outbox=OutboxSend(tag, record), threads=threads)
    return list(posted.message_ids)
