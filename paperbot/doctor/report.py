"""What a check found, and how the report shows it: one line per check with a mark, and under a
failure the cause and the fix in plain words, indented.

The marks are ✓ ✗ – ; a terminal (or a pipe) whose encoding cannot print them gets ``ok`` /
``FAIL`` / ``skip`` instead, so the report never dies of a UnicodeEncodeError on a server console.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Literal, TextIO

Status = Literal["ok", "fail", "skip"]
UNICODE_MARKS: dict[Status, str] = {"ok": "✓", "fail": "✗", "skip": "–"}
ASCII_MARKS: dict[Status, str] = {"ok": "ok  ", "fail": "FAIL", "skip": "skip"}
WIDTH = 100


@dataclass(frozen=True)
class Check:
    """One check's outcome: ``summary`` is the line; ``cause`` and ``fix`` are shown under a failure
    (and under a skip, when they say what to configure)."""

    name: str
    status: Status
    summary: str
    cause: str = ""
    fix: str = ""

    @classmethod
    def ok(cls, name: str, summary: str) -> Check:
        return cls(name, "ok", summary)

    @classmethod
    def fail(cls, name: str, summary: str, *, cause: str = "", fix: str = "") -> Check:
        return cls(name, "fail", summary, cause, fix)

    @classmethod
    def skip(cls, name: str, summary: str, *, fix: str = "") -> Check:
        return cls(name, "skip", summary, fix=fix)


def marks_for(stream: TextIO) -> dict[Status, str]:
    """The Unicode marks if ``stream``'s encoding can print them, else the ASCII words."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        "".join(UNICODE_MARKS.values()).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return UNICODE_MARKS


class Report:
    """Prints checks as they finish (a slow check shows what was already found) and counts failures."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._marks = marks_for(stream)
        self.checks: list[Check] = []

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.status == "fail"]

    def show(self, check: Check) -> None:
        self.checks.append(check)
        self._write(f"{self._marks[check.status]} {check.name}: {check.summary}")
        for label, text in (("cause", check.cause), ("fix", check.fix)):
            if text:
                self._write(_indented(f"{label}: ", text))
        self._stream.flush()

    def line(self, text: str = "") -> None:
        self._write(text)
        self._stream.flush()

    def _write(self, text: str) -> None:
        # a value read from the config (a path, a URL) may hold what the encoding cannot print
        encoding = getattr(self._stream, "encoding", None) or "ascii"
        self._stream.write(text.encode(encoding, errors="replace").decode(encoding) + "\n")


def _indented(label: str, text: str) -> str:
    """``label`` + ``text`` wrapped under a failure's line; the text's own lines (a list of keys) are kept."""
    out: list[str] = []
    for number, paragraph in enumerate(text.splitlines() or [""]):
        first = "    " + (label if number == 0 else " " * len(label))
        rest = "    " + " " * len(label)
        out.append(textwrap.fill(paragraph.strip(), WIDTH, initial_indent=first, subsequent_indent=rest,
                                 break_long_words=False, break_on_hyphens=False) if paragraph.strip() else first.rstrip())
    return "\n".join(out)
