"""Sentence splitting for abstracts and paper text, without a language model, and the leading
sentences of an abstract that fit a digest line (``first_sentences``).

Scientific prose breaks naive ``[.!?]\\s`` splitting in predictable places: abbreviations
("e.g.", "i.e.", "et al.", "Fig. 3", "Eq. (2)", "vs.", "cf."), initials ("J. Smith"),
decimals ("0.5", which never have a space after the dot), and inline LaTeX (``$O(n.\\log n)$``).
No sentence-splitting library is a project dependency, so this is a careful regex: a boundary
is end punctuation (plus closing quotes/brackets), whitespace, then something that can start
a sentence, and the word before the dot is not an abbreviation or an initial.
"""
from __future__ import annotations

import re

from bot.text import clean_text, shorten

# Lower-cased, without the final dot. A dot after one of these never ends a sentence.
ABBREVIATIONS = frozenset(
    """
    e.g i.e et al etc cf vs v viz resp approx ca fig figs eq eqs eqn eqns sec secs sect tab tabs
    ref refs no nos vol vols pp p ch chap app appx alg algo def thm lem prop cor ex dr mr mrs ms prof
    st jr sr inc ltd co corp dept univ u.s e.t.a i.i.d w.r.t a.k.a s.t w.l.o.g
    """.split()
)
# Abbreviations that end a sentence when the next word is capitalised ("... and so on, etc. We ...").
_MAY_END = frozenset({"etc", "resp", "al"})

_MATH_RE = re.compile(r"\$\$.+?\$\$|\$[^$]+\$")
_PLACEHOLDER = "\x00"
_BOUNDARY_RE = re.compile(r"([.!?…]+[\"'”’)\]]*)\s+(?=[\"'“‘(\[\\]?[A-Z0-9\x00])")
_LAST_WORD_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (whitespace collapsed, empty ones dropped), in order."""
    text = clean_text(text)
    if not text:
        return []
    # Hide dots inside $…$ so math never splits; restored below.
    maths: list[str] = []

    def hide(match: re.Match[str]) -> str:
        maths.append(match.group(0))
        return f"{_PLACEHOLDER}{len(maths) - 1}{_PLACEHOLDER}"

    hidden = _MATH_RE.sub(hide, text)
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(hidden):
        end = match.end(1)
        if not _is_boundary(hidden, match.start(1), hidden[match.end():]):
            continue
        sentences.append(hidden[start:end])
        start = match.end()
    sentences.append(hidden[start:])

    def restore(part: str) -> str:
        return re.sub(f"{_PLACEHOLDER}(\\d+){_PLACEHOLDER}", lambda m: maths[int(m.group(1))], part).strip()

    return [s for s in (restore(part) for part in sentences) if s]


def _is_boundary(text: str, punct_at: int, following: str) -> bool:
    if text[punct_at] != ".":
        return True  # "?" / "!" / "…" always end a sentence
    match = _LAST_WORD_RE.search(text[:punct_at])
    if match is None:
        return True  # after a number, a bracket, math …
    word = match.group(1).lower().rstrip(".")
    if len(word) == 1 and word.isalpha() and text[match.start(1)].isupper():
        return False  # an initial: "J. Smith"
    if word in ABBREVIATIONS:
        if word in _MAY_END:
            # "et al. (2020)" and "et al. showed" continue; "etc. We" starts anew.
            nxt = following.lstrip("\"'“‘")
            return bool(nxt[:1].isupper()) and word != "al" and not nxt[:1].isdigit()
        return False
    return True


def split_paragraphs(paragraphs: list[str] | tuple[str, ...]) -> list[str]:
    """Sentences of several paragraphs: a paragraph break always ends a sentence."""
    return [sentence for paragraph in paragraphs for sentence in split_sentences(paragraph)]


def first_sentences(text: str, limit: int) -> str:
    """The leading sentences of ``text`` that fit in ``limit`` characters (at least one, shortened)."""
    sentences = split_sentences(text)
    out = ""
    for sentence in sentences:
        candidate = f"{out} {sentence}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    return out or shorten(sentences[0] if sentences else "", limit)
