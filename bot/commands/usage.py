"""Usage errors, worded by one rule: what was wrong in one short paragraph, then the usage line.

Every refusal of a typed command goes through here (the text parser, ``/papers help <command>``),
so none grows into a wall of text: the problem is at most :data:`MAX_PROBLEM` characters, the
usage line is the command's signature without its summary, and the whole reply at most
:data:`MAX_REPLY` (a pointer to ``/papers help <command>`` is added only when it fits). An unknown
command gets a "did you mean" when one is close (a prefix or :mod:`difflib`), and a few to try.
"""
from __future__ import annotations

import difflib
import unicodedata

from bot.commands.params import either, shown
from bot.commands.spec import REGISTRY, CommandSpec
from bot.errors import UsageError
from bot.text import sentence, shorten

MAX_PROBLEM = 200  # characters of the first paragraph: what was wrong
MAX_REPLY = 400  # characters of a whole usage error
FEATURED = ("today", "week", "paper", "search", "subscribe")  # what an unknown command is offered first
USAGE = "\nUsage: "


def signature(spec: CommandSpec) -> str:
    """The command and what it takes, without its summary: ``/papers today [mine] [count] [YYYY-MM-DD]``."""
    args = " ".join(p.usage() for p in spec.params)
    return f"/papers {spec.name}{' ' + args if args else ''}"


def usage_error(spec: CommandSpec, problem: str) -> UsageError:
    """What was wrong (one short paragraph), then how the command is used."""
    text = f"{sentence(shorten(problem.strip(), MAX_PROBLEM))}{USAGE}{signature(spec)}"
    pointer = f"\n/papers help {spec.name} says what each part accepts."
    return UsageError(text + pointer if spec.params and len(text) + len(pointer) <= MAX_REPLY else text)


def has_usage(message: str) -> bool:
    """Whether a usage error already carries its usage line (a nested refusal is not worded twice)."""
    return USAGE in message


def closest_command(typed: str) -> str | None:
    """The command someone probably meant: the only one it begins, else the closest in spelling."""
    word = typed.strip().lower()
    if not word:
        return None
    names = sorted({spec.name for spec in REGISTRY.values()})
    starting = [n for n in names if n.startswith(word)]
    if len(starting) == 1:
        return starting[0]
    close = difflib.get_close_matches(word, list(REGISTRY), n=1, cutoff=0.7)
    return REGISTRY[close[0]].name if close else None


def unknown_command(name: str) -> UsageError:
    """'`/papers foo` isn't a command', a "did you mean" when one is close, a few to try and where all are.

    A name that looks like the command it is close to ('tоday' with a Cyrillic о) is told which of
    its characters is not the letter it looks like: never "did you mean X" where X is what they see."""
    guess = closest_command(name)
    mean = f" Did you mean /papers {guess}?{_lookalikes(name)}" if guess else ""
    featured = [n for n in FEATURED if n in REGISTRY and n != guess]
    return UsageError(f"/papers {shown(name)} isn't a command.{mean} Try {either(featured)}, "
                      "or /papers help for all of them.")


def _lookalikes(name: str) -> str:
    """The characters of a command name that are not plain letters, named (a name is plain ASCII)."""
    odd = list(dict.fromkeys(c for c in shown(name) if not c.isascii()))[:3]
    if not odd:
        return ""
    named = either([f"'{c}' ({unicodedata.name(c, f'U+{ord(c):04X}').lower()})" for c in odd])
    return f" ('{shown(name)}' has {named}: command names are plain letters.)"
