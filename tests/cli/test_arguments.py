"""The CLI's arguments say what was wrong and what is accepted, in the core's words, with exit code 2."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.commands.params import Count
from paperbot.cli import build_parser, main


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


def bench_help_texts() -> list[str]:
    bench = next(a for a in build_parser()._subparsers._group_actions if a.dest == "command").choices["bench"]  # type: ignore[union-attr]
    commands = next(a for a in bench._actions if a.dest == "bench_command")
    texts = []
    for sub in commands.choices.values():  # type: ignore[union-attr]
        texts.append(sub.format_help())
        texts += [str(a.default) for a in sub._actions if isinstance(a.default, str)]
    return texts


def test_bench_help_and_defaults_name_only_what_is_in_the_repository() -> None:
    root = Path(__file__).resolve().parents[2]
    for text in bench_help_texts():
        assert "notes/" not in text and "../" not in text and "shared/" not in text, text
        for path in re.findall(r"[\w./-]+/[\w.-]+\.(?:md|py)|tests/fixtures/[\w_]+", text):
            assert (root / path).exists(), f"{path} in `paperbot bench` help is not in the repository"


def test_bench_taste_needs_listings_and_says_which(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "--listings" in refused(capsys, "bench", "taste")
    code = main(["bench", "taste", "--listings", str(tmp_path), "--no-throughput", "--seeds", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"no arXiv listings in {tmp_path}: pass --listings DIR, a folder of daily_arxiv_listing_*.jsonl files" in err
    assert "benchmarks/README.md" in err
