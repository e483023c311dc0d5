"""A small Dockerfile and .dockerignore reader, for the instructions paperbot's Dockerfile uses.

No container engine runs in CI, so ``.ci/dockerfile-steps`` carries the Dockerfile's steps out by
hand and ``tests/test_deploy_files.py`` checks what the image would be; both read it through here.
Supported: FROM, ARG, ENV, WORKDIR, COPY, RUN, USER, EXPOSE, VOLUME, HEALTHCHECK, CMD — anything
else is refused by name, so the Dockerfile cannot grow a step that CI silently skips.
Lines follow Docker's rules: ``#`` comments, ``\\`` continuations, shell form or JSON (exec) form,
``$VAR``/``${VAR}`` expanded from ARG/ENV in the instructions Docker expands them in.
"""
from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED = ("FROM", "ARG", "ENV", "WORKDIR", "COPY", "RUN", "USER", "EXPOSE", "VOLUME", "HEALTHCHECK", "CMD")
EXPANDED = ("ENV", "WORKDIR", "COPY", "USER", "EXPOSE", "VOLUME")  # Docker substitutes variables in these


class DockerfileError(ValueError):
    """The Dockerfile uses something this reader (and so CI) does not carry out."""


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str  # the text after the keyword, continuations joined, variables expanded where Docker does
    line: int
    flags: dict[str, str] = field(default_factory=dict)  # --chown=…, --interval=…

    def command(self) -> list[str] | str:
        """RUN/CMD/HEALTHCHECK CMD: a list for the exec (JSON) form, a string for the shell form."""
        text = self.args
        if self.keyword == "HEALTHCHECK":
            if not text.upper().startswith("CMD "):
                raise DockerfileError(f"line {self.line}: HEALTHCHECK must be 'HEALTHCHECK [options] CMD …'")
            text = text[4:].strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                return text  # Docker too treats a malformed JSON form as a shell command
            if isinstance(parsed, list) and all(isinstance(part, str) for part in parsed):
                return [str(part) for part in parsed]
        return text

    def argv(self) -> list[str]:
        """The command as an argv: the exec form as is, the shell form run by /bin/sh -c (as Docker does)."""
        command = self.command()
        return command if isinstance(command, list) else ["/bin/sh", "-c", command]


@dataclass
class Dockerfile:
    instructions: list[Instruction]

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.of(keyword)
        return found[-1] if found else None

    @property
    def base(self) -> str:
        return self.instructions[0].args

    @property
    def user(self) -> str:
        """The user CMD runs as (the last USER), root when there is none."""
        last = self.last("USER")
        return last.args if last else "root"

    def env(self) -> dict[str, str]:
        """The image's environment: every ENV, in order (ARG values do not outlive the build)."""
        values: dict[str, str] = {}
        for instruction in self.of("ENV"):
            values.update(env_pairs(instruction))
        return values


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with continuations joined and comments dropped, each with the line number it started on."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and pending):  # comments and blank lines inside a continuation
            continue
        if not stripped:
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        yield start, " ".join(part for part in pending if part)
        pending = []
    if pending:
        raise DockerfileError(f"line {start}: the last instruction ends with a continuation '\\'")


