"""PaperBot: the one object adapters talk to — commands in, replies out, events recorded.

It dispatches parsed commands to the use cases and turns their results into replies.
Adapters never reach past it to the store.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.clock import Clock, utc_now
from bot.commands import Command, parse_command
from bot.discussion.threads import ThreadMessage, ThreadMode, ThreadOpening, ThreadResponse
from bot.domain import ChannelRef, Digest, Paper, Post, PostKind, Reaction, ReactionEvent, Requester, digest_posts
from bot.ports import Embedder, PaperResolver, Store
from bot.replies import Reply
from bot.usecases.digests import DigestUseCases
from bot.usecases.discussion import DiscussionUseCases
from bot.usecases.papers import PaperLookup
from bot.usecases.reactions import ReactionResult, ReactionUseCases
from bot.usecases.subscriptions import SubscriptionUseCases
from bot.usecases.taste import TasteUseCases

if TYPE_CHECKING:
    from bot.discussion.engine import DiscussionEngine

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostedPaper:
    """A post as a channel's history shows it: the paper and the reactions it got."""

    post: Post
    paper: Paper | None
    reactions: tuple[Reaction, ...]


class PaperBot:
    def __init__(
        self,
        store: Store,
        *,
        resolvers: Sequence[PaperResolver] = (),
        clock: Clock = utc_now,
        default_count: int = 5,
        embedder: Embedder | None = None,
        taste_options: dict | None = None,
        discussion: DiscussionEngine | None = None,
        thread_mode: ThreadMode | str = ThreadMode.ALWAYS,
    ) -> None:
        """``discussion``: the answer engine for thread questions and `/papers ask` (None: summaries only).

        ``thread_mode``: when posted papers get a thread in channels that never chose (``[discussion] threads``).
        """
        self.store = store
        self.clock = clock
        # None → no personalization: digests are ranked by trending only.
        self.taste = TasteUseCases(store, embedder, clock=clock, **(taste_options or {})) if embedder is not None else None
        self.digests = DigestUseCases(store, clock=clock, default_count=default_count, taste=self.taste)
        self.papers = PaperLookup(store, resolvers)
        self.subscriptions = SubscriptionUseCases(store, clock=clock, default_count=default_count)
        self.reactions = ReactionUseCases(store, clock=clock)
        self.discussions = DiscussionUseCases(store, self.papers, engine=discussion, taste=self.taste, clock=clock,
                                              default_mode=thread_mode)

    async def handle(self, requester: Requester, command: str | Command) -> Reply:
        """Run one `/papers …` command. Raises PaperbotError subclasses for the adapter to word."""
        if isinstance(command, str):
            command = parse_command(command)
        return await command.execute(self, requester)

    async def record_posted(
        self,
        channel: ChannelRef,
        digest: Digest,
        message_ids: Sequence[str],
        *,
        kind: PostKind = PostKind.ON_DEMAND,
    ) -> list[Post]:
        """Remember which message carries which paper, so reactions can be mapped back.

        ``message_ids`` is aligned with ``digest.items``; one message may carry several papers.
        """
        if len(message_ids) != len(digest.items):
            raise ValueError(f"{len(message_ids)} message ids for {len(digest.items)} papers")
        posts = digest_posts(channel, digest, message_ids, kind, posted_at=self.clock())
        await self.store.record_posts(posts)
        return posts

    async def on_reaction(self, event: ReactionEvent) -> ReactionResult:
        result = await self.reactions.record(event)
        _log.info("reaction %s %s by %s on %s/%s: %s", "+" if event.added else "-", result.emoji,
                  event.user_id, event.channel, event.message_id, result.outcome.value)
        return result

    async def workspace_of_message(self, platform: str, channel: str, message_id: str) -> str | None:
        """Which workspace a posted message belongs to, for events that do not say (Discord DMs)."""
        return await self.store.workspace_of_message(platform, channel, message_id)

    async def threads_to_open(self, channel: ChannelRef, posts: Sequence[Post]) -> list[ThreadOpening]:
        """After a digest's posts were recorded: the threads to open (mode "always"), one per root message."""
        return await self.discussions.threads_to_open(channel, posts)

    async def thread_opened(self, channel: ChannelRef, opening: ThreadOpening, thread_id: str,
                            message_ids: Sequence[str] = ()) -> None:
        """The adapter created the thread and posted the opening: later messages in it map to its papers."""
        await self.discussions.thread_opened(channel, opening, thread_id, message_ids)

    async def on_thread_message(self, message: ThreadMessage) -> ThreadResponse:
        """A human message in a thread (or a reply under a post): activity signal, first_reply opening, answer."""
        return await self.discussions.on_thread_message(message)

    async def close(self) -> None:
        """Release what the answer engine holds open (its HTTP sessions)."""
        close = getattr(self.discussions.engine, "close", None)
        if close is not None:
            await close()

    async def scheduled_digest(self, channel: ChannelRef, count: int, day: date | None = None) -> Digest:
        return await self.digests.today(channel, count=count, day=day, scheduled=True)

    async def next_post_number(self, channel: ChannelRef) -> int:
        """For surfaces that number their own posts (the console)."""
        return await self.store.next_message_number(channel)

    async def history(self, channel: ChannelRef, limit: int = 20) -> list[PostedPaper]:
        """The channel's recent posts, newest first, each with its paper and reactions."""
        posts = await self.store.recent_posts(channel, limit)
        out: list[PostedPaper] = []
        for post in posts:
            paper = await self.store.get_paper(post.arxiv_id)
            reactions = [r for r in await self.store.reactions_for_message(channel, post.message_id) if r.arxiv_id == post.arxiv_id]
            out.append(PostedPaper(post, paper, tuple(reactions)))
        return out
