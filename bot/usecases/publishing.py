"""The one publish path: send through the transport, record the posts, then open the threads.

Every publication goes through :meth:`Publisher.publish`, whatever asked for it: `/papers today`,
`/papers paper`, a search, a scheduled digest, a DM digest, a weekly recap — on Discord, Slack and
the console. The order is fixed here, once:

1. look up where the publication's papers are already discussed in the channel, so their posts
   link there ("discussion continues in …") instead of getting a second thread;
2. send (or, for an outbox item resumed after a crash, take the send found on the platform, and
   send the papers it did not find: a forum's posts are found one by one);
3. record the posts — and nothing is lost when a send is cut short: what did go out is recorded
   (on demand) or found again by its tag (outbox);
4. open the threads the channel's mode asks for (never failing the publication).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Post, PostKind, digest_posts
from bot.errors import PartiallySentError
from bot.ports import ChatTransport, Sent, Store
from bot.replies import DigestReply, FileReply, Posted, Publication, TextReply
from bot.usecases.discussion import DiscussionUseCases

_log = logging.getLogger(__name__)

RecordSent = Callable[[Sequence[Post], Sent], Awaitable[None]]
REPAIR_WINDOW = timedelta(days=2)  # how far back a missed thread opening is still made good
REPAIR_SETTLE = timedelta(minutes=2)  # a publication this recent may still be opening its threads


@dataclass(frozen=True)
class OutboxSend:
    """How the scheduler publishes an outbox item: tagged, maybe already found, recorded with its row.

    ``record`` stores the posts and finishes the outbox row in one transaction. A send cut short is
    not recorded here: the item is retried and its tag finds what went out.
    """

    tag: str
    record: RecordSent
    found: Sent | None = None


class Publisher:
    def __init__(self, store: Store, discussions: DiscussionUseCases, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._discussions = discussions
        self._clock = clock

    async def publish(
        self,
        transport: ChatTransport,
        channel: ChannelRef,
        publication: Publication | TextReply | FileReply,
        *,
        kind: PostKind = PostKind.ON_DEMAND,
        outbox: OutboxSend | None = None,
        threads: bool = True,
        records: ChannelRef | None = None,
    ) -> Posted:
        """Send, record, thread. ``threads=False``: no threads and no links (a DM digest).

        ``records``: the channel whose posts these are, when not ``channel`` itself (a command run in a
        Discord forum's post answers in the post, and what it posted is the forum's: its "already
        seen", and where reactions on it count — ``Requester.home``). Sending and threads stay ``channel``'s."""
        if isinstance(publication, FileReply):  # a chart: a file and its line, no posts, no threads
            return Posted(publication, tuple(await transport.send_file(channel, publication.filename, publication.data,
                                                                       publication.text)))
        if isinstance(publication, TextReply):  # a recap or a note: text, no posts, no threads
            if outbox is not None and outbox.found is not None:
                ids = [outbox.found.root_id]
            else:
                ids = await transport.post(channel, publication, tag=outbox.tag if outbox else None)
            if outbox is not None:
                await outbox.record((), Sent(ids[0] if ids else "", ()))
            return Posted(publication, tuple(ids))
        digest = publication.as_digest()
        if threads and digest.items:
            discussions = await self._discussions.discussions(transport, channel, [i.paper.arxiv_id for i in digest.items])
            publication = replace(publication, discussions=discussions)
        partial: PartiallySentError | None = None
        if outbox is not None and outbox.found is not None:
            sent = await self._complete(transport, channel, publication, outbox.found, outbox.tag)
        else:
            try:
                sent = await transport.send(channel, publication, tag=outbox.tag if outbox else None)
            except PartiallySentError as exc:
                if outbox is not None:
                    raise  # retried; the tag finds what went out
                partial, sent = exc, Sent(exc.root_id, exc.message_ids)
        if len(sent.message_ids) != len(digest.items):
            raise ValueError(f"{len(sent.message_ids)} message ids for {len(digest.items)} papers")
        owner = records or channel
        # recorded elsewhere: no root, so no thread is ever repaired onto them in the channel they are recorded
        # in (a forum's posts are its threads; these are messages inside one of them)
        posts = digest_posts(owner, digest, sent.message_ids, kind, posted_at=self._clock(),
                             root_message_id=sent.root_id if owner == channel else None)
        if outbox is not None:
            await outbox.record(posts, sent)
        else:
            await self._store.record_posts(posts)
        if threads:
            await self._discussions.open_threads(transport, channel, posts, sent)
        if partial is not None:
            _log.warning("a publication to %s was cut short after %d of %d papers: %s", channel, len(posts),
                         len(digest.items), partial.cause)
            raise partial.cause
        return Posted(publication, sent.message_ids)

    async def _complete(self, transport: ChatTransport, channel: ChannelRef, publication: Publication,
                        found: Sent, tag: str) -> Sent:
        """A resumed send as found, with the papers it did not find (id ``""``) sent now. Why: a platform
        that finds each paper's message on its own (a Discord forum: one post per paper) can find
        2 of 5; the other 3 never went out. A send cut short again raises; the retry finds more."""
        missing = [i for i, message_id in enumerate(found.message_ids) if not message_id]
        if not missing or not isinstance(publication, DigestReply):
            return found
        items = publication.digest.items
        rest = replace(publication, digest=publication.digest.with_items(tuple(items[i] for i in missing)))
        more = await transport.send(channel, rest, tag=tag)
        ids = list(found.message_ids)
        for index, message_id in zip(missing, more.message_ids, strict=True):
            ids[index] = message_id
        return Sent(found.root_id or more.root_id, tuple(ids))

    async def repair_threads(self, transports: Mapping[str, ChatTransport], now: datetime) -> int:
        """The threads recent publications should have opened and did not (see
        ``DiscussionUseCases.repair_threads``): posts from ``REPAIR_WINDOW`` ago up to ``REPAIR_SETTLE``
        ago (newer ones may still be opening theirs)."""
        return await self._discussions.repair_threads(transports, now - REPAIR_WINDOW, now - REPAIR_SETTLE)
