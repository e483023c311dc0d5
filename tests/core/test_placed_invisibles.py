"""Invisible characters that do something stay; the same characters where they do nothing go
(bot.text.clean_text, stored and typed text alike).

A zero-width non-joiner is how Persian writes "می‌خواهم"; joiners choose Devanagari's, Malayalam's,
Sinhala's conjunct shapes: each used to become a space in stored text (and vanish in typed text), so
the word was split, or no longer matched the title it was typed from. Between Latin letters a joiner
only hides a word from a filter ("ev\u200ceryone"). Soft hyphens (a line-break hint inside a word)
and tag characters outside a flag's run stayed in stored titles, hiding text from a search.
"""
from __future__ import annotations

import pytest

from bot.text import clean_text

WORDS = [
    "می\u200cخواهم",  # Persian: "I want", a non-joiner between the prefix and the verb
    "क्\u200dष",  # Devanagari: a joiner after the virama asks for the half form
    "ന്\u200dറ",  # Malayalam
    "ক্\u200cষ",  # Bengali: a non-joiner keeps the conjunct apart
    "ශ්\u200dරී",  # Sinhala: the rakaransaya
    "لا\u200cیه",  # Arabic script
]


@pytest.mark.parametrize("typed", [False, True])
@pytest.mark.parametrize("word", WORDS)
def test_a_joiner_inside_a_word_of_a_script_that_uses_it_stays(word: str, typed: bool) -> None:
    assert clean_text(f"papers on {word} today", typed=typed) == f"papers on {word} today"


# (what arrives, typed, stored): where a joiner joins nothing it is removed, spaced in stored text as
# every zero-width character there
STRAY = [("ev\u200ceryone", "everyone", "ev eryone"), ("ev\u200deryone", "everyone", "ev eryone"),
         ("é\u200cé", "éé", "é é"), ("می\u200c", "می", "می"), ("\u200cمی", "می", "می"),
         ("می\u200c x", "می x", "می x"), ("1\u200c2", "12", "1 2"), ("a\u0301\u200dب", "áب", "á ب"),
         ("ب\u200d\u0301", "ب\u0301", "ب \u0301")]


@pytest.mark.parametrize(("text", "typed", "stored"), STRAY)
def test_a_joiner_elsewhere_is_removed(text: str, typed: str, stored: str) -> None:
    assert clean_text(text, typed=True) == typed
    assert clean_text(text) == stored


@pytest.mark.parametrize("text", [
    "Trans\u00adformers", "Transformers\U000e0001", "Trans\U000e0000formers", "Trans\U000e0010formers",
    "Transformers" + "".join(chr(0xE0000 + ord(c)) for c in "hidden"), "\U000e0001\U000e0065\U000e006eTransformers",
])
@pytest.mark.parametrize("typed", [False, True])
def test_soft_hyphens_and_stray_tags_are_dropped(text: str, typed: bool) -> None:
    assert clean_text(text, typed=typed) == "Transformers"


def test_a_flags_tags_stay() -> None:
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert clean_text(f"\U000e0001{england} team\u00ad") == f"{england} team"


def test_the_word_joiner_stays_only_right_after_at_in_stored_text() -> None:
    assert clean_text("x@\u2060y @\u2060\u2060z a\u2060b") == "x@\u2060y @\u2060 z a b"
    assert clean_text("x@\u2060y a\u2060b", typed=True) == "x@y ab"
