"""Discussion threads under posted papers: which to open, what a thread is about, questions and answers.

Threads are opened here, through the platform's transport, never by an adapter:

- after a publication is recorded (:meth:`DiscussionUseCases.open_threads`, mode "always"): one thread
  per paper message (``ThreadStyle.PER_MESSAGE``) or one per publication holding every paper
  (``PER_DIGEST``), each opened with the paper's summary, links and figures; where each paper's post
  is its thread (``POST_IS_THREAD``, a forum) the posts are mapped as threads, in every mode;
- when a member first replies under a post that has no thread yet (:meth:`on_thread_message`, mode
  "first_reply", or "always" when the opening was lost).

A paper that already has a thread in the channel never gets a second one: a later post of it links
to the first (``discussions``). Every human message in a thread is recorded once (by event id) as
thread activity — a taste signal for that member and channel — and, when it mentions the bot,
answered by the :class:`~bot.discussion.engine.DiscussionEngine` from the paper's own text.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from bot.arxiv_ids import ArxivId, try_parse_arxiv_id
from bot.clock import Clock, utc_now
from bot.discussion.locks import ThreadLocks
from bot.discussion.openings import continues_in, opening_text, thread_name
from bot.discussion.summary import summarize_abstract, tokens
from bot.discussion.threads import (
    ASKED_OUTSIDE_A_THREAD,
    ActivityKind,
    LinkMode,
    ThreadActivity,
    ThreadMessage,
    ThreadMode,
    ThreadOpening,
    ThreadRecord,
    ThreadResponse,
)
from bot.domain import ChannelRef, Paper, Post, Requester
from bot.plural import counted
from bot.ports import ChatTransport, Sent, Store, ThreadStyle
from bot.replies import Discussion, TextReply
from bot.text import clean_text, shorten
from bot.usecases.papers import version_note

if TYPE_CHECKING:
    from bot.discussion.engine import DiscussionEngine
    from bot.usecases.papers import PaperLookup
    from bot.usecases.taste import TasteUseCases

_log = logging.getLogger(__name__)

NO_ENGINE = ("Questions about papers need the embedding model, which is off here "
             "([embedding] enabled = false in the configuration).")
_NUMBER_RE = re.compile(r"(?:^|\s)(?:#|no\.?\s*|paper\s+|post\s+|\[)(\d{1,2})\]?(?=$|[\s,.:;?!])", re.IGNORECASE)
_ARXIV_IN_TEXT_RE = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Za-z]{2})?/\d{7}", re.IGNORECASE)


def _lock_key(channel: ChannelRef, root: str) -> str:
    return f"{channel.key}/{root}"


class DiscussionUseCases:
    def __init__(
        self,
        store: Store,
        papers: PaperLookup,
        *,
        engine: DiscussionEngine | None = None,
        taste: TasteUseCases | None = None,
        clock: Clock = utc_now,
        default_mode: ThreadMode | str = ThreadMode.ALWAYS,
    ) -> None:
        self._store = store
        self._papers = papers
        self._engine = engine
        self._taste = taste
        self._clock = clock
        self.default_mode = ThreadMode(default_mode)
        self._locks = ThreadLocks()

    @property
    def engine(self) -> DiscussionEngine | None:
        return self._engine

    # mode -----------------------------------------------------------------------------------

    async def thread_mode(self, channel: ChannelRef) -> ThreadMode:
        return await self._store.get_thread_mode(channel) or self.default_mode

    async def set_thread_mode(self, channel: ChannelRef, mode: ThreadMode) -> ThreadMode:
        await self._store.save_thread_mode(channel, mode)
        return mode

    async def link_mode(self, channel: ChannelRef) -> LinkMode:
        return await self._store.get_link_mode(channel) or LinkMode.QUIET

    async def set_link_mode(self, channel: ChannelRef, mode: LinkMode) -> LinkMode:
        await self._store.save_link_mode(channel, mode)
        return mode

    # openings -------------------------------------------------------------------------------

    def summary(self, paper: Paper) -> str:
        if self._engine is not None:
            return self._engine.summary(paper, max_sentences=2)
        return clean_text(paper.ai_summary) or summarize_abstract(paper.abstract, max_sentences=2)

    def opening_text(self, paper: Paper, number: int | None = None) -> str:
        """The bot's first message about one paper: summary, links, repo and stars, HF upvotes and comments."""
        return opening_text(paper, self.summary(paper), number)

    async def opening(self, root_message_id: str, arxiv_ids: Sequence[str]) -> ThreadOpening | None:
        found = await self._store.get_papers(arxiv_ids)
        papers = [found[i] for i in dict.fromkeys(arxiv_ids) if i in found]
        if not papers:
            return None
        numbered = len(papers) > 1
        messages = tuple(TextReply(self.opening_text(p, i + 1 if numbered else None)) for i, p in enumerate(papers))
        return ThreadOpening(root_message_id, tuple(p.arxiv_id for p in papers), thread_name(papers), messages)

    async def discussions(self, transport: ChatTransport, channel: ChannelRef,
                          arxiv_ids: Sequence[str]) -> dict[str, Discussion]:
        """Where each of these papers is already discussed in ``channel`` (a later post links there)."""
        if not arxiv_ids or transport.thread_style(channel) is ThreadStyle.NONE:
            return {}
        found = await self._store.threads_of_papers(channel, arxiv_ids)
        out: dict[str, Discussion] = {}
        urls: dict[str, str | None] = {}
        for arxiv_id, record in found.items():
            if record.thread_id not in urls:
                try:
                    urls[record.thread_id] = await transport.thread_url(channel, record.thread_id)
                except Exception as exc:  # noqa: BLE001 - a missing link is shown as words
                    _log.warning("no link to thread %s in %s: %s", record.thread_id, channel, exc)
                    urls[record.thread_id] = None
            out[arxiv_id] = Discussion(record.thread_id, urls[record.thread_id])
        return out

    async def open_threads(self, transport: ChatTransport, channel: ChannelRef, posts: Sequence[Post],
                           sent: Sent) -> int:
        """After a publication's posts were recorded: open the threads mode "always" asks for. Never raises.

        A paper discussed in this channel before gets none (its post links to that thread), nor does
        a message that already has one (a re-delivered digest). Returns how many threads were opened.
        """
        style = transport.thread_style(channel)
        if not posts or style is ThreadStyle.NONE:
            return 0
        if style is ThreadStyle.POST_IS_THREAD:
            return await self._adopt_posts(channel, posts)
        try:
            if await self.thread_mode(channel) is not ThreadMode.ALWAYS:
                return 0
            discussed = await self._store.threads_of_papers(channel, [p.arxiv_id for p in posts])
            fresh = [p for p in posts if p.arxiv_id not in discussed]
            if not fresh:
                return 0
            if style is ThreadStyle.PER_DIGEST:
                roots = {sent.root_id: list(fresh)}
            else:
                roots = {}
                for post in fresh:
                    roots.setdefault(post.message_id, []).append(post)
        except Exception:  # noqa: BLE001 - the publication is out; a thread problem must not fail it
            _log.exception("could not plan the threads of %s in %s", sent.root_id, channel)
            return 0
        opened = 0
        async with self._locks.hold(_lock_key(channel, root) for root in roots):
            for root, carried in roots.items():
                try:
                    opened += await self._open(transport, channel, root, carried, style)
                except Exception as exc:  # noqa: BLE001 - one thread's problem must not stop the others
                    _log.warning("could not open the thread on %s in %s: %s", root, channel, exc)
        return opened

    async def _adopt_posts(self, channel: ChannelRef, posts: Sequence[Post]) -> int:
        """Each post is its paper's thread already (a forum post): map it, whatever the mode (the thread
        exists; "never" cannot undo it), with no opening (the post shows the paper). Never raises."""
        try:
            discussed = await self._store.threads_of_papers(channel, [p.arxiv_id for p in posts])
            now = self._clock()
            fresh = [ThreadRecord(channel, p.message_id, p.message_id, p.arxiv_id, now)
                     for p in posts if p.arxiv_id not in discussed]
            if fresh:
                await self._store.record_threads(fresh)
        except Exception:  # noqa: BLE001 - the publication is out; mapping is repaired later
            _log.exception("could not map the posts of %s as threads", channel)
            return 0
        return len(fresh)

    async def open_link_thread(self, transport: ChatTransport, channel: ChannelRef,
                               posts: Sequence[Post]) -> dict[str, Discussion]:
        """A member's message linking to papers (``links:thread``): open its thread with their openings,
        whatever the thread mode; a paper already discussed in the channel gets none (the one-thread rule)
        and is returned with where it is discussed. Never raises."""
        if not posts or transport.thread_style(channel) is ThreadStyle.NONE:
            return {}
        try:
            elsewhere = await self.discussions(transport, channel, [p.arxiv_id for p in posts])
            fresh = [p for p in posts if p.arxiv_id not in elsewhere]
            root = posts[0].message_id
            if fresh:
                async with self._locks.hold([_lock_key(channel, root)]):
                    await self._open(transport, channel, root, fresh, transport.thread_style(channel))
            return elsewhere
        except Exception as exc:  # noqa: BLE001 - the link is recorded; a thread problem must not fail it
            _log.warning("could not open the thread on linked message %s in %s: %s", posts[0].message_id, channel, exc)
            return {}

    async def repair_threads(self, transports: Mapping[str, ChatTransport], since: datetime, until: datetime) -> int:
        """Open the threads that recent posts should have and do not — their publication's thread
        opening was cut short (a crash, the database restarting between recording and opening).

        Posts of one publication are opened together (by their root message), exactly as right after
        publishing, so the rules are the same: mode "always" only, never a second thread for a paper.
        Posts recorded before roots were (no root) are left alone. Returns the threads opened."""
        posts = await self._store.posts_without_threads(since, until, transports.keys())
        groups: dict[tuple[str, str], list[Post]] = {}
        for post in posts:
            if post.root_message_id:
                groups.setdefault((post.channel.key, post.root_message_id), []).append(post)
        opened = 0
        for (_, root), carried in groups.items():
            channel = carried[0].channel
            sent = Sent(root, tuple(p.message_id for p in carried))
            opened += await self.open_threads(transports[channel.platform], channel, carried, sent)
        if opened:
            _log.warning("opened %s that had been missed", counted(opened, "discussion thread"))
        return opened

    async def _open(self, transport: ChatTransport, channel: ChannelRef, root: str, posts: Sequence[Post],
                    style: ThreadStyle) -> int:
        """Open one thread (unless it exists), record it, then post its openings."""
        if await self._store.threads_for(channel, root):
            return 0
        if style is ThreadStyle.PER_DIGEST:  # one thread, one opening per paper message
            openings = [o for o in [await self.opening(p.message_id, [p.arxiv_id]) for p in posts] if o is not None]
        else:
            ordered = sorted(posts, key=lambda p: p.position)
            single = await self.opening(root, [p.arxiv_id for p in ordered])
            openings = [single] if single is not None else []
        if not openings:
            return 0
        name = openings[0].name if len(openings) == 1 else thread_name(
            [p for p in (await self._store.get_papers([p.arxiv_id for p in posts])).values()])
        thread_id = await transport.open_thread(channel, root, name)
        now = self._clock()
        # recorded before the openings go out: a member's reply meanwhile finds it, a crash never opens it twice
        await self._store.record_threads([ThreadRecord(channel, o.root_message_id, thread_id, a, now)
                                          for o in openings for a in o.arxiv_ids])
        for opening in openings:
            for message in opening.messages:
                await transport.post(channel, message, thread_id=thread_id)
        _log.info("thread %s opened in %s for %s", thread_id, channel, ", ".join(a for o in openings for a in o.arxiv_ids))
        return 1

    async def post_thread(self, channel: ChannelRef, message_id: str) -> tuple[ThreadOpening | None, bool]:
        """The opening of the thread on one of our messages (None: not ours), and whether it is open yet."""
        posts = sorted(await self._store.posts_for_message(channel, message_id), key=lambda p: p.position)
        if not posts:
            return None, False
        opened = bool(await self._store.threads_for(channel, message_id))
        return await self.opening(message_id, [p.arxiv_id for p in posts]), opened

    # messages in threads --------------------------------------------------------------------

    async def on_thread_message(self, message: ThreadMessage, transport: ChatTransport) -> ThreadResponse:
        """Record a member's message as activity (once per event id); open the thread (first_reply);
        answer a mention — posting through ``transport``. Never posts for a retried event.

        A message under one of our posts that has no thread yet opens it now unless the channel's
        mode is "never" or its papers are discussed in another thread already; either way the
        thread is mapped from then on. A message under anything else is none of our business.
        """
        channel = message.channel
        root = message.root_message_id or message.thread_id
        async with self._locks.hold([_lock_key(channel, root), _lock_key(channel, message.thread_id)]):
            return await self._on_thread_message(message, transport, root)

    async def _on_thread_message(self, message: ThreadMessage, transport: ChatTransport, root: str) -> ThreadResponse:
        channel = message.channel
        records = await self._store.threads_for(channel, message.thread_id)
        if not records and root != message.thread_id:
            records = await self._store.threads_for(channel, root)
        opening: ThreadOpening | None = None
        elsewhere: dict[str, ThreadRecord] = {}
        thread_id: str | None
        if records:
            arxiv_ids = list(dict.fromkeys(r.arxiv_id for r in records))
            thread_id = records[0].thread_id
        else:
            posts = await self._posts_under(channel, root)
            if not posts:
                return ThreadResponse()  # not under one of our posts
            arxiv_ids = list(dict.fromkeys(p.arxiv_id for p in posts))
            elsewhere = await self._store.threads_of_papers(channel, arxiv_ids)
            fresh = [a for a in arxiv_ids if a not in elsewhere]
            thread_id = message.thread_id if message.in_thread else None
            if fresh and await self.thread_mode(channel) is not ThreadMode.NEVER:
                opening = await self.opening(root, fresh)
                if opening is not None and thread_id is None:
                    thread_id = await transport.open_thread(channel, root, opening.name)
        papers = list((await self._store.get_papers(arxiv_ids)).values())
        papers.sort(key=lambda p: arxiv_ids.index(p.arxiv_id))
        chosen = await self.pick_paper(papers, message.text) if (message.mentions_bot and papers) else (
            self.named_paper(papers, message.text) if papers else None)
        about = [chosen] if chosen is not None else papers
        kind = ActivityKind.QUESTION if message.mentions_bot else ActivityKind.REPLY
        now = self._clock()
        async with self._store.transaction() as tx:
            if not records:  # mapped from now on, whatever the mode, so later messages (and retries) find it
                mapped = thread_id or message.thread_id
                await tx.record_threads([ThreadRecord(channel, root, mapped, a, now) for a in arxiv_ids])
            new = await tx.add_thread_activity(
                [ThreadActivity(channel, message.thread_id, p.arxiv_id, message.user_id, kind, now, message.event_id)
                 for p in about])
        if not new and message.event_id:
            _log.debug("duplicate thread message %s dropped", message.event_id)
            return ThreadResponse()
        if opening is not None and thread_id is not None:
            for reply in opening.messages:
                await transport.post(channel, reply, thread_id=thread_id)
        if not message.mentions_bot or chosen is None:
            return ThreadResponse(opening)
        answer = await self.answer(chosen, message.text)
        if chosen.arxiv_id in elsewhere and thread_id is None:
            url = await transport.thread_url(channel, elsewhere[chosen.arxiv_id].thread_id)
            answer = TextReply(f"{answer.text}\n{continues_in(url)}", answer.ephemeral)
        await transport.post(channel, answer, thread_id=thread_id,
                             reply_to=message.message_id if message.in_thread or thread_id is None else None)
        return ThreadResponse(opening, answer)

    async def _posts_under(self, channel: ChannelRef, root: str) -> list[Post]:
        """Our posts a message under ``root`` is about: the root's own papers, or its publication's."""
        posts = await self._store.posts_for_message(channel, root)
        if not posts:
            posts = await self._store.posts_under_root(channel, root)
        return sorted(posts, key=lambda p: (p.message_id != root, p.position))

    # questions ------------------------------------------------------------------------------

    def named_paper(self, papers: Sequence[Paper], text: str) -> Paper | None:
        """The paper a message names: the only one, or by arXiv id, or by its number in the thread ([2], #2, paper 2)."""
        if len(papers) == 1:
            return papers[0]
        for match in _ARXIV_IN_TEXT_RE.finditer(text):
            found = try_parse_arxiv_id(match.group(0))
            for paper in papers:
                if found is not None and found.id == paper.arxiv_id:
                    return paper
        number = _NUMBER_RE.search(text)
        if number and 1 <= int(number.group(1)) <= len(papers):
            return papers[int(number.group(1)) - 1]
        return None

    async def pick_paper(self, papers: Sequence[Paper], question: str) -> Paper:
        """The paper a question is about: named, else the one whose title and abstract match it best."""
        named = self.named_paper(papers, question)
        if named is not None:
            return named
        scores: list[float]
        if self._taste is not None:
            vectors = await self._taste.vectors(list(papers))
            query = await self._taste.embed_text(question)
            scores = [float(np.dot(vectors[p.arxiv_id], query)) if p.arxiv_id in vectors else -1.0 for p in papers]
        else:
            words = set(tokens(question))  # the extractive engine's words: stop words do not pick a paper
            scores = [float(len(words & set(tokens(f"{p.title} {p.abstract}")))) for p in papers]
        return papers[max(range(len(papers)), key=lambda i: scores[i])]

    async def answer(self, paper: Paper, question: str) -> TextReply:
        """A grounded answer: the engine's text (quoting the sentences it used), which engine, and any note."""
        question = " ".join(question.split())
        if not question:
            return TextReply(f"What would you like to know about {paper.arxiv_id}? Ask a question after the mention.")
        if self._engine is None:
            return TextReply(NO_ENGINE)
        result = await self._engine.answer(paper, question)
        text = result.text.strip()
        lines = [f"About {paper.arxiv_id} “{shorten(clean_text(paper.title), 120)}”:", text]
        if result.engine not in text:  # every answer says which engine wrote it
            lines.append(f"[{result.engine} answer]")
        if result.note and result.note not in text:
            lines.append(f"Note: {result.note}")
        _log.info("answered a question about %s (%s, answered=%s, %d citations)", paper.arxiv_id, result.engine,
                  result.answered, len(result.citations))
        return TextReply("\n".join(lines))

    async def ask(self, requester: Requester, paper_id: ArxivId, question: str) -> TextReply:
        """`/papers ask <id> <question>`: the same grounded answer, anywhere.

        Asking is interest, as a question in the paper's thread is: it is recorded as a question
        with no thread (``ASKED_OUTSIDE_A_THREAD``) for the member and the channel it was asked in.
        """
        if self._engine is None:
            return TextReply(NO_ENGINE, ephemeral=True)
        paper = await self._papers.get(paper_id)
        reply = await self.answer(paper, question)
        note = version_note(paper_id, paper, "answering from")
        if note is not None:
            reply = replace(reply, text=f"{reply.text}\n({note})")
        await self._store.add_thread_activity([ThreadActivity(
            requester.channel, ASKED_OUTSIDE_A_THREAD, paper.arxiv_id, requester.user_id, ActivityKind.QUESTION, self._clock())])
        return reply
