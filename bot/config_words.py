"""Config problems in our words: ``[table] key: what was given is not what is accepted``.

pydantic's own messages ("Input should be greater than or equal to 1", "instance of DigestConfig")
name its internals and leave out half of a range, so each error is reworded here from the field it
concerns: its type and its bounds (``ge``/``gt``/``le``/``lt``) say what the key accepts, whatever
pydantic's error type was. A value that may be a secret is described by its kind, never shown.
"""
from __future__ import annotations

import datetime
import json
import types
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

from bot.sources.redact import redact_url

_SECRET_WORDS = ("token", "secret", "password", "key", "url")  # a value here may be (or hold) a credential
URL_ERROR = "url"  # the error type of the URL checks in bot.config (its context: "schemes", "example")
_OWN_WORDS = ("value_error", "assertion_error")  # a validator of ours raised it: its message is already ours


def key_name(*path: str) -> str:
    """A config key as every message names it: ``key_name("sources", "arxiv", "category")`` is
    ``[sources.arxiv] category``, its table as the file spells it, then the key; a top-level name alone."""
    *tables, key = path
    return f"[{'.'.join(tables)}] {key}" if tables else key


def describe(error: dict[str, Any], root: type[BaseModel]) -> str:
    """One problem of ``root``'s validation as a person reads it."""
    tables, key, field, index = _locate(tuple(error["loc"]), root)
    table = f"[{'.'.join(tables)}]" if tables else ""
    kind, given = error["type"], error.get("input")
    if key is None:  # the table itself
        if kind in _OWN_WORDS:
            return f"{table} {_own(error)}" if table else _own(error)
        return f"{table} must be a table of keys (`{table}` with `key = value` lines), not {_kind(given)}"
    where = key_name(*tables, key)
    if field is None:
        if not tables:
            return f"[{key}]: unknown section (check the spelling; config.example.toml lists every section)"
        return f"{where}: unknown key (check the spelling; config.example.toml lists every key)"
    if index is not None:
        where = f"{where}, item {index + 1}"
    if kind in _OWN_WORDS:
        return f"{where}: {_own(error)}"
    if kind == URL_ERROR:
        context = error.get("ctx") or {}
        example = field.examples[0] if field.examples else field.default
        schemes = str(context.get("schemes", "http(s)"))
        return (f"{where}: {_url_shown(given)} is not {'an' if schemes.startswith('h') else 'a'} {schemes} URL; "
                f"use e.g. {json.dumps(example)}")
    secret = any(word in key.lower() for word in _SECRET_WORDS)
    annotation = _item(field.annotation) if index is not None else field.annotation
    accepted = accepts(annotation, field if index is None else None)
    return f"{where}: {_shown(given, secret)} is not {accepted}"


def accepts(annotation: Any, field: FieldInfo | None = None) -> str:
    """What a key of this type (and ``field``'s bounds) accepts, in a config file's words."""
    annotation = _without_none(annotation)
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(json.dumps(choice) for choice in get_args(annotation))
    if annotation is bool:
        return "true or false (without quotes)"
    if annotation is int:
        return "a whole number" + _bounds(field)
    if annotation is float:
        return "a number" + _bounds(field)
    if get_origin(annotation) is list:
        item = accepts(_item(annotation))
        return f"a list of {item.removeprefix('a ').removeprefix('an ')}s" if item.startswith("a") else f"a list of {item}"
    if field is not None and any(isinstance(m, annotated_types.MinLen) and m.min_length > 0 for m in field.metadata):
        return "a string of at least one character"
    return "a string"


def _locate(loc: tuple[Any, ...], root: type[BaseModel]) -> tuple[list[str], str | None, FieldInfo | None, int | None]:
    """``loc`` as (its tables, its key, the key's field, the index of a list's item)."""
    tables: list[str] = []
    model: type[BaseModel] = root
    for position, part in enumerate(loc):
        name = str(part)
        field = model.model_fields.get(name)
        if field is None:
            return tables, name, None, None
        annotation = _without_none(field.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            tables.append(name)
            model = annotation
            continue
        rest = loc[position + 1:]
        index = next((p for p in rest if isinstance(p, int)), None)
        return tables, name, field, index
    return tables, None, None, None


def _bounds(field: FieldInfo | None) -> str:
    """" from 1 to 25", " above 0 and at most 3600", " of 0 or more", "": the field's range."""
    if field is None:
        return ""
    low: Any = None
    high: Any = None
    low_open = high_open = False
    for item in field.metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, low_open = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, high_open = item.lt, True
    if low is not None and high is not None:
        if not low_open and not high_open:
            return f" from {low:g} to {high:g}"
        return f" {'above' if low_open else 'of at least'} {low:g} and {'below' if high_open else 'at most'} {high:g}"
    if low is not None:
        return f" above {low:g}" if low_open else f" of {low:g} or more"
    if high is not None:
        return f" below {high:g}" if high_open else f" of at most {high:g}"
    return ""


def _without_none(annotation: Any) -> Any:
    """``X | None`` → ``X`` (TOML has no null: only the default is None)."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _item(annotation: Any) -> Any:
    args = get_args(_without_none(annotation))
    return args[0] if args else Any


def _own(error: dict[str, Any]) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _kind(value: Any) -> str:
    """A value's kind in TOML's words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (str, SecretStr)):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time" if isinstance(value, (datetime.date, datetime.time)) else f"a {type(value).__name__}"


def _shown(value: Any, secret: bool) -> str:
    """The value as written in TOML (``true``, ``"yes"``, ``-3``), or its kind: a table, a list, a secret."""
    if secret or isinstance(value, (dict, list, tuple)) or value is None:
        return f"{_kind(value)} (not shown)" if secret and value is not None else _kind(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _url_shown(value: Any) -> str:
    if not isinstance(value, str):
        return _kind(value)
    text = json.dumps(redact_url(value), ensure_ascii=False)  # a password in it is never shown
    return text if len(text) <= 80 else text[:77] + "…"
