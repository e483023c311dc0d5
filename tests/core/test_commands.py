from datetime import date, time

import pytest

from bot.arxiv_ids import ArxivId
from bot.commands import (
    HelpCommand,
    PaperCommand,
    SubscribeCommand,
    TodayCommand,
    UnsubscribeCommand,
    WeekCommand,
    parse_command,
    parse_time,
    parse_timezone,
)
from bot.commands.params import Timezone
from bot.errors import UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", HelpCommand()),
        ("/papers", HelpCommand()),
        ("help", HelpCommand()),
        ("today", TodayCommand()),
        ("/papers today", TodayCommand()),
        ("today 3", TodayCommand(count=3)),
        ("today count=7 2025-11-05", TodayCommand(count=7, day=date(2025, 11, 5))),
        ("week", WeekCommand()),
        ("week 10 2025-W45", WeekCommand(count=10, week="2025-W45")),
        ("paper 2511.04570", PaperCommand(ArxivId("2511.04570"))),
        ("paper https://arxiv.org/pdf/2511.04570v2", PaperCommand(ArxivId("2511.04570", 2))),
        ("subscribe", SubscribeCommand()),
        ("subscribe 09:00 Europe/Berlin", SubscribeCommand(time(9), "Europe/Berlin")),
        ("subscribe 18:30 america/new_york 3", SubscribeCommand(time(18, 30), "America/New_York", 3)),
        ("subscribe time=7am tz=Asia/Tokyo count=10", SubscribeCommand(time(7), "Asia/Tokyo", 10)),
        ("subscribe 9pm UTC", SubscribeCommand(time(21), "UTC")),
        ("unsubscribe", UnsubscribeCommand()),
    ],
)
def test_parses_every_command(text: str, expected: object) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("today 0", ["count", "1 to 25"]),
        ("today 500", ["count", "1 to 25"]),
        ("today banana", ["banana", "/papers today"]),
        ("today 2025-13-40", ["2025-13-40", "YYYY-MM-DD"]),
        ("week 2025-W60", ["2025-W60", "/papers week"]),
        ("paper", ["exactly one paper"]),
        ("paper nonsense", ["nonsense", "Accepted"]),
        ("subscribe 25:00", ["25:00", "HH:MM"]),
        ("subscribe 09:00 Mars/Olympus", ["Mars/Olympus", "IANA name"]),
        ("subscribe 09:00 Europe/Berlin whenever", ["whenever", "/papers subscribe"]),
        ("unsubscribe now", ["no arguments"]),
        ("frobnicate", ["/papers frobnicate isn't a command", "today", "/papers help"]),
        ('today "unclosed', ["quotes"]),
    ],
)
def test_bad_arguments_say_what_was_wrong_and_what_is_accepted(text: str, names: list[str]) -> None:
    with pytest.raises(UsageError) as err:
        parse_command(text)
    for name in names:
        assert name in str(err.value)


def test_time_forms() -> None:
    assert parse_time("9") == time(9)
    assert parse_time("12am") == time(0)
    assert parse_time("12pm") == time(12)
    with pytest.raises(UsageError):
        parse_time("13pm")


def test_timezone_case_insensitive() -> None:
    assert parse_timezone("europe/berlin") == "Europe/Berlin"
    assert parse_timezone("utc") == "UTC"


@pytest.mark.parametrize("zone", ["CET", "EST5EDT", "GB", "cet", "Japan", "PST8PDT"])
def test_a_legacy_iana_zone_is_accepted_as_a_bare_word_as_with_tz(zone: str) -> None:
    expected = parse_timezone(zone)
    assert parse_command(f"subscribe 09:00 {zone}") == SubscribeCommand(time(9), expected)
    assert parse_command(f"subscribe 09:00 tz={zone} 3") == SubscribeCommand(time(9), expected, 3)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("EST", ["America/New_York", "Etc/GMT+5", "UTC−5 all year"]), ("MST", ["America/Denver", "America/Phoenix"]),
     ("HST", ["Pacific/Honolulu"]), ("pst", ["America/Los_Angeles"]), ("tz=EST", ["America/New_York"]),
     ("IST", ["Asia/Kolkata", "Europe/Dublin"])],
)
def test_a_zone_abbreviation_is_refused_with_the_zones_it_may_mean_never_itself(typed: str, meant: list[str]) -> None:
    with pytest.raises(UsageError) as err:
        parse_command(f"subscribe 09:00 {typed}")
    message = str(err.value)
    abbreviation = typed.removeprefix("tz=").upper()
    assert f"'{abbreviation}' is an abbreviation" in message and "/papers subscribe" in message
    assert f"Did you mean {abbreviation}" not in message and f"Did you mean {abbreviation}?" not in message
    for zone in meant:
        assert zone in message


def test_a_did_you_mean_never_repeats_what_was_typed() -> None:
    for word in ("EST", "MST", "HST", "CET", "EST5EDT", "GB", "Berln", "europe/berln"):
        near = Timezone().near(word)
        assert near is None or near.lower() != word.lower()
        assert "EST" not in Timezone().suggest("es")
