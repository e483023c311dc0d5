"""Passages of a paper, and the ones closest to a question.

Every abstract sentence is a candidate. Full-text sentences are too many to embed per
question on a CPU (a paper has ~1,000; MiniLM does ~30/s), so a BM25 prefilter keeps the
``candidates`` best of them lexically; then the question, the abstract sentences and those
candidates are embedded in one batch and ranked by

    score = cosine(question, sentence) + COVERAGE_WEIGHT * coverage
            − QUANTITY_PENALTY   (only when the question asks for a quantity and the sentence has none)

where ``coverage`` is the share of the question's content words (lightly stemmed) that the
sentence contains. MiniLM alone puts "what GPU did they train on?" close to any sentence
about training hardware-ish things (0.32 on a NIC paper), about as close as real answers
phrased with other words; the question's specific noun ("GPU", "license") being absent is
what tells them apart. A question for a quantity ("how many hours …", "what Dice score …")
is not answered by a sentence without a number, however close in topic ("hour-long videos").
This blended score is what the extractive threshold was calibrated on (see
``bot.discussion.extractive``). BM25 only decides which full-text sentences get a chance.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from bot.discussion.answer import ABSTRACT, Passage, ScoredPassage
from bot.discussion.summary import tokens
from bot.domain import Paper
from bot.ports import Embedder
from bot.sentences import split_sentences
from bot.sources.fulltext import FullText

COVERAGE_WEIGHT = 0.2
QUANTITY_PENALTY = 0.15
_ASKS_QUANTITY_RE = re.compile(
    r"\bhow (many|much|long|fast|large|big|often|far|old)\b|"
    r"\b(accuracy|score|size|number of|percentage|speed|throughput|latency|f1|bleu|auc)\b",
    re.IGNORECASE,
)
_QUANTITY_RE = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|dozens?|hundreds?|"
    r"thousands?|millions?|billions?|twice|half|double|triple|fold)\b",
    re.IGNORECASE,
)
MIN_CHARS = 25  # shorter "sentences" are headings, captions' stubs, "Proof." …
MAX_CHARS = 1_000  # longer ones are parsing accidents (tables flattened into text)


def abstract_passages(paper: Paper) -> list[Passage]:
    return [Passage(ABSTRACT, s, i) for i, s in enumerate(split_sentences(paper.abstract))]


def fulltext_passages(full: FullText | None, *, start: int = 0) -> list[Passage]:
    """Sentences of the full text, each labelled "full text: <section title>"."""
    if full is None:
        return []
    out: list[Passage] = []
    for section in full.sections:
        source = f"full text: {section.title}" if section.title else "full text"
        for paragraph in section.paragraphs:
            for sentence in split_sentences(paragraph):
                if MIN_CHARS <= len(sentence) <= MAX_CHARS:
                    out.append(Passage(source, sentence, start + len(out)))
    return out


class Bm25:
    """Okapi BM25 over short documents (sentences); ``k1``/``b`` are the usual defaults."""

    def __init__(self, documents: Sequence[str], *, k1: float = 1.5, b: float = 0.75) -> None:
        self._bags = [Counter(terms(d)) for d in documents]
        self._lengths = [sum(bag.values()) for bag in self._bags]
        self._avg = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        n = len(self._bags)
        df = Counter(word for bag in self._bags for word in bag)
        self._idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
        self._k1, self._b = k1, b

    def scores(self, query: str) -> list[float]:
        asked = [t for t in set(terms(query)) if t in self._idf]
        out = []
        for bag, length in zip(self._bags, self._lengths):
            norm = self._k1 * (1 - self._b + self._b * length / (self._avg or 1.0))
            out.append(sum(self._idf[t] * bag[t] * (self._k1 + 1) / (bag[t] + norm) for t in asked if t in bag))
        return out


def stem(word: str) -> str:
    """A light suffix strip so "trained"/"train" and "formats"/"format" meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) >= len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Content words, stemmed: what BM25 and coverage compare."""
    return [stem(t) for t in tokens(text)]


def coverage(question: str, sentence: str) -> float:
    """The share of the question's content words that occur in the sentence (0 when it has none)."""
    asked = set(terms(question))
    if not asked:
        return 0.0
    return len(asked & set(terms(sentence))) / len(asked)


def quantity_mismatch(question: str, sentence: str) -> bool:
    """The question asks how many/much/long … and the sentence states no number at all."""
    return bool(_ASKS_QUANTITY_RE.search(question)) and not _QUANTITY_RE.search(sentence)


def score(question: str, sentence: str, cosine: float) -> float:
    """The retrieval score the extractive threshold is calibrated on (see the module docstring)."""
    value = cosine + COVERAGE_WEIGHT * coverage(question, sentence)
    return value - QUANTITY_PENALTY if quantity_mismatch(question, sentence) else value


def prefilter(question: str, passages: Sequence[Passage], limit: int) -> list[tuple[Passage, float]]:
    """The ``limit`` passages with the best BM25 score for ``question`` (zero scores dropped)."""
    if not passages or limit <= 0:
        return []
    scores = Bm25([p.text for p in passages]).scores(question)
    order = sorted(range(len(passages)), key=lambda i: (-scores[i], i))[:limit]
    return [(passages[i], scores[i]) for i in order if scores[i] > 0]


async def retrieve(
    embedder: Embedder, question: str, abstract: Sequence[Passage], full_text: Sequence[Passage] = (), *,
    candidates: int = 24,
) -> list[ScoredPassage]:
    """Every abstract passage and the prefiltered full-text ones, scored (see the module docstring), best first."""
    pool = [(p, 0.0) for p in abstract] + prefilter(question, full_text, candidates)
    if not pool:
        return []
    vectors = np.asarray(await embedder.encode([question] + [p.text for p, _ in pool]), dtype=np.float32)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    cosines = vectors[1:] @ vectors[0]
    scored = [
        ScoredPassage(p, score(question, p.text, float(c)), lexical, float(c))
        for (p, lexical), c in zip(pool, cosines)
    ]
    return sorted(scored, key=lambda s: (-s.score, s.passage.index))
