"""The discussion engine: a paper's summary, and grounded answers to questions about it.

``answer``: passages from the abstract and (when arXiv has HTML) the full text → the
``top_k`` closest to the question (``passages.retrieve``) → the extractive answerer, or the
LLM answerer when configured (which falls back to extractive on any failure). A full text
that cannot be fetched is not an error: the answer says it searched the abstract only.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from pathlib import Path

from bot.config import Config
from bot.discussion.answer import Answer, Answerer, Passage, join_notes
from bot.discussion.extractive import THRESHOLD, ExtractiveAnswerer
from bot.discussion.fulltext_cache import CachedFullText, FullTextCache, default_cache_dir
from bot.discussion.llm import LlmAnswerer, LlmSettings
from bot.discussion.passages import abstract_passages, fulltext_passages, retrieve
from bot.discussion.summary import summarize_abstract
from bot.domain import Paper
from bot.errors import ConfigError, SourceError, UsageError
from bot.ports import Embedder
from bot.sources.fulltext import ArxivHtmlSource, FullTextSource
from bot.sources.http import HttpFetcher
from bot.text import clean_text, shorten

_log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
CANDIDATES = 24  # full-text sentences kept by the BM25 prefilter and embedded per question
_MEMORY = 16  # papers whose full-text passages stay in memory between questions
RETRY_FAILED_AFTER = 600.0  # seconds before a paper whose full text failed (offline, 5xx) is asked again


class DiscussionEngine:
    def __init__(
        self,
        embedder: Embedder,
        *,
        fulltext: FullTextSource | None = None,
        llm: LlmSettings | None = None,
        top_k: int = 6,
        candidates: int = CANDIDATES,
        threshold: float = THRESHOLD,
        fulltext_timeout: float | None = 60.0,
        fetcher: HttpFetcher | None = None,
    ) -> None:
        """``fetcher``: an HTTP fetcher this engine owns and closes in :meth:`close` (the builder's)."""
        self.embedder = embedder
        self.fulltext = fulltext
        self.top_k = top_k
        self.candidates = candidates
        self.fulltext_timeout = fulltext_timeout
        self.extractive = ExtractiveAnswerer(threshold=threshold)
        self.llm = LlmAnswerer(llm, fallback=self.extractive) if llm is not None else None
        self._fetcher = fetcher
        self._passages: OrderedDict[tuple[str, int | None], list[Passage]] = OrderedDict()
        self._failed: dict[tuple[str, int | None], tuple[float, str]] = {}  # key → (monotonic time, why)

    @property
    def answerer(self) -> Answerer:
        return self.llm if self.llm is not None else self.extractive

    def summary(self, paper: Paper, max_sentences: int = 2) -> str:
        """HF's AI summary when the paper has one, else the abstract's most central sentences."""
        ai = clean_text(paper.ai_summary)
        return ai if ai else summarize_abstract(paper.abstract, max_sentences)

    async def answer(self, paper: Paper, question: str) -> Answer:
        """A grounded answer to ``question`` about ``paper`` (never raises for a missing full text)."""
        question = shorten(clean_text(question), MAX_QUESTION_CHARS)
        if not question:
            raise UsageError("Ask a question about the paper, e.g. `/papers ask 2511.04570 what dataset do they use?`")
        abstract = abstract_passages(paper)
        full, why_not = await self._fulltext_passages(paper, start=len(abstract))
        if full:
            scope = "the abstract and the full text"
        elif abstract:
            scope = f"the abstract only ({why_not})"
        else:
            scope = f"nothing ({why_not}; the paper has no abstract)"
        scored = await retrieve(self.embedder, question, abstract, full, candidates=self.candidates)
        result = await self.answerer.answer(paper, question, scored[: self.top_k], scope=scope)
        _log.info(
            "answered %s with %s (answered=%s, %d citations, full text %s)%s", paper.arxiv_id, result.engine,
            result.answered, len(result.citations), "yes" if full else "no", f": {result.note}" if result.note else "",
        )
        if not full and why_not.startswith("full text unavailable"):
            return Answer(result.text, result.citations, result.engine, result.answered, join_notes(result.note, why_not))
        return result

    async def _fulltext_passages(self, paper: Paper, *, start: int) -> tuple[list[Passage], str]:
        """The full text's passages (memoised), or [] and why there are none."""
        if self.fulltext is None:
            return [], "full text not enabled"
        key = (paper.arxiv_id, paper.version)
        if key in self._passages:
            self._passages.move_to_end(key)
            return self._passages[key], ""
        failed = self._failed.get(key)
        if failed is not None and time.monotonic() - failed[0] < RETRY_FAILED_AFTER:
            return [], failed[1]  # offline or arXiv failing: do not make every question wait again
        try:
            full = await asyncio.wait_for(self.fulltext.fetch(paper.arxiv_id, paper.version), self.fulltext_timeout)
        except TimeoutError:
            _log.warning("full text of %s: no answer within %s s; answering from the abstract", paper.arxiv_id, self.fulltext_timeout)
            self._failed[key] = (time.monotonic(), "full text unavailable: arXiv did not answer in time")
            return [], self._failed[key][1]
        except SourceError as exc:
            _log.warning("full text of %s unavailable: %s; answering from the abstract", paper.arxiv_id, exc)
            self._failed[key] = (time.monotonic(), "full text unavailable: arXiv HTML could not be fetched")
            return [], self._failed[key][1]
        self._failed.pop(key, None)
        passages = fulltext_passages(full, start=start)
        if not passages:
            return [], "arXiv has no HTML full text for it"
        self._passages[key] = passages
        while len(self._passages) > _MEMORY:
            self._passages.popitem(last=False)
        return passages, ""

    async def close(self) -> None:
        """Close the HTTP clients this engine owns (the LLM session, the builder's fetcher)."""
        if self.llm is not None:
            await self.llm.close()
        if self._fetcher is not None:
            await self._fetcher.close()


def build_discussion_engine(config: Config, embedder: Embedder) -> DiscussionEngine:
    """The engine ``[answers]`` describes; raises ConfigError for an LLM engine without a model."""
    answers = config.answers
    llm: LlmSettings | None = None
    if answers.engine == "llm":
        if not answers.llm_model.strip():
            raise ConfigError('[answers] llm_model: required when [answers] engine = "llm" (e.g. "gpt-4o-mini" or a local model name)')
        key = answers.llm_api_key.get_secret_value() if answers.llm_api_key is not None else None
        llm = LlmSettings(answers.llm_base_url, answers.llm_model, key or None, answers.llm_timeout_seconds)
    fetcher: HttpFetcher | None = None
    fulltext: FullTextSource | None = None
    if answers.fulltext:
        # arxiv.org asks for gentle use: one connection, a pause between requests, few retries.
        fetcher = HttpFetcher(timeout=answers.fulltext_timeout_seconds, max_retries=2, backoff_base=1.0, min_interval=1.0, max_connections=1)
        directory = Path(answers.cache_dir).expanduser() if answers.cache_dir else default_cache_dir()
        fulltext = CachedFullText(ArxivHtmlSource(fetcher, base_url=answers.arxiv_html_base_url), FullTextCache(directory))
    return DiscussionEngine(
        embedder, fulltext=fulltext, llm=llm, top_k=answers.top_k,
        fulltext_timeout=answers.fulltext_timeout_seconds * 4, fetcher=fetcher,
    )
