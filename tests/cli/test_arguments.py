"""The CLI's arguments say what was wrong and what is accepted, in the core's words, with exit code 2."""
from __future__ import annotations

import pytest

from bot.commands.params import Count
from paperbot.cli import build_parser


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(list(argv))
    assert exit_.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("count", ["-2", "0", "26", "999", "five"])
def test_digest_count_has_the_chat_commands_bound_and_words(capsys: pytest.CaptureFixture[str], count: str) -> None:
    err = refused(capsys, "digest", "--count", count)
    assert f"count '{count}' is not accepted: give a whole number from 1 to 25." in err
    assert Count().accepts in err


def test_digest_count_within_the_bound_is_taken() -> None:
    assert build_parser().parse_args(["digest", "--count", "25"]).count == 25
