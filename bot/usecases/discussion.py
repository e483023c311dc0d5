"""Discussion threads under posted papers: what to open, what a thread is about, questions and answers.

After a digest is posted the adapter asks :meth:`DiscussionUseCases.threads_to_open` (mode
"always"), posts each opening in a new thread and reports it with :meth:`thread_opened`. Every
human message in a thread comes through :meth:`on_thread_message`: it is recorded once (by event
id) as thread activity — a taste signal for that member and channel — and, when it mentions the
bot, answered by the :class:`~bot.discussion.engine.DiscussionEngine` from the paper's own text.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.arxiv_ids import ArxivId, try_parse_arxiv_id
from bot.clock import Clock, utc_now
from bot.discussion.summary import summarize_abstract, tokens
from bot.discussion.threads import (
    ASKED_OUTSIDE_A_THREAD,
    ActivityKind,
    ThreadActivity,
    ThreadMessage,
    ThreadMode,
    ThreadOpening,
    ThreadRecord,
    ThreadResponse,
)
from bot.domain import ChannelRef, Paper, Post, Requester
from bot.replies import TextReply
from bot.text import clean_text, shorten

if TYPE_CHECKING:
    from bot.discussion.engine import DiscussionEngine
    from bot.usecases.papers import PaperLookup
    from bot.usecases.taste import TasteUseCases

_log = logging.getLogger(__name__)

THREAD_NAME_LIMIT = 100  # Discord's limit for a thread name
NO_ENGINE = ("Questions about papers need the embedding model, which is off here "
             "(embedding.enabled = false in the configuration).")
_NUMBER_RE = re.compile(r"(?:^|\s)(?:#|no\.?\s*|paper\s+|post\s+|\[)(\d{1,2})\]?(?=$|[\s,.:;?!])", re.IGNORECASE)
_ARXIV_IN_TEXT_RE = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Za-z]{2})?/\d{7}", re.IGNORECASE)
_MENTION_RE = re.compile(r"@(?=\w)")


def thread_name(papers: Sequence[Paper]) -> str:
    """A thread title from the papers' titles: cleaned, mention-free, at most 100 characters."""
    if not papers:
        return "Discussion"
    title = clean_text(papers[0].title) or papers[0].arxiv_id
    if len(papers) > 1:
        title = f"{title} (+{len(papers) - 1} more)"
    # "@everyone" in a title must never ping: a zero-width joiner after "@" keeps it readable.
    title = _MENTION_RE.sub("@\u2060", title).replace("<", "‹").replace(">", "›")
    return shorten(title, THREAD_NAME_LIMIT)


def _count(value: int, one: str) -> str:
    return f"{value} {one}{'' if value == 1 else 's'}"


