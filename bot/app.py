"""PaperBot: the one object adapters talk to — commands and events in, posts and replies out.

It owns the conversation: a command's digest or paper is posted, recorded and threaded here
(``bot.usecases.publishing``), a member's message in a thread is recorded and answered here
(``bot.usecases.discussion``), through the :class:`~bot.ports.ChatTransport` the adapter hands
in. An adapter turns platform events into these calls and renders what the transport is given.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.clock import Clock, utc_now
from bot.commands import Command, parse_command, spec_of
from bot.discussion.threads import ThreadMessage, ThreadMode, ThreadResponse
from bot.domain import ChannelRef, Digest, Paper, Post, PostKind, Reaction, ReactionEvent, Requester
from bot.kept import KeptEvent
from bot.log_context import log_context
from bot.metrics import metrics
from bot.ports import ChartRenderer, ChatTransport, Embedder, EventSpool, PaperResolver, Store
from bot.replies import DigestReply, FileReply, PaperReply, Posted, Reply
from bot.scheduling.usecases import ScheduleUseCases
from bot.taste.signals import DEFAULT_EMOJI
from bot.usecases.digests import DigestUseCases
from bot.usecases.discussion import DiscussionUseCases
from bot.usecases.feedback import Click, ClickAnswer, FeedbackUseCases
from bot.usecases.feeds import FeedUseCases
from bot.usecases.home import HomeUseCases
from bot.usecases.kept_kinds import kept_handlers
from bot.usecases.links import LinkResult, LinkUseCases, PastedLinks
from bot.usecases.papers import PaperLookup
from bot.usecases.personal_digests import PersonalDigestUseCases
from bot.usecases.publishing import Publisher
from bot.usecases.reactions import ReactionResult, ReactionUseCases
from bot.usecases.retrying import EventRetry, Then
from bot.usecases.saved import SavedUseCases
from bot.usecases.settings_form import ChannelSettingsForm
from bot.usecases.stats import StatsUseCases
from bot.usecases.subscriptions import SubscriptionUseCases
from bot.usecases.taste import TasteUseCases
from bot.usecases.tune import TuneUseCases

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
        taste_options: dict[str, Any] | None = None,
        discussion: DiscussionEngine | None = None,
        thread_mode: ThreadMode | str = ThreadMode.ALWAYS,
        public_url: str = "http://127.0.0.1:9464",
        charts: ChartRenderer | None = None,
        spool: EventSpool | None = None,
    ) -> None:
        """``discussion``: the answer engine for thread questions and `/papers ask` (None: summaries only).

        ``thread_mode``: when posted papers get a thread in channels that never chose (``[discussion] threads``).

        ``public_url``: where feeds are read (``[monitoring] public_url``); ``charts``: draws `/papers stats`.

        ``spool``: where events kept for a retry outlive the process (``[retry] spool``; None: in memory).
        """
        self.store = store
        self.clock = clock
        self._engine = discussion
        # None → no personalization: digests are ranked by trending only.
        self.taste = TasteUseCases(store, embedder, clock=clock, **(taste_options or {})) if embedder is not None else None
        # `/papers tune`: candidates to rate, published like a digest (None without personalization)
        self.tune = TuneUseCases(store, self.taste, clock=clock) if self.taste is not None else None
        self.digests = DigestUseCases(store, clock=clock, default_count=default_count, taste=self.taste)
        self.papers = PaperLookup(store, resolvers)
        self.subscriptions = SubscriptionUseCases(store, clock=clock, default_count=default_count)
        self.schedules = ScheduleUseCases(store)
        self.personal = PersonalDigestUseCases(store, clock=clock)
        self.reactions = ReactionUseCases(store, clock=clock, emoji=(taste_options or {}).get("emoji", DEFAULT_EMOJI))
        self.discussions = DiscussionUseCases(store, self.papers, engine=discussion, taste=self.taste, clock=clock,
                                              default_mode=thread_mode)
        self.publisher = Publisher(store, self.discussions, clock=clock)
        self.feedback = FeedbackUseCases(store, self.reactions, self.taste)  # the controls on posted papers
        # a member's own page (App Home) and a channel's settings as a form (Slack's modal)
        self.home = HomeUseCases(store, self.personal, self.taste, emoji=self.reactions.emoji, clock=clock)
        self.settings_form = ChannelSettingsForm(store, self.taste, self.discussions, self.schedules, clock=clock,
                                                 default_count=default_count)
        self.saved = SavedUseCases(store, clock=clock)  # a member's 🔖 papers: `/papers saved`, `/papers export`
        self.feeds = FeedUseCases(store, base_url=public_url, taste=self.taste, clock=clock)
        self.stats = StatsUseCases(store, charts, clock=clock)
        self.links = LinkUseCases(store, self.papers, self.discussions, clock=clock)
        # events of platforms that never redeliver (Discord's gateway): kept as data, spooled, retried, not lost
        self.retry = EventRetry(kept_handlers(self), spool=spool)
        # what a command's execute() may ask for, by name (bot.commands.spec.SERVICES)
        self._services: dict[str, object] = {
            "digests": self.digests, "papers": self.papers, "subscriptions": self.subscriptions,
            "schedules": self.schedules, "personal": self.personal, "discussions": self.discussions,
            "taste": self.taste, "saved": self.saved, "feeds": self.feeds, "stats": self.stats, "tune": self.tune,
        }

    # commands ----------------------------------------------------------------------------------

    def parse(self, text: str) -> Command:
        """The command in ``text`` (what follows ``/papers``); UsageError says what is wrong."""
        parsed: Command = parse_command(text)
        return parsed

    def needs_manager(self, command: Command) -> bool:
        """Whether running ``command`` needs a channel manager (adapters look the permission up only then)."""
        return spec_of(command).needs_manager(command)

    async def handle(self, requester: Requester, command: str | Command, transport: ChatTransport | None = None) -> Reply:
        """Run one `/papers …` command. A digest or paper is published through ``transport`` (posted,
        recorded, threaded) and :class:`Posted` comes back; without a transport it is returned unposted.
        Raises PaperbotError subclasses for the adapter to word.

        A requester whose place belongs to another channel (``Requester.belongs_to``: a Discord forum's
        post) runs every command for that channel — its taste, settings, "already seen" — and what a
        command publishes is recorded there too, so reactions on it teach that channel; the answer goes
        where the command was run when it publishes there (``CommandSpec.concerns_thread``)."""
        if isinstance(command, str):
            command = self.parse(command)
        spec = spec_of(command)
        started = time.monotonic()
        where = requester.channel
        home = requester.at_home()
        with log_context(platform=where.platform, channel=where.channel, command=spec.name):
            try:
                reply: Reply = await command.execute(home, **{name: self._services[name] for name in spec.services})
                if transport is not None and isinstance(reply, (DigestReply, PaperReply, FileReply)):
                    answer_in = where if spec.concerns_thread else home.channel
                    return await self.publisher.publish(transport, answer_in, reply, kind=PostKind.ON_DEMAND,
                                                        records=home.channel)
                return reply
            finally:
                elapsed = time.monotonic() - started
                metrics().command_handled(spec.name, elapsed)
                _log.debug("/papers %s by %s handled in %.0f ms", spec.name, requester.user_id, elapsed * 1000)

    # events ------------------------------------------------------------------------------------

    async def on_reaction(self, event: ReactionEvent) -> ReactionResult:
        result = await self.reactions.record(event)
        _log.info("reaction %s %s by %s on %s/%s: %s", "+" if event.added else "-", result.emoji,
                  event.user_id, event.channel, event.message_id, result.outcome.value)
        return result

    async def on_click(self, click: Click) -> ClickAnswer:
        """A click on a posted paper's controls (👍 👎 Save, More like this): the answer only the clicker sees."""
        answer = await self.feedback.click(click)
        _log.info("click %s by %s on %s/%s: %s", click.control.value, click.user_id, click.channel, click.message_id,
                  "on" if answer.on else "off" if answer.on is False else "answered")
        return answer

    async def on_links(self, pasted: PastedLinks, transport: ChatTransport) -> LinkResult:
        """Paper links a member pasted (``bot.usecases.links``): papers found and stored, the message
        recorded as their post, the 🔗 interest, the thread ``links:thread`` asks for."""
        result = await self.links.on_links(pasted, transport)
        _log.debug("links in %s/%s by %s: %s", pasted.channel, pasted.message_id, pasted.user_id, result.outcome.value)
        return result

    async def on_thread_message(self, message: ThreadMessage, transport: ChatTransport) -> ThreadResponse:
        """A human message in a thread (or a reply under a post): activity signal, first_reply opening,
        answer — the core posts them through ``transport``."""
        return await self.discussions.on_thread_message(message, transport)

    async def keep_for_retry(self, event: KeptEvent, transport: ChatTransport | None = None,
                             then: Then | None = None) -> bool:
        """Apply a kept event (``bot.usecases.kept_kinds``); if the database (or anything passing) fails
        it, spool it and keep retrying it in the background (for platforms that never deliver an event
        again). ``then`` gets the result once applied. True: applied now."""
        return await self.retry.run(event, transport, then)

    async def has_linked_posts(self, channel: ChannelRef, belongs_to: ChannelRef | None = None) -> bool:
        """Whether members' messages in ``channel`` (or the channel it belongs to) carry papers, so a
        reaction on one may count: lets an adapter skip the others' reactions without a look-up each."""
        if await self.store.has_linked_posts(channel):
            return True
        return belongs_to is not None and belongs_to != channel and await self.store.has_linked_posts(belongs_to)

    async def workspace_of_message(self, platform: str, channel: str, message_id: str) -> str | None:
        """Which workspace a posted message belongs to, for events that do not say (Discord DMs)."""
        return await self.store.workspace_of_message(platform, channel, message_id)

    # reading -----------------------------------------------------------------------------------

    async def scheduled_digest(self, channel: ChannelRef, count: int, day: date | None = None) -> Digest:
        return await self.digests.today(channel, count=count, day=day, scheduled=True)

    async def next_post_number(self, channel: ChannelRef) -> int:
        """For surfaces that number their own posts (the console)."""
        return await self.store.next_message_number(channel)

    async def history(self, channel: ChannelRef, limit: int = 20) -> list[PostedPaper]:
        """The channel's recent posts, newest first, each with its paper and reactions."""
        posts = await self.store.recent_posts(channel, limit)
        papers = await self.store.get_papers({p.arxiv_id for p in posts})
        out: list[PostedPaper] = []
        for post in posts:
            reactions = [r for r in await self.store.reactions_for_message(channel, post.message_id)
                         if r.arxiv_id == post.arxiv_id]
            out.append(PostedPaper(post, papers.get(post.arxiv_id), tuple(reactions)))
        return out

    async def close(self) -> None:
        """Stop retrying kept events; release what the answer engine holds open (its HTTP sessions)."""
        await self.retry.close()
        if self._engine is not None:
            await self._engine.close()


__all__ = ["PaperBot", "Posted", "PostedPaper"]
