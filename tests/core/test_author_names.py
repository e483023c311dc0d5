"""Author names are checked once, at the edge (bot.commands.params.author_name), wherever one is taken:
`/papers follow`, and `include_authors` / `exclude_authors` of `/papers settings` and `/papers dm settings`.

A name as arXiv lists it has letters (accents and other scripts too), spaces, hyphens, apostrophes,
dots, digits, commas and an affiliation in parentheses. A mention (@everyone, <@U1>, <!here>), a URL
or markup is not a name: stored as one, it would be shown back as one in every `/papers prefs` and
home page. Invisible characters are removed before the check (a name is kept as it is seen).
"""
from __future__ import annotations

import pytest

import bot.commands  # noqa: F401 - registers every command
from bot.commands.parser import parse_command
from bot.commands.spec import REGISTRY
from bot.errors import UsageError

NAMES = ["Ada Lovelace", "Jean-Luc O'Neil", "Jean-Luc O’Neil", "Zoë Müller-Ström", "J. R. R. Tolkien", "李小龙",
         "Nguyễn Văn An", "Ólafur Arnalds", "O'Neil", "J.-P. Müller", "John Smith (MIT)", "Smith 2nd", "Zhang3",
         "J.Smith", "Jean‐Luc Picard", "Анна Иванова", "محمد علي", "Ng (Stanford University)", "A. B. Cohen",
         "Grace Hopper III"]
NOT_NAMES = ["@everyone", "@here", "<@U123>", "<!channel>", "<#C1>", "https://evil.example", "evil.example/x",
             "[a](x)", "**bold**", "`code`", "<script>", "&amp;", "1234", "...", "Ada @everyone", "-",
             "evil.example", "Ada www.evil.COM", "paperbot.io", "(MIT)", "123 (MIT)", "Ada_Lovelace", "~~Ada~~",
             "Ada|Lovelace", "Ada > Lovelace", "[Ada]", "Ada\x1b[31m"]
NAME_ONLY = ["Smith, John"]  # a comma separates names in include_authors; in `follow` it is part of the one name


@pytest.mark.parametrize("name", NAMES)
def test_an_author_name_is_followed_and_kept_as_typed(name: str) -> None:
    assert parse_command(f'follow author:"{name}"').author == name
    assert dict(parse_command(f'settings include_authors:"{name}, Grace Hopper"').changes) == {
        "include_authors": (name, "Grace Hopper")}


@pytest.mark.parametrize("text", NOT_NAMES)
@pytest.mark.parametrize("where", ['follow author:"{}"', 'settings include_authors:"Ada Lovelace, {}"',
                                   'settings exclude_authors:"{}"', 'dm settings include_authors:"{}"'])
def test_a_mention_url_or_markup_is_refused_saying_what_a_name_is(where: str, text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_command(where.format(text))
    message = str(caught.value)
    assert "is not an author's name" in message
    assert "letters of any script, spaces, hyphens, apostrophes, dots, digits, commas and parentheses" in message


def test_discord_options_are_checked_by_the_same_rule() -> None:
    with pytest.raises(UsageError, match="is not an author's name"):
        REGISTRY["follow"].from_options({"author": "@everyone"})
    assert REGISTRY["follow"].from_options({"author": "Ada Lovelace"}).author == "Ada Lovelace"


@pytest.mark.parametrize("name", NAME_ONLY)
def test_a_comma_is_part_of_a_followed_name(name: str) -> None:
    assert parse_command(f'follow author:"{name}"').author == name


@pytest.mark.parametrize("invisible", ["\u200b", "\u202e", "\u2066", "\ufeff", "\u00ad", "\x07"])
def test_an_invisible_character_is_never_stored(invisible: str) -> None:
    assert parse_command(f'follow author:"Ada{invisible} Lovelace"').author == "Ada Lovelace"


def test_the_length_bound_stays() -> None:
    assert parse_command(f'follow author:"{"A" * 200}"').author == "A" * 200
    with pytest.raises(UsageError, match="201 characters long"):
        parse_command(f'follow author:"{"A" * 201}"')
