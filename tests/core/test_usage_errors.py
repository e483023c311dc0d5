"""Usage errors stay short and readable by rule (bot/commands/usage.py), whatever was typed wrong.

Every command is fed a word nothing takes, a bad value for each named option and, when it has a
required parameter, nothing at all; unknown commands get a "did you mean" when one is close. Each
reply is at most MAX_REPLY characters, no paragraph is longer than PARAGRAPH, none ends in '..',
and Slack shows our own words (a time zone, an option name) without zero-width spaces.
"""
from __future__ import annotations

import pytest

import bot.commands  # noqa: F401 - registers every command
from adapters.slack.commands import failure_text
from bot.commands.helptext import command_help
from bot.commands.params import Timezone, parse_timezone
from bot.commands.parser import parse_command
from bot.commands.spec import specs
from bot.commands.usage import MAX_REPLY, closest_command
from bot.errors import UsageError

PARAGRAPH = 240


def bad_inputs() -> list[str]:
    texts = ["frobnicate", "todya", "sub 09:00", "x" * 5000, "help nosuchthing", "subscribe 09:00 Berln",
             "subscribe 09:00 Berlin", "dm on 08:30 Paris", "recap on someday 16:00", "subscribe 25:00"]
    for spec in specs():
        texts.append(f"{spec.name} qqzzx zzqqx")
        texts.extend(f"{spec.name} {p.name}:@@@{'x' * 80}" for p in spec.params if not p.positional)
        if any(p.required for p in spec.params):
            texts.append(spec.name)
    return texts


def refusal(text: str) -> str | None:
    try:
        parse_command(text)
    except UsageError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("text", bad_inputs())
def test_every_usage_error_is_short_in_short_paragraphs(text: str) -> None:
    message = refusal(text)
    if message is None:
        return  # accepted (a free-text command takes any words)
    assert len(message) <= MAX_REPLY, message
    assert max(len(line) for line in message.splitlines()) <= PARAGRAPH, message
    assert ".." not in message.replace("…", ""), message
    slack = failure_text(UsageError(message))
    assert "\u200b_" not in slack.replace("'\u200b_", ""), slack  # our own words are not broken up


def test_an_unknown_command_is_one_short_line_with_a_guess_and_where_to_look() -> None:
    message = refusal("todya")
    assert message == ("/papers todya isn't a command. Did you mean /papers today? Try week, paper, search or "
                       "subscribe, or /papers help for all of them.")
    assert "Did you mean" not in (refusal("xyzzy") or "") and "/papers help" in (refusal("xyzzy") or "")
    assert closest_command("sub") == "subscribe" and closest_command("serach") == "search"
    assert closest_command("s") is None  # several begin with it: no guess
    with pytest.raises(UsageError) as err:
        command_help("todya")  # /papers help todya
    assert str(err.value) == message


def test_a_usage_error_says_what_was_wrong_then_the_usage_line_without_the_summary() -> None:
    message = refusal("today banana") or ""
    first, usage, pointer = message.splitlines()
    assert first.startswith("'banana' is not accepted here: it is not")
    assert usage == "Usage: /papers today [mine] [count] [YYYY-MM-DD]"
    assert pointer == "/papers help today says what each part accepts."


@pytest.mark.parametrize(("typed", "meant"), [("Berlin", "Europe/Berlin"), ("berlin", "Europe/Berlin"),
                                              ("new york", "America/New_York"), ("New York", "America/New_York"),
                                              ("Kolkata", "Asia/Kolkata"), ("Tokio", "Asia/Tokyo"),
                                              ("Europe/Berln", "Europe/Berlin")])
def test_an_unknown_time_zone_suggests_the_zone_of_its_city(typed: str, meant: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_timezone(typed)
    message = str(err.value)
    assert message.startswith(f"'{typed}' is not a time zone. Did you mean {meant}")
    assert message.endswith("Use an IANA name such as Europe/Paris, America/New_York or UTC.")


def test_subscribe_and_dm_on_suggest_the_zone_too_and_a_misspelt_city_is_caught() -> None:
    assert "Did you mean Europe/Berlin?" in (refusal("subscribe 09:00 Berlin") or "")
    assert "Did you mean Europe/Paris?" in (refusal("dm on 08:30 Paris") or "")
    assert (refusal("subscribe 09:00 Berln") or "").startswith("'Berln' is not accepted here. Did you mean Europe/Berlin?")
    assert "Did you mean" not in (refusal("today qqzzx") or "")


def test_the_time_zone_autocomplete_finds_a_city_typed_with_a_space() -> None:
    assert Timezone().suggest("new york")[0] == "America/New_York"
    assert Timezone().suggest("berl")[0] == "Europe/Berlin"
