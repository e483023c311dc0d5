"""A typed command is read as the person sees it, on every platform (bot.text.clean_text(typed=True)).

A zero-width space pasted with an arXiv id, a bidi mark before a word, full-width digits from an
East Asian keyboard, a no-break space: each used to make a visible, correct command fail ("/papers
today isn't a command. Did you mean /papers today?"). The text parser (Slack, the console) and
Discord's typed option values (``CommandSpec.from_options``, autocomplete) all go through the one
normalisation, and an echo shows the visible form.
"""
from __future__ import annotations

import sys
import unicodedata

import pytest

import bot.commands  # noqa: F401 - registers every command
from bot.arxiv_ids import ArxivId
from bot.commands.params import Timezone
from bot.commands.parser import parse_command
from bot.commands.spec import REGISTRY
from bot.errors import UsageError
from bot.text import FORMAT_CHARACTERS, clean_text

PAPER = ArxivId("2511.04570")


def refusal(text: str) -> str:
    with pytest.raises(UsageError) as caught:
        parse_command(text)
    return str(caught.value)


def test_the_format_class_is_every_cf_character_of_this_python() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    kept = {c for c in every if clean_text(f"a{c}b", typed=True) != "ab"}
    assert kept == set(), sorted(f"U+{ord(c):04X}" for c in kept)
    assert "\u200b" in FORMAT_CHARACTERS


@pytest.mark.parametrize("text", [
    "/papers \u200btoday 3", "/papers today\u200b 3", "/papers to\u200bday 3", "/papers \ufefftoday 3",
    "/papers \u2066today\u2069 3", "/papers \u200etoday 3", "/papers\u00a0today\u00a03", "/papers today\u3000３",
    "/papers ｔｏｄａｙ ３", "papers \u2060today\u00ad 3",
])
def test_invisible_characters_and_full_width_forms_do_not_change_a_command(text: str) -> None:
    assert parse_command(text) == parse_command("/papers today 3")


@pytest.mark.parametrize("text", [
    "/papers paper 2511.04570\u200b", "/papers paper \u200b2511.04570", "/papers paper ２５１１.０４５７０",
    "/papers paper 2511\u200c.04570", "/papers paper\u00a0https://arxiv.org/abs/2511.04570\u200d",
])
def test_a_pasted_paper_id_with_invisible_characters_is_the_paper(text: str) -> None:
    assert parse_command(text).paper == PAPER


def test_discord_typed_option_values_are_read_the_same_way() -> None:
    assert REGISTRY["paper"].from_options({"paper": "2511.04570\u200b"}).paper == PAPER
    assert REGISTRY["paper"].from_options({"paper": "２５１１.０４５７０"}).paper == PAPER
    assert REGISTRY["subscribe"].from_options({"timezone": "\u200bEurope/Berlin\u200e", "at": "０８:３０"}) \
        == parse_command("subscribe 08:30 Europe/Berlin")


def test_autocomplete_reads_what_was_typed_as_seen() -> None:
    assert Timezone().suggestions("\u200bｅｕｒｏｐｅ/ｂｅｒ")[:1] == ["Europe/Berlin"]
    assert Timezone().suggestions("new\u00a0york")[:1] == ["America/New_York"]


def test_an_echo_shows_the_visible_form_never_a_guess_equal_to_it() -> None:
    message = refusal("/papers \u200bfrobnicate")
    assert "/papers frobnicate isn't a command" in message and "\u200b" not in message
    lookalike = refusal("/papers t\u043eday 3")  # a Cyrillic о: looks like "today", is not
    assert "Did you mean /papers today?" in lookalike
    assert "cyrillic small letter o" in lookalike and "plain letters" in lookalike
    assert "\u200b" not in refusal("/papers paper 2511.0457\u200bx")


def test_an_emoji_sequence_keeps_its_joiner() -> None:
    assert clean_text("react 👩\u200d🔬\u200b", typed=True) == "react 👩\u200d🔬"
    assert clean_text("a\u200db", typed=True) == "ab"
