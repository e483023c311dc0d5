"""Emoji normalisation: one reaction is one key whatever skin tone or variation selector; and
whether a text is a Unicode emoji at all (a typed reaction, where a word is not one)."""
from __future__ import annotations

import re
import unicodedata

_MODIFIERS_RE = re.compile("[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F]")


def normalise_emoji(emoji: str) -> str:
    """Drop skin-tone modifiers and variation selectors: 👍🏽 → 👍, ❤️ → ❤."""
    cleaned = _MODIFIERS_RE.sub("", emoji.strip())
    return cleaned or emoji.strip()


_KEYCAP = "\u20e3"
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")  # the zero-width joiner and the variation selectors


def is_emoji(text: str) -> bool:
    """Whether ``text`` is one Unicode emoji or a few: pictographs (category So), with their skin
    tones, variation selectors, joiners, flag letters and tags; '1️⃣' a keycap. A word is not one."""
    text = text.strip()
    if not text or len(text) > 32:
        return False
    keycap = _KEYCAP in text
    for char in text:
        category = unicodedata.category(char)
        if category == "So" or char in _JOINERS or char == _KEYCAP or "\U0001f3fb" <= char <= "\U0001f3ff":
            continue
        if "\U000e0020" <= char <= "\U000e007f" or (keycap and char in "0123456789#*"):
            continue
        return False
    return any(unicodedata.category(c) == "So" for c in text) or keycap
