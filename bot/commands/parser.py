"""Text → command, from the declarations: how Slack and the console read `/papers …`.

Words are split like a shell (quotes group words); a free-text command (``raw``: a question whose
apostrophes are not quotes) is split on whitespace only. Each word is then placed:

- ``name:value`` or ``name=value`` fills the parameter of that name (or one of its ``keys``);
- a bare word fills the first positional parameter, in declared order, whose type recognises it
  (``3`` a count, ``2025-11-07`` a day, ``09:00`` a time, ``Europe/Berlin`` a timezone, ``mine`` a flag);
- the words left over go to the greedy parameter (a query, a question, a paper), if there is one.

Anything else is refused with the word, what is accepted and the usage line — nothing typed is
silently dropped. The line is first read as the person sees it (``clean_text(typed=True)``): an
invisible character (a zero-width space pasted with an id, a bidi mark) is not part of a word, a
full-width digit is a digit, a no-break space is a space — on every platform, as all parse here or
pass their typed option values through :meth:`bot.commands.spec.CommandSpec.from_options`.
"""
from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from bot.commands.params import Param, either, shown
from bot.commands.spec import REGISTRY, CommandSpec
from bot.commands.usage import has_usage, unknown_command, usage_error
from bot.errors import UsageError
from bot.text import clean_text

MAX_COMMAND = 4000  # characters of a command line that are read at all
_PREFIXES = ("/papers", "papers")


def _strip_prefix(words: list[str]) -> list[str]:
    return words[1:] if words and words[0].lower() in _PREFIXES else words


def parse_command(text: str) -> Any:
    """Parse what follows ``/papers`` (a leading '/papers' is tolerated); no words → help."""
    if len(text) > MAX_COMMAND:
        raise UsageError(f"that command is {len(text)} characters long; commands are read up to {MAX_COMMAND}.")
    text = clean_text(text, typed=True)
    plain = _strip_prefix(text.split())
    if not plain:
        return REGISTRY["help"].from_values({})
    spec = REGISTRY.get(plain[0].lower())
    if spec is not None and spec.raw:
        return spec.from_values(parse_words(spec, plain[1:]))
    try:
        tokens = _strip_prefix(shlex.split(text.strip()))
    except ValueError as exc:
        raise UsageError(f"could not read the command ({exc}); check the quotes.") from None
    if not tokens:
        return REGISTRY["help"].from_values({})
    spec = REGISTRY.get(tokens[0].lower())
    if spec is None:
        raise unknown_command(tokens[0])
    return spec.from_values(parse_words(spec, tokens[1:]))


def _key_value(word: str, keys: Mapping[str, Any]) -> tuple[str, str] | None:
    """``name:value`` / ``name=value`` when ``name`` is one of this command's keys."""
    for separator in (":", "="):
        name, found, value = word.partition(separator)
        if found and name.lower() in keys:
            return name.lower(), value
    return None


def parse_words(spec: CommandSpec, words: list[str]) -> dict[str, Any]:
    """The parameter values in ``words`` (by param name, in the order given)."""
    if not spec.params and words:
        raise usage_error(spec, f"/papers {spec.name} takes no arguments (not '{shown(words[0])}')")
    keys = {key: p for p in spec.params for key in (p.name, *p.keys)}
    values: dict[str, Any] = {}
    leftover: list[str] = []
    if spec.raw:  # in declared order: the first words fill the first params, the rest the greedy one
        rest = list(words)
        for param in spec.params:
            if not rest:
                break
            if param.type.greedy and param is spec.params[-1]:
                values[param.name] = _checked(spec, param, rest)
                rest = []
            else:
                values[param.name] = _checked(spec, param, rest.pop(0))
        leftover = rest
    else:
        for word in words:
            refused = _key_value(word, spec.refused)
            if refused is not None:
                raise usage_error(spec, spec.refused[refused[0]])
            keyed = _key_value(word, keys)
            if keyed is not None:
                param = keys[keyed[0]]
                values[param.name] = _checked(spec, param, keyed[1])
                continue
            placed = next((p for p in spec.params
                           if p.positional and p.name not in values and p.type.matches(word)), None)
            if placed is None:
                leftover.append(word)
            else:
                values[placed.name] = _checked(spec, placed, word)
        if leftover:
            greedy = next((p for p in spec.params if p.type.greedy and p.positional and p.name not in values), None)
            if greedy is not None:
                values[greedy.name] = _checked(spec, greedy, leftover)
                leftover = []
    if leftover:
        open_params = [p for p in spec.params if p.positional and p.name not in values]
        near = next((v for v in (p.type.near(leftover[0]) for p in open_params) if v), None)
        hint = (f". Did you mean {near}?" if near
                else f": it is not {either([p.type.noun for p in open_params])}" if open_params else "")
        raise usage_error(spec, f"'{shown(leftover[0])}' is not accepted here{hint}")
    for param in spec.params:
        if param.required and param.name not in values:
            raise usage_error(spec, param.missing or f"{param.name} is missing")
    return values


def _checked(spec: CommandSpec, param: Param, given: str | list[str]) -> Any:
    """Parse one value (a word, or the leftover words for a greedy param); an error gets the usage
    line, so it says what the whole command accepts."""
    try:
        if isinstance(given, list):
            return param.type.parse_words(given, param.name)
        return param.type.parse(given, param.name)
    except UsageError as exc:
        if has_usage(str(exc)):
            raise
        raise usage_error(spec, str(exc)) from None
