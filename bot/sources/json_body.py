"""Decoding a source's JSON body so that one hostile item costs only itself.

``json.loads`` fails the whole body on one integer past Python's 4,300-digit limit, and on
one item nested deeper than the interpreter's recursion limit; either would lose every
other paper of the day. Here an integer of more than :data:`MAX_INT_DIGITS` digits becomes
``inf`` (a count that validation then clears, as it clears any non-integer), and when the
body is a top-level array that is too deep somewhere, it is decoded item by item: an item
too deep becomes an :class:`Undecodable` (refused alone by the parser), the others are kept.
A body that is not JSON at all is still a ValueError for the caller to report.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_INT_DIGITS", "Undecodable", "decode_json"]

MAX_INT_DIGITS = 100  # no count, id or date a source sends comes near this; Python refuses past 4,300
_WHITESPACE = " \t\n\r"


@dataclass(frozen=True)
class Undecodable:
    """An array item that could not be decoded; ``reason`` says why, for the parser's log line."""

    reason: str


def _bounded_int(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else float("inf") if text[0] != "-" else float("-inf")


_DECODER = json.JSONDecoder(parse_int=_bounded_int)


def decode_json(body: bytes) -> Any:
    """``body`` as JSON; ValueError if it is not JSON, RecursionError if it is too deep and not an array."""
    text = body.decode(json.detect_encoding(body), "surrogatepass")
    try:
        return _DECODER.decode(text)
    except RecursionError:
        start = _skip_space(text, 0)
        if not text.startswith("[", start):
            raise
        return _items(text, start + 1)


def _items(text: str, pos: int) -> list[Any]:
    """The array whose ``[`` ends before ``pos``, item by item; ValueError if it is not well formed."""
    items: list[Any] = []
    pos = _skip_space(text, pos)
    if text.startswith("]", pos):
        return _end(text, pos + 1, items)
    while True:
        try:
            item, pos = _DECODER.raw_decode(text, pos)
        except RecursionError:
            item, pos = Undecodable("the item is nested too deep to read"), _skip_value(text, pos)
        items.append(item)
        pos = _skip_space(text, pos)
        if text.startswith("]", pos):
            return _end(text, pos + 1, items)
        if not text.startswith(",", pos):
            raise ValueError(f"expected ',' or ']' at character {pos}")
        pos = _skip_space(text, pos + 1)


def _end(text: str, pos: int, items: list[Any]) -> list[Any]:
    if _skip_space(text, pos) != len(text):
        raise ValueError(f"extra data at character {pos}")
    return items


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _skip_value(text: str, pos: int) -> int:
    """The end of the (too deep) array or object at ``pos``, found without recursion; ValueError if unclosed."""
    closing = {"[": "]", "{": "}"}
    if not text.startswith(("[", "{"), pos):
        raise ValueError(f"expected an array or object at character {pos}")
    expected: list[str] = []
    in_string = False
    index = pos
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in closing:
            expected.append(closing[char])
        elif char in "]}":
            if not expected or expected.pop() != char:
                raise ValueError(f"unbalanced {char!r} at character {index}")
            if not expected:
                return index + 1
        index += 1
    raise ValueError("the body ends inside an array or object")
