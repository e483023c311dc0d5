"""`paperbot demo` at a terminal (a pty): Ctrl-C, Ctrl-D, line editing and history.

The demo process is real (`paperbot demo`, its SQLite file, prompt_toolkit on a real pseudo-
terminal); the hash embedder stands in for the model, which is not the point here — except in the
one test that interrupts the real model's loading; the "slow" one (0.5 s a batch, in a worker
thread) where the ranking getting ready behind the prompt is watched.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.demo import DemoTerminal, plain


def _db(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[DemoTerminal]:
    term = DemoTerminal(tmp_path, "--db", _db(tmp_path))
    yield term
    term.close()


def _left_within(term: DemoTerminal, seconds: float) -> tuple[int, float]:
    started = time.monotonic()
    code = term.wait(seconds)
    return code, time.monotonic() - started


def test_ctrl_c_at_the_prompt_leaves_at_once_with_130(terminal: DemoTerminal) -> None:
    terminal.expect("Personal ranking ready")
    terminal.expect_prompt()
    terminal.send("\x03")
    code, took = _left_within(terminal, 5)
    assert code == 130 and took < 2
    assert "Traceback" not in terminal.output and "KeyboardInterrupt" not in terminal.output


def test_a_sigint_at_the_prompt_also_leaves_with_130(terminal: DemoTerminal) -> None:
    terminal.expect_prompt()
    terminal.interrupt()
    code, took = _left_within(terminal, 5)
    assert code == 130 and took < 2
    assert "Traceback" not in terminal.output


def test_ctrl_d_leaves_with_0(terminal: DemoTerminal) -> None:
    terminal.expect_prompt()
    terminal.send("\x04")
    assert terminal.wait(5) == 0
    assert "Traceback" not in terminal.output


def test_first_start_opens_the_prompt_at_once_and_gets_the_ranking_ready_behind_it(tmp_path: Path) -> None:
    term = DemoTerminal(tmp_path, "--db", _db(tmp_path), embedder="slow")
    try:
        term.expect_prompt()
        shown = plain(term.output)
        banner, digest = shown.find("paperbot demo — a local channel"), shown.find("── Top 5 papers of Fri 7 Nov 2025 ──")
        assert -1 < banner < digest
        assert "Personal ranking ready" not in shown  # the prompt is up before the model work is done
        term.expect("Loading the ranking model…")  # the prompt's bottom line meanwhile
        term.expect("Embedding 106 papers:")
        # the console's own words answer at once meanwhile
        started = time.monotonic()
        term.send("react 2 👍\r")
        term.expect("👍 from you recorded on post 2")
        assert time.monotonic() - started < 1.5
        assert "Personal ranking ready" not in plain(term.output)
        # a /papers command waits for the model, says so, then runs on the personal ranking
        term.expect_prompt()
        term.send("/papers today 2\r")
        waiting = term.expect("(The ranking model is still getting ready; this command runs as soon as it is.)")
        ready = term.expect("Personal ranking ready: reactions now shape the next digests. (model loaded in", since=waiting)
        term.expect("── Top 2 papers of Fri 7 Nov 2025 ──", since=ready)
        term.expect(", rated 👍", since=ready)  # post 2's paper, ranked by the 👍, says it was rated here
        term.expect_prompt()
        term.send("quit\r")
        assert term.wait(5) == 0
    finally:
        term.close()


def test_ctrl_c_while_the_ranking_gets_ready_behind_the_prompt_leaves_at_once(tmp_path: Path) -> None:
    term = DemoTerminal(tmp_path, "--db", _db(tmp_path), embedder="slow")
    try:
        term.expect("Embedding 106 papers:")
        term.send("\x03")
        code, took = _left_within(term, 5)
        assert code == 130 and took < 2
        assert "Traceback" not in term.output
    finally:
        term.close()


def test_up_arrow_recalls_the_previous_line_and_history_outlives_the_session(tmp_path: Path) -> None:
    first = DemoTerminal(tmp_path, "--db", _db(tmp_path))
    try:
        first.expect_prompt()
        first.send("time\r")
        after = first.expect("Demo time:")
        first.expect_prompt()
        first.send("\x1b[A")  # ↑: the line editor recalls `time`
        first.expect("time", since=first.ready_at)
        first.send("\r")
        first.expect("Demo time:", since=after)  # ran again
        first.expect_prompt()
        first.send("quit\r")
        assert first.wait(5) == 0
        assert "^[[A" not in plain(first.output)  # the key was taken as a key, not echoed
    finally:
        first.close()
    history = (tmp_path / "demo_history").read_text()  # beside the --db file
    assert "+time" in history and "+quit" in history

    second = DemoTerminal(tmp_path, "--db", _db(tmp_path))  # a new process: ↑ reads the history file
    try:
        second.expect_prompt()
        second.send("\x1b[A\x1b[A")  # quit, then time
        second.expect("time", since=second.ready_at)
        second.send("\r")
        second.expect("Demo time:", since=second.ready_at)
        second.expect_prompt()
        second.send("\x03")
        assert second.wait(5) == 130
    finally:
        second.close()


def test_a_model_that_cannot_load_is_one_plain_line_and_the_demo_goes_on(tmp_path: Path) -> None:
    term = DemoTerminal(tmp_path, "--db", _db(tmp_path), embedder="broken")
    try:
        term.expect("⚠ The ranking model could not be prepared: the model's files are missing. Digests of channels "
                    "with no reactions still work (trending order)")
        term.expect_prompt()
        term.send("react 1 👍\r")
        term.expect("👍 from you recorded on post 1")
        term.expect_prompt()
        term.send("quit\r")
        assert term.wait(5) == 0
        assert "Traceback" not in term.output and "OSError" not in term.output
    finally:
        term.close()


@pytest.mark.real_model  # the real model: it loads in a worker thread for seconds, which Ctrl-C must not wait for
def test_ctrl_c_while_the_model_loads_leaves_at_once(tmp_path: Path) -> None:
    term = DemoTerminal(tmp_path, "--db", _db(tmp_path), embedder="real")
    try:
        term.expect("Loading the ranking model…", 120)
        term.send("\x03")
        code, took = _left_within(term, 5)
        assert code == 130 and took < 2, plain(term.output)[-2000:]
        assert "Traceback" not in term.output
        assert "Personal ranking ready" not in plain(term.output)  # it was still loading
    finally:
        term.close()
