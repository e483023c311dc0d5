"""An extractive summary of an abstract: its most central sentences, in their original order.

No model: a thread's first message must be cheap, and it must never say anything the authors
did not. Each sentence is scored by the cosine between its tf-idf vector and the whole
abstract's (sentences as documents), plus a small bonus for contribution cues ("we propose",
"we introduce" …); boilerplate ("Code is available at …") is never chosen.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from bot.sentences import split_sentences

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9\-]*")
STOPWORDS = frozenset(
    """
    a an the and or but if of to in on at by for with from as into onto than then that this these those
    is are was were be been being it its we our us they their them he she his her you your i
    which who whom whose what when where why how not no nor so such can could may might will would
    should shall do does did done has have had having also both each all any some more most other
    over under between through during about against while there here via using use used based
    however thus therefore moreover furthermore further while yet only very well new
    """.split()
)
_CUE_RE = re.compile(
    r"\b(we|this (paper|work)|our (method|approach|model|framework))\s+"
    r"(propose|present|introduce|develop|show|find|demonstrate|achieve|release)",
    re.IGNORECASE,
)
_BOILERPLATE_RE = re.compile(
    r"https?://|github\.com|\bcode\b.*\b(available|released|public|open[- ]sourced?)\b|"
    r"\b(will be|are|is) (made )?(publicly )?(available|released)\b|\bproject page\b|"
    r"\baccepted (at|to|by)\b|\bto appear\b",
    re.IGNORECASE,
)
CUE_BONUS = 0.1


def tokens(text: str) -> list[str]:
    """Lower-cased content words (stop words dropped); also what the BM25 prefilter uses."""
    return [w for w in _WORD_RE.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


def is_boilerplate(sentence: str) -> bool:
    """Links, code/data availability and venue notes: true, but never the point of the paper."""
    return bool(_BOILERPLATE_RE.search(sentence))


def summarize_abstract(abstract: str, max_sentences: int = 2) -> str:
    """The ``max_sentences`` most central sentences of ``abstract``, joined in their original order."""
    sentences = split_sentences(abstract)
    if len(sentences) <= max_sentences:
        return " ".join(s for s in sentences if not is_boilerplate(s)) or " ".join(sentences)
    scores = centrality(sentences)
    ranked = sorted(
        (i for i in range(len(sentences)) if not is_boilerplate(sentences[i])),
        key=lambda i: (-(scores[i] + (CUE_BONUS if _CUE_RE.search(sentences[i]) else 0.0)), i),
    )
    chosen = sorted(ranked[:max_sentences]) or list(range(max_sentences))
    return " ".join(sentences[i] for i in chosen)


def centrality(sentences: list[str]) -> list[float]:
    """Cosine between each sentence's tf-idf vector and the whole text's (idf over the sentences)."""
    bags = [Counter(tokens(s)) for s in sentences]
    n = len(bags)
    df = Counter(word for bag in bags for word in bag)
    idf = {word: math.log((1 + n) / (1 + count)) + 1.0 for word, count in df.items()}
    whole: Counter[str] = Counter()
    for bag in bags:
        whole.update(bag)
    doc = {w: c * idf[w] for w, c in whole.items()}
    doc_norm = math.sqrt(sum(v * v for v in doc.values())) or 1.0
    scores = []
    for bag in bags:
        vec = {w: c * idf[w] for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        scores.append(sum(v * doc[w] for w, v in vec.items()) / (norm * doc_norm) if norm else 0.0)
    return scores
