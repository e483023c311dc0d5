"""The demo's own words, as a newcomer meets them: one rule for what a reaction is, the same paper
name for react and unreact, each example given once, a direct message naming whom it went to, and an
empty --sample answered with what --sample takes (the demo never fetches).

A real `paperbot demo` process on a real SQLite file; the hash embedder stands in for the model.
"""
from __future__ import annotations

from pathlib import Path

from tests.harness.demo import run_demo

TITLE = "“Thinking with Video: Video Generation as a…”"  # post 1 of the first digest, 2511.04570


def test_demo_words_for_reactions_dm_and_members(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "\n".join([
        "react 1 notanemoji", "react 1 " + "a" * 80, "react 1\u200b thumbsup", "react 1 🤷", "unreact 1 👍",
        "/papers dm on", "/papers dm on 08:30 UTC", "as alice", "wait 1d", "quit",
    ]) + "\n", embedder="hash")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # one rule: a word is not an emoji however long it is; a known name or a real emoji is
    assert "> react 1 notanemoji\n'notanemoji' is not an emoji; use e.g. 👍 or :thumbsup:.\n" in out
    assert "\n'aaaaaaaaaaaaaaaaaaa…' is not an emoji; use e.g. 👍 or :thumbsup:.\n" in out
    assert "notanemoji noted" not in out
    assert f"👍 from you recorded on post 1 ({TITLE}): more papers like this one." in out
    assert "> react 1 🤷\n🤷 noted" in out
    # react and unreact name the paper alike
    assert f"👍 from you removed from post 1 ({TITLE})." in out and "(“2511.04570”)" not in out
    # the example is given once
    dm_on = out.split("> /papers dm on\n", 1)[1].split("\n", 1)[0]
    assert dm_on.count("e.g.") == 1 and dm_on.count("/papers dm on 08:30 Europe/Paris") == 1, dm_on
    # you subscribed; acting as alice, the letter does not read as hers
    assert "✉ direct message to you (the demo's first member, not alice):" in out
    assert "✉ direct message to you:" not in out


def test_a_members_own_letter_names_them(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "as alice\n/papers dm on 08:30 UTC\nwait 1d\nquit\n", embedder="hash")
    assert result.returncode == 0, result.stderr
    assert "✉ direct message to alice (you):" in result.stdout


def test_an_empty_sample_says_what_sample_takes_not_to_fetch(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    result = run_demo(tmp_path, "/papers today\nquit\n", "--sample", str(empty), embedder="hash")
    assert result.returncode == 1
    assert f"{empty} holds no papers; --sample takes a JSON file or a folder of JSON files" in result.stderr
    assert "paperbot fetch" not in result.stderr + result.stdout
