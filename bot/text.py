"""Cleaning of untrusted text (titles, abstracts, author names) shared by every surface.

Platform-specific neutralisation (Discord mentions, Slack ``<!channel>``) lives in the
adapters; this module removes what is dangerous everywhere: control characters
(terminal escape sequences), zero-width characters, and runs of whitespace.
"""
from __future__ import annotations

import re
import unicodedata

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_TYPED_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # the rest are format characters
_SPACE_RE = re.compile(r"\s+")  # every Unicode space: no-break (U+00A0, U+202F), ideographic (U+3000) …
# Format characters, Unicode category Cf: zero-width spaces and joiners, bidi controls, the BOM, the
# soft hyphen, tags (tests/core/test_typed_text.py checks this class against unicodedata)
FORMAT_CHARACTERS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
                     "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_FORMAT_RE = re.compile(f"[{FORMAT_CHARACTERS}]")
_WIDTH_FORMS_RE = re.compile("[\uff00-\uffef]+")  # full-width ASCII (２５１１, ｔｏｄａｙ), half-width kana
ZWJ = "\u200d"
_EMOJI_CATEGORIES = ("So", "Sk", "Mn", "Me")  # pictographs, skin tones, variation selectors, keycaps


def clean_text(text: str | None, *, typed: bool = False) -> str:
    """Normalise Unicode, drop control/bidi/zero-width characters, collapse whitespace.

    ``typed``: text a person typed — a command line, a platform's option value — read as they see
    it. Format characters are removed rather than spaced (a zero-width space inside a word must not
    split it, nor one at its edge stay stuck to it), except a joiner inside an emoji sequence; the
    full-width forms fold to what they look like (NFKC, only there: '２５１１' is 2511, while
    NFKC elsewhere would make 'x²' 'x2'); any space is a space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if typed:
        text = _FORMAT_RE.sub(_dropped_format, text)
        text = _WIDTH_FORMS_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        text = _TYPED_CONTROL_RE.sub(" ", text)
    else:
        text = _CONTROL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


def _dropped_format(match: re.Match[str]) -> str:
    """A format character removed; a zero-width joiner between two emoji kept (👩‍🔬 is one emoji)."""
    at, text = match.start(), match.string
    if match.group() == ZWJ and 0 < at < len(text) - 1:
        before, after = unicodedata.category(text[at - 1]), unicodedata.category(text[at + 1])
        if before in _EMOJI_CATEGORIES and after == "So":
            return ZWJ
    return ""


def shorten(text: str, limit: int, *, trailing: str | None = " ,;:.") -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary when one is near, with an
    ellipsis; ``trailing``: what the cut sheds before the ellipsis (None: any whitespace, as a
    source's field keeps its punctuation)."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(trailing) + "…"


def sentence(text: str) -> str:
    """``text`` ending in exactly one full stop: none added after '?', '!' or '…', and a reason that
    already ends with one does not get a second ('… not found..')."""
    text = text.strip()
    if not text or text.endswith(("?", "!", "…")):
        return text
    return text.rstrip(". ") + "."


def format_authors(authors: tuple[str, ...] | list[str], limit: int = 3) -> str:
    """'A, B, C et al. (+12)' — short enough for a digest line."""
    names = [clean_text(a) for a in authors if clean_text(a)]
    if not names:
        return "unknown authors"
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} et al. (+{len(names) - limit})"


def split_text(text: str, limit: int) -> list[str]:
    """Split long text at paragraph, line or word boundaries into pieces of at most ``limit`` characters."""
    text = text.strip()
    chunks: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        if cut < limit // 2:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks
