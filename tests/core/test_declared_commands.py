"""A subcommand declared once appears in the text parser, the help and the Discord options.

Nothing else is touched: the declaration below is the whole of the new command.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import get_args, get_type_hints

import pytest
from discord import AppCommandOptionType

from adapters.discord.commands import papers_group
from bot.commands import REGISTRY, CommandSpec, command, command_help, help_text, parse_command, specs, unregister
from bot.commands.params import Choice, Count, Day, Flag, Param, Text, TimeOfDay
from bot.domain import Requester
from bot.errors import UsageError
from bot.replies import DigestReply, PaperReply, TextReply
from bot.usecases.digests import DigestUseCases


@pytest.fixture
def echo() -> Iterator[type]:
    @command("echo", "says the words back, louder or not", order=5, params=(
        Param("loud", Flag(["loud"]), "shout them"),
        Param("times", Count(maximum=3), "how many times (1–3)"),
        Param("since", Day(), "a day, just to show it"),
        Param("at", TimeOfDay(), "a time of day"),
        Param("tone", Choice(["dry", "warm"]), "how it sounds", positional=False),
        Param("words", Text("words…", max_length=50), "what to say", required=True, missing="say something: /papers echo <words…>"),
    ))
    @dataclass(frozen=True)
    class EchoCommand:
        words: str
        loud: bool = False
        times: int | None = None
        since: date | None = None
        at: time | None = None
        tone: str | None = None

        async def execute(self, requester: Requester, digests: DigestUseCases) -> TextReply:
            text = " ".join([self.words.upper() if self.loud else self.words] * (self.times or 1))
            return TextReply(f"echo: {text}")

    yield EchoCommand
    unregister("echo")


def test_the_text_parser_reads_the_declaration(echo: type) -> None:
    assert parse_command("echo hello world") == echo("hello world")
    assert parse_command("echo loud 3 hi there 2025-11-07 9am tone:warm") == echo(
        "hi there", loud=True, times=3, since=date(2025, 11, 7), at=time(9), tone="warm")
    assert parse_command("/papers echo times=2 words:hi") == echo("hi", times=2)
    for text, says in (("echo", "say something"), ("echo 4 hi", "1 to 3"), ("echo hi tone:loud", "one of dry, warm"),
                       ("echo hi 2025-13-01", "not a date"), ("echo " + "x" * 60, "at most 50")):
        with pytest.raises(UsageError, match=says) as err:
            parse_command(text)
        assert "/papers echo" in str(err.value)


def test_the_help_lists_it_in_its_declared_order(echo: type) -> None:
    usage = "/papers echo [loud] [count] [YYYY-MM-DD] [HH:MM] [tone:dry|warm] <words…> — says the words back, louder or not"
    assert REGISTRY["echo"].usage == usage
    lines = help_text().splitlines()
    assert lines[1].strip() == usage  # order=5: before /papers today (10)
    assert [s.name for s in specs()][:2] == ["echo", "today"]
    detail = command_help("echo")
    assert "tone:dry|warm — how it sounds (one of dry, warm)" in detail and "<words…> — what to say" in detail


def test_the_discord_options_come_from_it(echo: type) -> None:
    group = papers_group()
    echo_command = group.get_command("echo")
    assert echo_command is not None and echo_command.description == "says the words back, louder or not"
    options = {p.name: p for p in echo_command.parameters}
    assert list(options) == ["words", "loud", "times", "since", "at", "tone"]  # required first, as Discord wants
    assert options["words"].required and options["words"].type is AppCommandOptionType.string
    assert options["words"].max_value == 50  # a string option's max_value is its length
    assert options["loud"].type is AppCommandOptionType.boolean
    assert options["times"].type is AppCommandOptionType.integer
    assert (options["times"].min_value, options["times"].max_value) == (1, 3)
    assert [c.value for c in options["tone"].choices] == ["dry", "warm"]
    assert options["at"].autocomplete and not options["since"].autocomplete
    assert options["times"].description == "how many times (1–3)"


def test_discord_typed_values_go_straight_to_the_command(echo: type) -> None:
    spec = REGISTRY["echo"]
    assert spec.from_options({"words": "hi", "times": 2, "loud": True, "at": "18:30", "tone": None}) == echo(
        "hi", loud=True, times=2, at=time(18, 30))
    with pytest.raises(UsageError, match="1 to 3"):
        spec.from_options({"words": "hi", "times": 9})
    with pytest.raises(UsageError, match="say something"):
        spec.from_options({"times": 2})


def test_every_declared_command_fits_discords_rules() -> None:
    import re

    group = papers_group()
    assert len(group.commands) == len(specs()) <= 25
    for cmd in group.commands:
        assert re.fullmatch(r"[-_a-z0-9]{1,32}", cmd.name) and 1 <= len(cmd.description) <= 100
        assert len(cmd.parameters) <= 25
        for parameter in cmd.parameters:
            assert re.fullmatch(r"[-_a-z0-9]{1,32}", parameter.name) and 1 <= len(parameter.description) <= 100


def publishes(spec: CommandSpec) -> bool:
    """Whether the command's answer is published (posted and recorded where it was run): a digest or a paper."""
    returned = get_type_hints(spec.command.execute)["return"]
    return any(isinstance(kind, type) and issubclass(kind, DigestReply | PaperReply) for kind in get_args(returned) or (returned,))


def test_only_the_commands_that_publish_concern_the_thread_they_are_run_in() -> None:
    """The default (the channel) answers for the channel; a publication answers where it was run — in a
    Discord forum post, in the post (recorded as the forum's). A new command that publishes and forgets
    to say so fails here, not in a forum."""
    declared = {spec.name: spec.concerns_thread for spec in specs()}
    assert {name for name, in_thread in declared.items() if in_thread} == {
        spec.name for spec in specs() if publishes(spec)} == {"today", "week", "paper", "similar", "search", "tune"}
    assert not declared["ask"] and not declared["schedule"] and not declared["like"] and not declared["stats"]