class DiscussionUseCases:
    def __init__(
        self,
        store: Any,
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

    @property
    def engine(self) -> DiscussionEngine | None:
        return self._engine

    # mode -----------------------------------------------------------------------------------

    async def thread_mode(self, channel: ChannelRef) -> ThreadMode:
        return await self._store.get_thread_mode(channel) or self.default_mode

    async def set_thread_mode(self, channel: ChannelRef, mode: ThreadMode) -> ThreadMode:
        await self._store.save_thread_mode(channel, mode)
        return mode

    # openings -------------------------------------------------------------------------------

    def summary(self, paper: Paper) -> str:
        if self._engine is not None:
            return self._engine.summary(paper, max_sentences=2)
        return clean_text(paper.ai_summary) or summarize_abstract(paper.abstract, max_sentences=2)

    def opening_text(self, paper: Paper, number: int | None = None) -> str:
        """The bot's first message about one paper: summary, links, repo and stars, HF upvotes and comments."""
        label = f"[{number}] " if number is not None else ""
        lines = [f"{label}{clean_text(paper.title)} ({paper.arxiv_id})"]
        summary = self.summary(paper)
        if summary:
            lines.append(f"Summary: {summary}")
        links = [f"arXiv {paper.abs_url}", f"PDF {paper.pdf_url}"]
        if paper.hf_url and "huggingface" in paper.sources:
            links.append(f"Hugging Face {paper.hf_url}")
        if paper.github_repo:
            links.append(f"code {clean_text(paper.github_repo)}")
        if paper.project_page:
            links.append(f"project {clean_text(paper.project_page)}")
        lines.append("Links: " + " · ".join(links))
        facts = []
        if paper.github_repo:
            repo = clean_text(paper.github_repo).removeprefix("https://github.com/").strip("/")
            facts.append(f"GitHub {repo}" + (f" ★ {paper.github_stars}" if paper.github_stars is not None else ""))
        if paper.upvotes is not None:
            facts.append(f"▲ {_count(paper.upvotes, 'upvote')}")
        if paper.num_comments is not None:
            facts.append(f"💬 {_count(paper.num_comments, 'comment')} on Hugging Face")
        if facts:
            lines.append(" · ".join(facts))
        lines.append("Mention me here with a question about this paper; I answer from its text.")
        return "\n".join(lines)

    async def opening(self, root_message_id: str, arxiv_ids: Sequence[str]) -> ThreadOpening | None:
        papers = [p for p in [await self._store.get_paper(i) for i in dict.fromkeys(arxiv_ids)] if p is not None]
        if not papers:
            return None
        numbered = len(papers) > 1
        messages = tuple(TextReply(self.opening_text(p, i + 1 if numbered else None)) for i, p in enumerate(papers))
        return ThreadOpening(root_message_id, tuple(p.arxiv_id for p in papers), thread_name(papers), messages)

    async def threads_to_open(self, channel: ChannelRef, posts: Sequence[Post]) -> list[ThreadOpening]:
        """Openings for freshly posted papers, one per root message (mode "always"; else none).

        A message that already has a thread (a re-delivered digest) gets no second one.
        """
        if not posts or await self.thread_mode(channel) is not ThreadMode.ALWAYS:
            return []
        by_message: dict[str, list[Post]] = {}
        for post in posts:
            by_message.setdefault(post.message_id, []).append(post)
        openings = []
        for message_id, carried in by_message.items():
            if await self._store.threads_for(channel, message_id):
                continue
            carried.sort(key=lambda p: p.position)
            opening = await self.opening(message_id, [p.arxiv_id for p in carried])
            if opening is not None:
                openings.append(opening)
        return openings

    async def post_thread(self, channel: ChannelRef, message_id: str) -> tuple[ThreadOpening | None, bool]:
        """The opening of the thread on one of our messages (None: not ours), and whether it is open yet."""
        posts = sorted(await self._store.posts_for_message(channel, message_id), key=lambda p: p.position)
        if not posts:
            return None, False
        opened = bool(await self._store.threads_for(channel, message_id))
        return await self.opening(message_id, [p.arxiv_id for p in posts]), opened

    async def thread_opened(self, channel: ChannelRef, opening: ThreadOpening, thread_id: str,
                            message_ids: Sequence[str] = ()) -> None:
        """Remember that ``thread_id`` discusses the opening's papers (idempotent)."""
        now = self._clock()
        await self._store.record_threads(
            [ThreadRecord(channel, opening.root_message_id, thread_id, arxiv_id, now) for arxiv_id in opening.arxiv_ids]
        )
        _log.info("thread %s opened in %s for %s (%d messages)", thread_id, channel, ", ".join(opening.arxiv_ids),
                  len(message_ids))

    # messages in threads --------------------------------------------------------------------

    async def on_thread_message(self, message: ThreadMessage) -> ThreadResponse:
        """Record the message as activity (once per event id); open the thread (first_reply); answer a mention.

        A message under one of our posts that has no thread yet opens it now unless the channel's
        mode is "never" (first_reply; or "always" when the opening was lost); either way the thread
        is mapped from then on. A retried event (same ``event_id``) returns an empty response.
        """
        channel = message.channel
        records = await self._store.threads_for(channel, message.thread_id)
        if not records and message.root_message_id and message.root_message_id != message.thread_id:
            records = await self._store.threads_for(channel, message.root_message_id)
        opening = None
        if records:
            arxiv_ids = [r.arxiv_id for r in records]
        else:
            root = message.root_message_id or message.thread_id
            posts = sorted(await self._store.posts_for_message(channel, root), key=lambda p: p.position)
            for message_id in message.post_message_ids if not posts else ():
                posts += sorted(await self._store.posts_for_message(channel, message_id), key=lambda p: p.position)
            if not posts:
                return ThreadResponse()  # not under one of our posts: none of our business
            arxiv_ids = [p.arxiv_id for p in posts]
            if await self.thread_mode(channel) is not ThreadMode.NEVER:
                opening = await self.opening(root, arxiv_ids)
            # Mapped from now on, whatever the mode, so later messages (and retries) find it.
            await self._store.record_threads(
                [ThreadRecord(channel, root, message.thread_id, a, self._clock()) for a in arxiv_ids]
            )
        papers = [p for p in [await self._store.get_paper(a) for a in arxiv_ids] if p is not None]
        if not papers:
            return ThreadResponse(opening)
        chosen = await self.pick_paper(papers, message.text) if message.mentions_bot else self.named_paper(papers, message.text)
        about = [chosen] if chosen is not None else papers
        kind = ActivityKind.QUESTION if message.mentions_bot else ActivityKind.REPLY
        now = self._clock()
        new = await self._store.add_thread_activity(
            [ThreadActivity(channel, message.thread_id, p.arxiv_id, message.user_id, kind, now, message.event_id)
             for p in about]
        )
        if not new and message.event_id:
            _log.debug("duplicate thread message %s dropped", message.event_id)
            return ThreadResponse()
        if not message.mentions_bot:
            return ThreadResponse(opening)
        assert chosen is not None
        return ThreadResponse(opening, await self.answer(chosen, message.text))

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
        if self._taste is not None:
            vectors = await self._taste.vectors(list(papers))
            query = await self._taste.embed_text(question)
            scores = [float(np.dot(vectors[p.arxiv_id], query)) if p.arxiv_id in vectors else -1.0 for p in papers]
        else:
            words = set(tokens(question))  # the extractive engine's words: stop words do not pick a paper
            scores = [len(words & set(tokens(f"{p.title} {p.abstract}"))) for p in papers]
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
        await self._store.add_thread_activity([ThreadActivity(
            requester.channel, ASKED_OUTSIDE_A_THREAD, paper.arxiv_id, requester.user_id, ActivityKind.QUESTION, self._clock())])
        return reply
