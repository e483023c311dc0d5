"""The optional LLM answerer: any OpenAI-compatible chat endpoint, given only the retrieved passages.

``POST {base_url}/chat/completions`` (``Authorization: Bearer <key>`` when a key is set). The
model sees the passages numbered [1]..[k] and the question — not the title, not the abstract,
nothing else — and is told to answer only from them, cite them as [n], and say the paper does
not say when they do not contain the answer. Cited numbers map back to passages, which the
answer then quotes, so a reader can check every claim.

Anything that goes wrong — timeout, connection error, HTTP error, malformed JSON, empty
content, an answer that cites no passage — falls back to the extractive answer with a
``note`` saying why (and a warning in the log). The whole call is bounded by the timeout.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.discussion.answer import Answer, ScoredPassage, quote
from bot.discussion.extractive import ExtractiveAnswerer
from bot.domain import Paper
from bot.text import clean_text, shorten

_log = logging.getLogger(__name__)

NOT_IN_PAPER = "NOT IN PAPER"
SYSTEM_PROMPT = (
    "You answer questions about one research paper using ONLY the numbered passages from it that "
    "the user gives you. Do not use any other knowledge. Cite every claim with the number of the "
    "passage it comes from, in square brackets, like [1] or [2][3]. Be brief: at most three sentences. "
    f"If the passages do not contain the answer, reply exactly: {NOT_IN_PAPER}"
)
_CITE_RE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NOT_SAYING_RE = re.compile(
    rf"{NOT_IN_PAPER}|\b(passages|paper|text)\s+(do(es)?\s+not|don't|doesn't)\s+(say|mention|state|contain|specify)",
    re.IGNORECASE,
)
MAX_ANSWER_CHARS = 1_200


@dataclass(frozen=True)
class LlmSettings:
    base_url: str  # e.g. "http://localhost:8080/v1" (the part before /chat/completions)
    model: str
    api_key: str | None = None
    timeout_seconds: float = 30.0
    max_tokens: int = 300
    temperature: float = 0.0


class LlmFailure(Exception):
    """Why the LLM gave no usable answer; the message becomes the fallback's note."""


def build_messages(question: str, passages: Sequence[ScoredPassage]) -> list[dict[str, str]]:
    numbered = "\n".join(f"[{n}] ({s.passage.source}) {s.passage.text}" for n, s in enumerate(passages, 1))
    user = f"Passages:\n{numbered}\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def cited_numbers(content: str, count: int) -> list[int]:
    """The passage numbers [n] cited in ``content`` (1-based, in first-cited order, out-of-range dropped)."""
    seen: list[int] = []
    for group in _CITE_RE.findall(content):
        for part in re.split(r"[,;]", group):
            n = int(part.strip())
            if 1 <= n <= count and n not in seen:
                seen.append(n)
    return seen


def parse_content(payload: Any) -> str:
    """``choices[0].message.content``, or LlmFailure naming what was wrong."""
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LlmFailure("malformed reply (no choices[0].message.content)") from None
    if not isinstance(content, str) or not content.strip():
        raise LlmFailure("empty reply")
    return content.strip()


class LlmAnswerer:
    name = "llm"

    def __init__(self, settings: LlmSettings, *, fallback: ExtractiveAnswerer | None = None, session: aiohttp.ClientSession | None = None) -> None:
        self.settings = settings
        self.fallback = fallback or ExtractiveAnswerer()
        self._session = session
        self._owns_session = session is None

    @property
    def url(self) -> str:
        return self.settings.base_url.rstrip("/") + "/chat/completions"

    async def close(self) -> None:
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def answer(self, paper: Paper, question: str, passages: Sequence[ScoredPassage], *, scope: str) -> Answer:
        if not passages:
            return self.fallback.answer_now(passages, scope=scope)
        try:
            content = await asyncio.wait_for(self._ask(question, passages), self.settings.timeout_seconds)
        except TimeoutError:
            return self._fall_back(passages, scope, f"no answer within {self.settings.timeout_seconds:g} s")
        except LlmFailure as exc:
            return self._fall_back(passages, scope, str(exc))
        except aiohttp.ClientError as exc:
            return self._fall_back(passages, scope, f"cannot reach it ({type(exc).__name__})")
        return self._render(content, passages, scope)

    async def _ask(self, question: str, passages: Sequence[ScoredPassage]) -> str:
        body = {
            "model": self.settings.model,
            "messages": build_messages(question, passages),
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
        }
        headers = {"Content-Type": "application/json"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_seconds)
        async with self._session.post(self.url, json=body, headers=headers, timeout=timeout) as response:
            raw = await response.read()
            if response.status >= 400:
                raise LlmFailure(f"HTTP {response.status} {response.reason or ''}".rstrip())
        try:
            payload = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise LlmFailure("reply is not JSON") from None
        return parse_content(payload)

    def _fall_back(self, passages: Sequence[ScoredPassage], scope: str, why: str) -> Answer:
        note = f"LLM unavailable ({why}); extractive answer"
        _log.warning("LLM answer from %s failed: %s; falling back to the extractive answer", self.url, why)
        return self.fallback.answer_now(passages, scope=scope, note=note)

    def _render(self, content: str, passages: Sequence[ScoredPassage], scope: str) -> Answer:
        footer = f"[answered by the LLM {self.settings.model} from {len(passages)} quoted passages only; searched {scope}]"
        numbers = cited_numbers(content, len(passages))
        if not numbers and _NOT_SAYING_RE.search(content):
            closest = passages[0].passage
            text = f"The paper doesn't say — the closest it comes is: {quote(closest)}\n{footer}"
            return Answer(text, (closest,), "llm", False)
        if not numbers:
            return self._fall_back(passages, scope, "its answer cited no passage")
        cited = tuple(passages[n - 1].passage for n in numbers)
        body = shorten(clean_text(content), MAX_ANSWER_CHARS)
        lines = [body] + [f"[{n}] {quote(passages[n - 1].passage)}" for n in numbers] + [footer]
        return Answer("\n".join(lines), cited, "llm", True)
