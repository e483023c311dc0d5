"""Recorded-shape Slack and Discord payloads (``tests/fixtures/payloads/``), with ids and timestamps filled in.

Each JSON file holds one payload in the shape the platform documents and sends (Slack's Events
API envelopes, slash-command form fields, Socket Mode envelopes and retry headers; Discord's
gateway dispatch frames). Placeholders name what a test fills in: a string that is exactly
``"$name"`` becomes the value given for ``name`` (any JSON value: a number, an object, a list,
null); ``$name`` inside a longer string is substituted as text (``string.Template``). A
placeholder without a value is an error, so a fixture and its callers cannot drift apart.
"""
from __future__ import annotations

import json
import re
import string
from functools import cache
from typing import Any

from tests.harness.fixtures_paths import PAYLOADS

_WHOLE = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})")
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


@cache
def _raw(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def placeholders(name: str) -> set[str]:
    """The placeholders of one fixture (``slack/event_reaction_added``, …)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.update(m["named"] or m["braced"] for m in string.Template.pattern.finditer(node)
                         if m["named"] or m["braced"])
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(_raw(name))
    return found


def load(name: str, **values: Any) -> Any:
    """The fixture ``tests/fixtures/payloads/<name>.json`` with its placeholders filled from ``values``."""
    missing = placeholders(name) - values.keys()
    if missing:
        raise KeyError(f"payload {name!r} needs values for {sorted(missing)}")
    return _fill(_raw(name), values)


def _fill(node: Any, values: dict[str, Any]) -> Any:
    if isinstance(node, str):
        whole = _WHOLE.fullmatch(node)
        if whole:
            return values[whole.group(1) or whole.group(2)]
        return string.Template(node).substitute(values)
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _fill(item, values) for key, item in node.items()}
    return node


def rich_text(text: str) -> list[dict[str, Any]]:
    """The ``rich_text_section`` elements Slack sends in a message's blocks for ``text``: user
    mentions as ``user`` elements, the rest as ``text``."""
    elements: list[dict[str, Any]] = []
    at = 0
    for mention in _MENTION.finditer(text):
        if mention.start() > at:
            elements.append({"type": "text", "text": text[at:mention.start()]})
        elements.append({"type": "user", "user_id": mention.group(1)})
        at = mention.end()
    if at < len(text):
        elements.append({"type": "text", "text": text[at:]})
    return elements
