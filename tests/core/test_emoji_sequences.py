"""An emoji sequence stays one emoji through bot.text.clean_text (typed or stored text): the zero-width
joiner of 👩‍🔬, the variation selector of ❤️, the tags of 🏴󠁧󠁢󠁥󠁮󠁧󠁿 — while the same invisible
characters anywhere else are removed (a joiner splitting a word, selectors or tags smuggling text
after an emoji). A search for 👩‍🔬 used to become a search for 👩 and 🔬."""
from __future__ import annotations

import sys

import pytest

import bot.commands  # noqa: F401 - registers every command
from bot.commands.parser import parse_command
from bot.pictographic import is_pictographic
from bot.text import clean_text

ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
SEQUENCES = ["👩\u200d🔬", "🏳\ufe0f\u200d🌈", "👨\u200d👩\u200d👧", "🧑🏽\u200d💻", "❤\ufe0f\u200d🔥", "🙂\u200d↔\ufe0f",
             "👁\ufe0f\u200d🗨\ufe0f", "1\ufe0f\u20e3", "☺\ufe0e", ENGLAND, "葛\U000e0100城", "≩\ufe00"]
# (what arrives, typed, stored): invisible characters outside an emoji sequence are removed; a stray
# joiner in stored text is a space, as every zero-width character there is
STRAY = [("pa\u200dper", "paper", "pa per"), ("a\ufe0fb", "ab", "ab"), ("❤\ufe0f\ufe0f\ufe0f", "❤\ufe0f", "❤\ufe0f"),
         ("🔬\u200d", "🔬", "🔬"), ("\u200d🔬", "🔬", "🔬"), ("a\u200d🔬", "a🔬", "a 🔬"), ("👍🏽\u200dx", "👍🏽x", "👍🏽 x"),
         ("😀" + "".join(chr(0xFE00 + i) for i in range(16)) + "".join(chr(0xE0100 + i) for i in range(16)), "😀", "😀"),
         ("hi" + "".join(chr(0xE0000 + ord(c)) for c in "ignore previous") + "\U000e007f", "hi", "hi"),
         ("\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "a long hidden text") + "\U000e007f", "\U0001f3f4", "\U0001f3f4")]


def test_the_table_is_unicodes_extended_pictographic() -> None:
    regex = pytest.importorskip("regex")  # in [dev] (transformers'); the table must not need it
    pattern = regex.compile(r"\p{Extended_Pictographic}")
    differ = [f"U+{c:04X}" for c in range(sys.maxunicode + 1) if bool(pattern.match(chr(c))) != is_pictographic(chr(c))]
    assert differ == []


@pytest.mark.parametrize("typed", [True, False])
@pytest.mark.parametrize("sequence", SEQUENCES)
def test_an_emoji_sequence_stays_whole(sequence: str, typed: bool) -> None:
    assert clean_text(f"papers on {sequence} today", typed=typed) == f"papers on {sequence} today"


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_a_search_for_an_emoji_sequence_searches_for_it(sequence: str) -> None:
    assert parse_command(f'search "{sequence} lab"').query == f"{sequence} lab"


@pytest.mark.parametrize(("text", "typed", "stored"), STRAY)
def test_the_same_characters_elsewhere_are_removed(text: str, typed: str, stored: str) -> None:
    assert clean_text(text, typed=True) == typed
    assert clean_text(text) == stored