_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def expand(text: str, values: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` from ``values`` (an unknown one becomes empty, as in Docker)."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1) or m.group(2), ""), text)


def env_pairs(instruction: Instruction) -> dict[str, str]:
    """ENV ``KEY=value KEY2="quoted value"`` (or the old ``ENV KEY value`` form)."""
    words = shlex.split(instruction.args)
    if words and "=" not in words[0]:
        return {words[0]: instruction.args.split(None, 1)[1] if len(words) > 1 else ""}
    pairs: dict[str, str] = {}
    for word in words:
        if "=" not in word:
            raise DockerfileError(f"line {instruction.line}: ENV expects KEY=value, got {word!r}")
        key, value = word.split("=", 1)
        pairs[key] = value
    return pairs


def _flags(args: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    while args.startswith("--"):
        word, _, rest = args.partition(" ")
        name, _, value = word[2:].partition("=")
        flags[name] = value
        args = rest.strip()
    return flags, args


def parse(text: str) -> Dockerfile:
    """Read a Dockerfile; a DockerfileError names the line of anything unsupported."""
    instructions: list[Instruction] = []
    values: dict[str, str] = {}
    for number, line in _logical_lines(text):
        if line.lower().startswith("# syntax="):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword not in SUPPORTED:
            raise DockerfileError(f"line {number}: {keyword} is not supported here (supported: {', '.join(SUPPORTED)})")
        if not instructions and keyword not in ("FROM", "ARG"):
            raise DockerfileError(f"line {number}: a Dockerfile starts with FROM (or ARG), not {keyword}")
        args = args.strip()
        flags: dict[str, str] = {}
        if keyword in ("COPY", "HEALTHCHECK"):
            flags, args = _flags(args)
        if keyword in EXPANDED:
            args = expand(args, values)
        instruction = Instruction(keyword, args, number, flags)
        if keyword == "ARG":
            name, _, default = args.partition("=")
            values.setdefault(name.strip(), default.strip())
        elif keyword == "ENV":
            values.update(env_pairs(instruction))
        instructions.append(instruction)
    if not instructions or not any(i.keyword == "FROM" for i in instructions):
        raise DockerfileError("the Dockerfile has no FROM")
    if sum(i.keyword == "FROM" for i in instructions) > 1:
        raise DockerfileError("multi-stage builds (several FROM) are not supported here")
    return Dockerfile(instructions)


def load(path: Path) -> Dockerfile:
    return parse(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------- .dockerignore


@dataclass(frozen=True)
class _Rule:
    pattern: str
    exclude: bool  # False: a "!pattern" exception


def _rules(text: str) -> list[_Rule]:
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        if pattern not in ("", "."):
            rules.append(_Rule(pattern, exclude))
    return rules


def _segment(part: str) -> str:
    """One path segment of a pattern as a regex: ``*`` and ``?`` never cross a ``/``; ``[…]`` is a class."""
    out, i = "", 0
    while i < len(part):
        char = part[i]
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[" and "]" in part[i + 1:]:
            end = part.index("]", i + 1)
            body = part[i + 1:end]
            out += "[" + ("^" + body[1:] if body.startswith("^") else body) + "]"
            i = end
        else:
            out += re.escape(char)
        i += 1
    return out


def _matches(pattern: str, path: str) -> bool:
    """Docker's matching: Go's filepath.Match per path segment, ``**`` for any number of segments;
    a pattern matching a folder matches everything inside it."""
    parts = pattern.split("/")
    regex = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:[^/]+/)*"
        else:
            regex += _segment(part) + ("" if last else "/")
    return re.fullmatch(f"{regex}(?:/.*)?", path) is not None


class DockerIgnore:
    """Which files of a build context a COPY sees: later rules win, ``!`` re-includes."""

    def __init__(self, text: str) -> None:
        self.rules = _rules(text)

    def excluded(self, relative: str) -> bool:
        verdict = False
        for rule in self.rules:
            if _matches(rule.pattern, relative):
                verdict = rule.exclude
        return verdict

    def files(self, context: Path) -> Iterator[Path]:
        """Every file of ``context`` that is sent to the build (paths relative to it), in a stable order."""
        for folder, dirs, names in os.walk(context):
            base = Path(folder).relative_to(context)
            # a folder is pruned only when nothing inside it can be re-included by a later "!" rule
            dirs[:] = sorted(d for d in dirs if not (self.excluded((base / d).as_posix())
                                                     and not any(not r.exclude for r in self.rules)))
            for name in sorted(names):
                relative = (base / name).as_posix()
                if not self.excluded(relative):
                    yield base / name
