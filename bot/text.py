"""Cleaning of untrusted text (titles, abstracts, author names) shared by every surface.

Platform-specific neutralisation (Discord mentions, Slack ``<!channel>``) lives in the
adapters; this module removes what is dangerous everywhere: control characters
(terminal escape sequences), zero-width characters, and runs of whitespace.
"""
from __future__ import annotations

import re
import unicodedata

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACE_RE = re.compile(r"\s+")


def clean_text(text: str | None) -> str:
    """Normalise Unicode, drop control/bidi/zero-width characters, collapse whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


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
