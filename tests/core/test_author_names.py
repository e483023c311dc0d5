"""Author names are checked once, at the edge (bot.commands.params.author_name), wherever one is taken:
`/papers follow`, and `include_authors` / `exclude_authors` of `/papers settings` and `/papers dm settings`.

A name as arXiv lists it has letters (accents and other scripts too), spaces, hyphens, apostrophes
and dots. A mention (@everyone, <@U1>, <!here>), a URL or markup is not a name: stored as one, it
would be shown back as one in every `/papers prefs` and home page.
"""
from __future__ import annotations

import pytest

import bot.commands  # noqa: F401 - registers every command
from bot.commands.parser import parse_command
from bot.commands.spec import REGISTRY
from bot.errors import UsageError

NAMES = ["Ada Lovelace", "Jean-Luc O'Neil", "Jean-Luc O’Neil", "Zoë Müller-Ström", "J. R. R. Tolkien", "李小龙",
         "Nguyễn Văn An", "Ólafur Arnalds"]
NOT_NAMES = ["@everyone", "@here", "<@U123>", "<!channel>", "<#C1>", "https://evil.example", "evil.example/x",
             "[a](x)", "**bold**", "`code`", "<script>", "&amp;", "1234", "...", "Ada @everyone", "-"]


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
    assert "letters (accents too), spaces, hyphens, apostrophes and dots" in message


def test_discord_options_are_checked_by_the_same_rule() -> None:
    with pytest.raises(UsageError, match="is not an author's name"):
        REGISTRY["follow"].from_options({"author": "@everyone"})
    assert REGISTRY["follow"].from_options({"author": "Ada Lovelace"}).author == "Ada Lovelace"
