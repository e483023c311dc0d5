"""`paperbot demo` as a newcomer runs it: a real process, its data in a tmp folder.

``run_demo`` pipes commands in; ``DemoTerminal`` runs it on a pseudo-terminal (``pty``), as a person
at a terminal does: line editing, history, Ctrl-C. ``embedder="hash"`` runs the real `paperbot demo`
with the small deterministic test embedder (tests.harness.embedders.HashEmbedder) in place of the
model, for tests where the model is not the point; ``"slow"`` is the same embedder taking
``SLOW_SECONDS`` per batch in a worker thread, as the model does, so the work can be watched and
interrupted; ``"broken"`` fails every encode, as a model whose files are missing does.
``python -m tests.harness.demo hash|slow|broken demo …`` is that process.
"""
from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from tests.harness.embedders import HashEmbedder

if TYPE_CHECKING:
    from bot.taste.onnx_embedder import OnnxEmbedder
    from tests.harness.head_schema import HeadSchemas

ROOT = Path(__file__).resolve().parents[2]
Embedder = Literal["real", "hash", "slow", "broken"]
SLOW_SECONDS = 0.5  # each encode of the "slow" hash embedder: the sample's 106 papers take 4 batches, 2 s


def demo_env(tmp_path: Path, data_home: Path | None = None) -> dict[str, str]:
    """The environment of a first-time user: their data dir in ``tmp_path`` (or ``data_home``), no config file."""
    env = {**os.environ, "XDG_DATA_HOME": str(data_home or tmp_path / "data"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("PAPERBOT_CONFIG", None)
    return env


def demo_command(embedder: Embedder, *extra: str) -> list[str]:
    if embedder == "real":
        return [sys.executable, "-m", "paperbot", "demo", *extra]
    return [sys.executable, "-m", "tests.harness.demo", embedder, "demo", *extra]


def run_demo(tmp_path: Path, commands: str, *extra: str, embedder: Embedder = "real",
             data_home: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        demo_command(embedder, *extra),
        input=commands,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=demo_env(tmp_path, data_home),
        timeout=120,
    )


async def embedded_sample_demo(tmp_path: Path, head_schemas: HeadSchemas, embedder: OnnxEmbedder) -> None:
    """Put in ``tmp_path``'s demo folder the database a second start finds: the bundled sample and
    its vectors from ``embedder`` (the session's real model, which embeds each text once a session),
    nothing posted. The demo then skips embedding the sample (~8 s a process) and still loads and
    uses the real model for what it ranks, searches or answers; for tests whose point is not the
    first start's embedding (tests/cli/test_demo_piped.py and test_demo.py's restart cover that)."""
    from bot.taste.embedder import paper_text
    from bot.usecases.ingest import store_papers
    from storage.store import SqlStore
    from tests.harness.sample import sample_papers

    folder = Path(demo_env(tmp_path)["XDG_DATA_HOME"]) / "paperbot"  # the demo's user_data_dir("paperbot")
    folder.mkdir(parents=True, exist_ok=True)
    store = SqlStore.connect(await head_schemas.sqlite(folder / "demo.sqlite3"))
    try:
        papers = sample_papers()
        await store_papers(store, papers)
        vectors = embedder.encode_sync([paper_text(p) for p in papers])
        await store.save_embeddings(embedder.model_name, {p.arxiv_id: np.asarray(v, dtype=np.float32)
                                                          for p, v in zip(papers, vectors, strict=True)})
    finally:
        await store.close()


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\r")


def plain(text: str) -> str:
    """Terminal output without its escape sequences (cursor moves, colours) and carriage returns."""
    return _ANSI.sub("", text)


CURSOR_QUERY = "\x1b[6n"  # the line editor asks where the cursor is (to know the room below for its toolbar)
PROMPT_ON, PROMPT_OFF = "\x1b[?2004h", "\x1b[?2004l"  # bracketed paste: on while prompt_toolkit prompts


class DemoTerminal:
    """`paperbot demo` on a pseudo-terminal: ``send`` types, ``expect`` waits for output."""

    def __init__(self, tmp_path: Path, *extra: str, embedder: Embedder = "hash", data_home: Path | None = None) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a 120×40 window, as a terminal has
        os.set_blocking(self.master, False)
        env = {**demo_env(tmp_path, data_home), "TERM": "xterm"}
        self.process = subprocess.Popen(demo_command(embedder, *extra), stdin=slave, stdout=slave, stderr=slave,
                                        cwd=tmp_path, env=env, start_new_session=True)
        os.close(slave)
        self.output = ""
        self.ready_at = 0  # where plain(output) stood when the last prompt came up

    def _pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                data = os.read(self.master, 65536).decode("utf-8", "replace")
            except OSError:  # the child closed the terminal
                time.sleep(timeout)
                return
            self.output += data
            for _ in range(data.count(CURSOR_QUERY)):  # answer as a terminal does: row 1, column 1
                os.write(self.master, b"\x1b[1;1R")

    def expect(self, text: str, timeout: float = 60.0, *, since: int = 0) -> int:
        """Wait until ``text`` shows (escape sequences removed) after ``since``; its end offset in ``plain(output)``."""
        deadline = time.monotonic() + timeout
        while True:
            shown = plain(self.output)
            at = shown.find(text, since)
            if at >= 0:
                return at + len(text)
            if time.monotonic() > deadline or self.process.poll() is not None and not select.select([self.master], [], [], 0)[0]:
                raise AssertionError(f"{text!r} not shown within {timeout} s; the terminal showed:\n{shown[-3000:]}")
            self._pump(0.1)

    def expect_prompt(self, timeout: float = 60.0) -> None:
        """Wait until the line editor's prompt is up (it turns bracketed paste on while prompting, off
        after). Right after sending a line, expect that line's answer first: until the demo reads the
        line, the old prompt is still up."""
        deadline = time.monotonic() + timeout
        while self.output.rfind(PROMPT_ON) <= self.output.rfind(PROMPT_OFF):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"no prompt within {timeout} s; the terminal showed:\n{plain(self.output)[-3000:]}")
            self._pump(0.1)
        self.ready_at = len(plain(self.output))

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def interrupt(self) -> None:
        """SIGINT to the demo, as the terminal sends it on Ctrl-C outside the line editor."""
        os.killpg(self.process.pid, signal.SIGINT)

    def wait(self, timeout: float) -> int:
        """The exit code, draining the terminal meanwhile; AssertionError if it is still running after ``timeout``."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"the demo was still running {timeout} s later:\n{plain(self.output)[-2000:]}")
            self._pump(0.05)
        self._pump(0.05)
        return self.process.returncode

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        os.close(self.master)


class SlowHashEmbedder(HashEmbedder):
    """The hash embedder, ``SLOW_SECONDS`` per batch in a worker thread (like the model: uncancellable)."""

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        def slow() -> np.ndarray:
            time.sleep(SLOW_SECONDS)
            return self.encode_sync(texts)

        return await asyncio.to_thread(slow)


class BrokenEmbedder(HashEmbedder):
    """Every encode fails, as a model whose files are missing does."""

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise OSError("the model's files are missing")


def _main() -> int:
    """`paperbot …` with a test embedder in place of the configured model: ``python -m tests.harness.demo
    hash|slow|broken demo …`` (the ``embedder=…`` process)."""
    import paperbot.compose
    from paperbot.cli import main

    kind, *argv = sys.argv[1:]
    embedder = {"slow": SlowHashEmbedder, "broken": BrokenEmbedder}.get(kind, HashEmbedder)()

    def test_embedder(config: object) -> HashEmbedder:
        return embedder

    paperbot.compose.build_embedder = test_embedder  # type: ignore[assignment]
    return main(argv)


if __name__ == "__main__":
    sys.exit(_main())
