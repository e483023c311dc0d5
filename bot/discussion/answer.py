"""The values of a grounded answer: the passages it may use, and what it says.

A :class:`Passage` is one sentence of the paper with where it came from. An :class:`Answer`
is plain text (adapters neutralise and render it) that quotes the passages it cites, the
engine that wrote it, and whether the paper actually answered the question.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.domain import Paper
from bot.text import shorten

ABSTRACT = "abstract"
QUOTE_LIMIT = 400  # characters of one quoted sentence


@dataclass(frozen=True)
class Passage:
    """One sentence; ``source`` is "abstract" or "full text: <section title>"; ``index`` its order in the paper."""

    source: str
    text: str
    index: int


@dataclass(frozen=True)
class ScoredPassage:
    """A retrieved passage: ``score`` ranks and is thresholded (cosine + coverage, see ``passages``);
    ``lexical`` is its BM25 (0 for the abstract), ``cosine`` the embedding similarity alone."""

    passage: Passage
    score: float
    lexical: float = 0.0
    cosine: float = 0.0


@dataclass(frozen=True)
class Answer:
    text: str
    citations: tuple[Passage, ...]
    engine: str  # "extractive" | "llm"
    answered: bool  # False: the paper does not say
    note: str | None = None  # why the engine differs from the configured one, what was not searched …


class Answerer(Protocol):
    """Turns retrieved passages (best first) into an answer that cites only them."""

    name: str

    async def answer(self, paper: Paper, question: str, passages: Sequence[ScoredPassage], *, scope: str) -> Answer:
        """``scope`` says what was searched (e.g. "the abstract and the full text"), for the answer's footer."""
        ...


def quote(passage: Passage) -> str:
    """“sentence” (source) — how every answer shows a passage."""
    return f"“{shorten(passage.text, QUOTE_LIMIT)}” ({passage.source})"


def join_notes(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None
