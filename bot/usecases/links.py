"""A paper link a member pastes becomes a paper here, their interest, and maybe its discussion.

Every surface hands the core the same thing — which member's message, in which channel, links
to which papers (:func:`bot.links.paper_ids` parsed them) — and gets one answer to render: the
Slack adapter unfurls the papers on the message, Discord answers "Add to paperbot". Decided here,
once:

- each paper is looked up in the store, else fetched from the sources that resolve ids (arXiv
  API, HF paper API; through their guarded HTTP client) and stored — every field bounded by
  :mod:`bot.paper_bounds` on the way in;
- the member's message is recorded as the post carrying those papers (kind ``linked``): the
  message *is* where the channel met the paper, so a reaction or a thread reply on it counts like
  one on a bot post, and later digests treat the paper as already seen here. Nothing is sent for
  it: the card is shown on the member's own message (a Slack unfurl) or to them alone (Discord);
- the link counts as that member's interest: a 🔗 reaction by them on that paper, once per member,
  paper and channel however often they paste it;
- the post, the 🔗 and the event id are one unit of work, so a failed write leaves the event
  unseen and a retry (Slack redelivers; Discord's events are kept by ``PaperBot.keep_for_retry``)
  applies it, while a retry of an applied event is dropped;
- with ``/papers settings links:thread`` the message gets the paper's discussion thread (opened
  by :class:`~bot.usecases.discussion.DiscussionUseCases`: one thread per paper per channel, a
  paper discussed already is linked to instead).

Links seen in passing (Discord's message detection) count only in subscribed channels; a link
someone asked about ("Add to paperbot", a Slack unfurl) counts wherever it was pasted.

A message in a place that belongs to another channel (``PastedLinks.belongs_to``: a Discord forum's
post) counts for that channel, as a reaction there does (:func:`~bot.usecases.reactions.posts_of_message`):
its subscription decides whether a link seen in passing counts, and the message's papers, the 🔗
and "already seen" are recorded under it, where its digests and taste read them. What is shown
(the discussions a paper already has) is looked up there too; such a place is a thread, so it never
gets a thread of its own.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from bot.arxiv_ids import ArxivId
from bot.clock import Clock, utc_now
from bot.discussion.openings import continues_in
from bot.discussion.threads import LinkMode
from bot.domain import ChannelRef, Paper, Post, PostKind, Reaction
from bot.errors import NotFoundError
from bot.links import MAX_LINKS
from bot.ports import ChatTransport, Store
from bot.replies import Discussion, TextReply
from bot.text import shorten
from bot.usecases.discussion import DiscussionUseCases
from bot.usecases.papers import PaperLookup
from bot.usecases.reactions import posts_of_message

_log = logging.getLogger(__name__)

LINK_EMOJI = "🔗"  # the interest a pasted link records (``[taste] link_weight``)
MAX_ID = 255  # the store's bound for platform ids (as for reactions)
ACCEPTED_LINKS = ("links to arxiv.org/abs/…, arxiv.org/pdf/…, arxiv.org/html/… "
                  "or huggingface.co/papers/… (e.g. https://arxiv.org/abs/2511.04570)")


@dataclass(frozen=True)
class PastedLinks:
    """What an adapter saw: ``user_id``'s message ``message_id`` in ``channel`` links to ``papers``.

    ``explicit``: someone asked (a context-menu command, a Slack unfurl); False: seen in passing,
    counted only in subscribed channels. ``event_id``: the platform's id of this delivery (retries
    share it). ``in_thread``: the message is itself in a thread (it cannot hold one of its own).
    ``belongs_to``: the channel the message's place shares its records with (a Discord forum, for a
    message in one of its posts; :attr:`~bot.domain.ReactionEvent.belongs_to`): the link counts there."""

    channel: ChannelRef
    message_id: str
    user_id: str
    papers: tuple[ArxivId, ...]
    explicit: bool = True
    event_id: str | None = None
    at: datetime | None = None
    in_thread: bool = False
    belongs_to: ChannelRef | None = None

    @property
    def home(self) -> ChannelRef:
        """The channel the link counts for: ``belongs_to``, else where the message is."""
        return self.belongs_to or self.channel


class LinkOutcome(str, Enum):
    ADDED = "added"
    NO_LINKS = "no_links"  # nothing that is a paper link
    NOT_FOUND = "not_found"  # links, but no paper could be found for any
    DUPLICATE = "duplicate"  # a retry of an event already applied
    IGNORED = "ignored"  # seen in passing where links do not count, or ids no platform makes
    OUR_POST = "our_post"  # a message the bot posted itself


@dataclass(frozen=True)
class LinkResult:
    outcome: LinkOutcome
    papers: tuple[Paper, ...] = ()
    missing: tuple[str, ...] = ()  # ids no store or source knew
    why_missing: tuple[str, ...] = ()  # for each, the lookup's own words (where it looked, who could not be reached)
    noted: tuple[str, ...] = ()  # papers whose 🔗 was recorded now (not counted before)
    discussions: Mapping[str, Discussion] = field(default_factory=dict)  # papers discussed in a thread already
    thread: bool = False  # the message's own thread was asked for (links:thread)

    def reply(self) -> TextReply:
        """What the member who asked is told (privately), in plain words."""
        if self.outcome is LinkOutcome.NO_LINKS:
            return TextReply(f"There is no paper link in that message. Accepted: {ACCEPTED_LINKS}.", ephemeral=True)
        if self.outcome is LinkOutcome.OUR_POST:
            return TextReply("That is one of my own posts: react to it to tell me what you think.", ephemeral=True)
        if self.outcome is LinkOutcome.IGNORED:
            return TextReply("Links are not counted here.", ephemeral=True)
        lines = []
        if self.papers:
            named = "; ".join(f"\u201c{shorten(p.title, 120)}\u201d ({p.arxiv_id})" for p in self.papers)
            lines.append(f"Added to paperbot: {named}.")
            lines.append("Noted as your interest here." if self.noted else "It already counted as your interest here.")
            if self.thread and any(p.arxiv_id not in self.discussions for p in self.papers):
                lines.append("Its discussion is in the thread on that message.")
            for arxiv_id, discussion in self.discussions.items():
                lines.append(f"{arxiv_id}: {continues_in(discussion.url)}")
        lines += self.why_missing or [f"Not found: {', '.join(self.missing)}."] * bool(self.missing)
        return TextReply("\n".join(lines), ephemeral=True)


class LinkUseCases:
    def __init__(self, store: Store, papers: PaperLookup, discussions: DiscussionUseCases, *,
                 clock: Clock = utc_now) -> None:
        self._store = store
        self._papers = papers
        self._discussions = discussions
        self._clock = clock

    async def lookup(self, ids: Sequence[ArxivId]) -> tuple[tuple[Paper, ...], dict[str, str]]:
        """The papers behind ``ids`` (stored, else fetched and stored), and why each other id has none."""
        found: list[Paper] = []
        missing: dict[str, str] = {}
        for paper_id in list(dict.fromkeys(ids))[:MAX_LINKS]:
            try:
                found.append(await self._papers.get(paper_id))
            except NotFoundError as exc:
                _log.info("a linked paper was not found: %s", exc)
                missing[paper_id.id] = str(exc)
        return tuple(found), missing

    async def preview(self, ids: Sequence[ArxivId]) -> LinkResult:
        """A link still in someone's message box (Slack's composer): the papers to show, nothing recorded."""
        papers, missing = await self.lookup(ids)
        return LinkResult(LinkOutcome.ADDED if papers else LinkOutcome.NOT_FOUND, papers, tuple(missing),
                          tuple(missing.values()))

    async def on_links(self, pasted: PastedLinks, transport: ChatTransport) -> LinkResult:
        """Look the papers up, record the member's message as their post and the 🔗 interest (one unit
        of work), then open the message's thread when the channel asks for it (see the module doc)."""
        channel, home = pasted.channel, pasted.home
        if not pasted.papers:
            return LinkResult(LinkOutcome.NO_LINKS)
        if any(len(v) > MAX_ID for v in (pasted.message_id, pasted.user_id, pasted.event_id or "")) \
                or not pasted.message_id or not pasted.user_id:
            return LinkResult(LinkOutcome.IGNORED)
        if not pasted.explicit and await self._store.get_subscription(home) is None:
            return LinkResult(LinkOutcome.IGNORED)
        carried = await posts_of_message(self._store, channel, pasted.message_id, pasted.belongs_to)
        if any(p.kind is not PostKind.LINKED for p in carried):
            return LinkResult(LinkOutcome.OUR_POST)
        papers, not_found = await self.lookup(pasted.papers)
        missing, why_missing = tuple(not_found), tuple(not_found.values())
        if not papers:
            return LinkResult(LinkOutcome.NOT_FOUND, missing=missing, why_missing=why_missing)
        at = pasted.at or self._clock()
        counts_in = carried[0].channel if carried else home  # one message's papers stay together
        already = {p.arxiv_id: p for p in carried}
        posts = [already.get(p.arxiv_id) or Post(counts_in, pasted.message_id, p.arxiv_id, PostKind.LINKED,
                                                 position=len(carried) + i, posted_at=at)
                 for i, p in enumerate(papers)]
        async with self._store.transaction() as tx:
            if pasted.event_id and await tx.seen_event(pasted.event_id, at):
                _log.debug("duplicate link event %s dropped", pasted.event_id)
                return LinkResult(LinkOutcome.DUPLICATE, papers, missing, why_missing)
            await tx.record_posts([p for p in posts if p.arxiv_id not in already])
            linked = {(r.channel.key, r.arxiv_id) for r in
                      await tx.reactions_by_member(channel.platform, channel.workspace, pasted.user_id)
                      if r.emoji == LINK_EMOJI}
            noted = []
            for paper in papers:
                if (counts_in.key, paper.arxiv_id) in linked:
                    continue
                if await tx.add_reaction(Reaction(counts_in, pasted.message_id, paper.arxiv_id, pasted.user_id,
                                                  LINK_EMOJI, at)):
                    noted.append(paper.arxiv_id)
        # a place of another channel is one of its threads: it holds none (the message is where it is)
        thread = not pasted.in_thread and counts_in == channel \
            and await self._discussions.link_mode(channel) is LinkMode.THREAD
        if thread:
            discussions = await self._discussions.open_link_thread(transport, channel, posts)
        else:
            found = await self._discussions.discussions(transport, counts_in, [p.arxiv_id for p in papers])
            # pasted in the very post that discusses it: nothing to point to
            discussions = {a: d for a, d in found.items() if d.thread_id != channel.channel}
        _log.debug("links to %s by %s in %s/%s (for %s): %d newly noted", ", ".join(p.arxiv_id for p in papers),
                   pasted.user_id, channel, pasted.message_id, counts_in, len(noted))
        return LinkResult(LinkOutcome.ADDED, papers, missing, why_missing, tuple(noted), discussions, thread)
