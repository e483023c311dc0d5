"""Where a zero-width joiner or non-joiner (U+200D, U+200C) is part of a word, not an invisible trick.

Persian writes "می‌خواهم" with a non-joiner between two letters; Devanagari, Bengali, Malayalam,
Sinhala … choose a conjunct's or a chillu's shape with either. Latin letters (and ASCII) need
neither, so one there only splits a word for the eye of a filter ("ev\u200deryone"). The rule kept
simple and sound: a joiner stays between two letters (a mark counts as its base letter: a virama
ends "क्\u200dष"'s first letter) of which neither is ASCII or Latin. :func:`bot.text.clean_text` uses it.
"""
from __future__ import annotations

import unicodedata

JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ


def joins_letters(text: str, at: int) -> bool:
    """Whether the joiner at ``at`` sits between two letters of a script that shapes with joiners."""
    return at > 0 and at + 1 < len(text) and _shaping_letter(text, at - 1) and _shaping_letter(text, at + 1)


def _shaping_letter(text: str, i: int) -> bool:
    """Whether ``text[i]`` is a letter, or a mark on one, of a script other than Latin (and not ASCII)."""
    while i >= 0 and unicodedata.category(text[i])[0] == "M":  # a mark belongs to the letter it is on
        i -= 1
    if i < 0 or unicodedata.category(text[i])[0] != "L":
        return False
    char = text[i]
    return ord(char) >= 0x80 and not unicodedata.name(char, "").startswith("LATIN")
