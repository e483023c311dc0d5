"""`paperbot demo` with piped input: progress on stderr as plain lines, numbered posts for every
posted paper (so `react` works on them), and the scripted conversation on stdout as before.

A real `paperbot demo` process on a real SQLite file; the hash embedder stands in for the model.
"""
from __future__ import annotations

import re
from pathlib import Path

from tests.harness.demo import run_demo


def test_progress_goes_to_stderr_as_plain_lines_and_only_on_first_start(tmp_path: Path) -> None:
    first = run_demo(tmp_path, "quit\n", embedder="hash")
    assert first.returncode == 0, first.stderr
    timed = re.sub(r"[0-9]+\.[0-9] s", "N s", first.stderr)
    assert timed.splitlines() == [
        "Loading the ranking model…",
        "Ranking model loaded in N s.",
        "Embedding 106 papers…",
        "Embedding 106 papers: 32/106",
        "Embedding 106 papers: 64/106",
        "Embedding 106 papers: 96/106",
        "Embedding 106 papers: done in N s",
        "Personal ranking ready: reactions now shape the next digests.",
    ]
    assert "\r" not in first.stderr  # no carriage-return bars in a pipe
    # stdout is the conversation only: banner, digest, the echoed commands
    assert "── Top 5 papers of Fri 7 Nov 2025 ──" in first.stdout
    assert "Embedding" not in first.stdout and "Loading" not in first.stdout
    assert first.stdout.rstrip().endswith("> quit\nBye.")

    second = run_demo(tmp_path, "quit\n", embedder="hash")  # vectors stored: nothing to embed, nothing shown
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert "── Top 5 papers of Fri 7 Nov 2025 ──" in second.stdout


def test_the_end_of_piped_input_leaves_with_0_and_no_prompt_is_printed(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "time\n", embedder="hash")
    assert result.returncode == 0, result.stderr
    assert "> time\nDemo time: " in result.stdout
    assert not (tmp_path / "data" / "paperbot" / "demo_history").exists()  # history is the line editor's only


def test_every_posted_paper_gets_a_number_that_react_works_on(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "\n".join([
        "/papers paper 2511.04570",
        "react 6 👍",
        "/papers similar 2511.04570 2",
        "react 8 🔥",
        "/papers search video generation",
        "react 9 -1",
        "posts",
        "quit",
    ]) + "\n", embedder="hash")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    paper = out.split("> /papers paper 2511.04570\n", 1)[1].split("> react 6", 1)[0]
    assert paper.startswith("[6] Thinking with Video: Video Generation as a Promising Multimodal Reasoning Paradigm")
    assert "React with: react <number> 👍" in paper
    assert "👍 from you recorded on post 6 (“Thinking with Video: Video Generation as a…”): more papers like this one." in out
    similar = out.split("> /papers similar", 1)[1].split("> react 8", 1)[0]
    assert re.search(r"^\[7\] ", similar, re.M) and re.search(r"^\[8\] ", similar, re.M)
    assert "🔥 from you recorded on post 8" in out
    search = out.split("> /papers search", 1)[1].split("> react 9", 1)[0]
    assert re.search(r"^\[9\] ", search, re.M)
    assert "👎 from you recorded on post 9" in out
    posts = out.split("> posts\n", 1)[1]
    assert re.search(r"^\[6\] Thinking with Video.* — 👍1$", posts, re.M)
    assert re.search(r"^\[8\] .* — 🔥1$", posts, re.M) and re.search(r"^\[9\] .* — 👎1$", posts, re.M)


def test_a_model_that_cannot_load_is_one_plain_line_on_stderr_and_the_script_goes_on(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "react 1 👍\nquit\n", embedder="broken")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "Loading the ranking model…",
        "⚠ The ranking model could not be prepared: the model's files are missing. Digests of channels with no "
        "reactions still work (trending order); `--log-level DEBUG` shows the details.",
    ]
    assert "── Top 5 papers of Fri 7 Nov 2025 ──" in result.stdout
    assert "👍 from you recorded on post 1" in result.stdout
