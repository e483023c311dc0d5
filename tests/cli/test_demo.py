"""`paperbot demo` end to end, as a newcomer runs it: a real process, piped commands, a real SQLite file."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.taste.onnx_embedder import OnnxEmbedder
from tests.harness.demo import embedded_sample_demo, run_demo
from tests.harness.head_schema import HeadSchemas

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.real_model  # the demo embeds the sample with the configured model; the restart ranks by taste
def test_demo_posts_a_digest_and_a_reaction_survives_a_restart(tmp_path: Path) -> None:
    first = run_demo(tmp_path, "react 2 👍\nreact 1 -1\nquit\n")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "── Top 5 papers of Fri 7 Nov 2025 ──" in out
    assert "[1] Thinking with Video: Video Generation as a Promising Multimodal Reasoning Paradigm" in out
    assert "why: trending: 242 upvotes" in out
    assert "https://arxiv.org/abs/2511.04570" in out
    assert "👍 from you recorded on post 2" in out
    assert "👎 from you recorded on post 1" in out
    # The store is a real file in the user data directory.
    assert (tmp_path / "data" / "paperbot" / "demo.sqlite3").exists()
    # First start: the model's loading and the embedding, as plain lines on stderr (piped), and no
    # loading bars of the model's own libraries among them.
    assert "Loading the ranking model…\nRanking model loaded in " in first.stderr
    assert "Embedding 106 papers: done in " in first.stderr and "Personal ranking ready" in first.stderr
    assert "Loading weights" not in first.stderr and "\r" not in first.stderr

    second = run_demo(tmp_path, "posts\n")
    assert second.returncode == 0, second.stderr
    assert "Embedding" not in second.stderr  # the vectors were stored
    assert "[2] " in second.stdout and "👍1" in second.stdout
    assert "[1] Thinking with Video" in second.stdout and "👎1" in second.stdout
    # The restart posted today's digest again as posts 6–10, numbered after the first five, now
    # ranked by what the channel taught it (bot.taste): the 👍 paper leads, the 👎 one left the top.
    assert "[6] V-Thinker" in second.stdout and "[6] Thinking with Video" not in second.stdout


@pytest.mark.real_model
def test_demo_commands_and_errors(tmp_path: Path, head_schemas: HeadSchemas,
                                  real_embedder: OnnxEmbedder) -> None:
    asyncio.run(embedded_sample_demo(tmp_path, head_schemas, real_embedder))  # not a first start: the sample is embedded
    result = run_demo(
        tmp_path,
        "\n".join(
            [
                "/papers paper https://arxiv.org/abs/2511.04570v2",
                "/papers today 2 2025-11-03",
                "/papers subscribe 09:00 Europe/Berlin",
                "/papers subscribe 09:00 Mars/Base",
                "/papers today 99",
                "react 42 👍",
                "unreact 1 👍",
                "frobnicate",
                "help",
                "quit",
                "/papers today",  # never reached
            ]
        ),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Sora-2" in out  # the full abstract of 2511.04570
    assert "── Top 2 papers of Mon 3 Nov 2025 ──" in out
    assert "Subscribed: this channel gets the top 5 papers on Mon–Fri at 09:00 Europe/Berlin." in out
    assert "⚠ 'Mars/Base' is not a time zone" in out
    assert "⚠ count '99' is not accepted: give a whole number from 1 to 25." in out
    assert "There is no post 42 in this channel" in out
    assert "you had no 👍 on post 1 (“" in out  # the paper named, as react and unreact name it
    assert "Unknown input 'frobnicate'" in out
    assert "react <post number> <emoji>" in out
    assert out.rstrip().endswith("Bye.")
    assert out.count("── Top") == 2


@pytest.mark.real_model
def test_demo_on_a_users_own_snapshot(tmp_path: Path) -> None:
    source = ROOT / "bot" / "data" / "sample" / "daily_papers_2025-11-05.json"
    items = json.loads(source.read_text())[:3]
    items[0]["paper"]["title"] = "\x1b[31mRed\x1b[0m title @everyone"
    snapshot = tmp_path / "mine.json"
    snapshot.write_text(json.dumps(items))
    result = run_demo(tmp_path, "quit\n", "--sample", str(snapshot), "--db", f"sqlite+aiosqlite:///{tmp_path / 'own.db'}")
    assert result.returncode == 0, result.stderr
    assert "3 papers from" in result.stdout
    assert "── Top 3 papers of Wed 5 Nov 2025 ──" in result.stdout
    assert "\x1b" not in result.stdout  # escape sequences from untrusted titles never reach the terminal
    assert (tmp_path / "own.db").exists()


def test_demo_rejects_a_sample_that_is_not_daily_papers(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a list"}')
    result = run_demo(tmp_path, "quit\n", "--sample", str(bad))
    assert result.returncode == 1
    assert str(bad) in result.stderr
