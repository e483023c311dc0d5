"""Where the console's input lines come from: a prompt with line editing, or plain lines from a pipe.

On a terminal (stdin and stdout both terminals) the demo reads with prompt_toolkit: arrow keys edit
the line, ↑/↓ recall earlier commands (kept in a history file), and output printed while a line is
being typed goes above the prompt instead of through it. Anywhere else (a pipe, a file, tests) it
reads plain lines, as scripts expect.

Ctrl-C at the prompt raises :class:`KeyboardInterrupt` from :meth:`LineInput.read` (the caller leaves
with exit code 130); Ctrl-D or the end of input gives None.
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, TextIO

PROMPT = "> "


class LineInput(Protocol):
    async def read(self) -> str | None:
        """The next line (without its end), or None at the end of input."""
        ...

    def output_guard(self) -> contextlib.AbstractContextManager[None]:
        """A context in which printing keeps the line being typed intact."""
        ...


class PipedInput:
    """Plain lines from a pipe or file, read in a daemon thread.

    Not ``asyncio.to_thread``: a blocking ``readline`` in the default executor keeps the process
    alive at exit until the next line arrives (on a terminal: until Enter), which is why Ctrl-C used
    to wait for Enter. A daemon thread is abandoned at exit.
    """

    def __init__(self, stream: TextIO, *, prompt: TextIO | None = None) -> None:
        self._stream = stream
        self._prompt = prompt  # where to print "> " (a terminal without line editing), if anywhere

    async def read(self) -> str | None:
        if self._prompt is not None:
            self._prompt.write(PROMPT)
            self._prompt.flush()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()

        def read_line() -> None:
            try:
                line = self._stream.readline()
            except (OSError, ValueError):  # closed or unreadable: the end of input
                line = ""
            with contextlib.suppress(RuntimeError):  # the loop closed while reading: nobody waits
                loop.call_soon_threadsafe(_settle, future, line)

        threading.Thread(target=read_line, name="console-input", daemon=True).start()
        line = await future
        return line.rstrip("\r\n") if line else None

    @contextlib.contextmanager
    def output_guard(self) -> Iterator[None]:
        yield


class PromptInput:
    """prompt_toolkit's line editor with a persistent history file (None: this session's lines only).

    ``status``: a line about work going on behind the prompt (None when there is none), shown as the
    prompt's bottom toolbar and refreshed twice a second while there is one.
    """

    def __init__(self, history_file: Path | None, *, status: Callable[[], str | None] | None = None) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory, History, InMemoryHistory

        history: History = InMemoryHistory()
        if history_file is not None:
            history_file.parent.mkdir(parents=True, exist_ok=True)
            history = FileHistory(str(history_file))
        self._session: PromptSession[str] = PromptSession(history=history)
        self._status = status

    def _toolbar(self) -> str:
        text = self._status() if self._status else None
        if text is None:
            self._session.bottom_toolbar = None  # hidden from the next redraw on
        return text or ""

    async def read(self) -> str | None:
        busy = self._status is not None and self._status() is not None
        self._session.bottom_toolbar = self._toolbar if busy else None
        try:
            # handle_sigint=False: the terminal is raw while prompting, so Ctrl-C arrives as a key
            # (KeyboardInterrupt from here); a SIGINT from elsewhere goes to the demo's own handler.
            return await self._session.prompt_async(PROMPT, handle_sigint=False, refresh_interval=0.5 if busy else 0)
        except EOFError:  # Ctrl-D
            return None

    def output_guard(self) -> contextlib.AbstractContextManager[None]:
        from prompt_toolkit.patch_stdout import patch_stdout

        return patch_stdout()


def _settle(future: asyncio.Future[str], line: str) -> None:
    if not future.done():  # cancelled meanwhile (Ctrl-C): nothing to deliver
        future.set_result(line)


def editable(stdin: TextIO, stdout: TextIO) -> bool:
    """Whether a person types at a terminal that shows the output: the line editor's case."""
    return stdin.isatty() and stdout.isatty()
