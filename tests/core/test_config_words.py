"""Every config key is validated strictly at the edge and every problem is said in our words.

A new user's test found ``count = true`` and ``enabled = "yes"`` accepted (pydantic's lax mode),
``base_url = "not a url"`` accepted until the network check failed, pydantic's own wording ("Input
should be greater than or equal to 1", "instance of DigestConfig") without the upper bound, a
non-UTF-8 file ending in a traceback, and Slack tokens in each other's slots starting the bot.
The walk below feeds every key of the model a wrong type and an out-of-range value.
"""
from __future__ import annotations

import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
import pytest
from pydantic import BaseModel, SecretStr

import bot.config as config_module
from bot.config import SECRET_ENV, Config, config_from_dict, load_config
from bot.errors import ConfigError

JARGON = ("Input should", "instance of", "type=", "errors.pydantic.dev", "Value error", "validation error", "_Section")
CLASS_NAMES = tuple(name for name, obj in vars(config_module).items() if isinstance(obj, type) and issubclass(obj, BaseModel))


def problems(data: dict[str, Any], environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from_dict(data, environ=environ or {})
    message = str(caught.value)
    for word in JARGON + CLASS_NAMES:
        assert word not in message, message
    return message


def plain(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else annotation
    while get_origin(annotation) is not None and get_origin(annotation) not in (Literal, list):
        annotation = get_args(annotation)[0]  # Annotated[str, …]
    return annotation


def leaves(model: type[BaseModel], tables: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str, Any, Any]]:
    """(tables, key, type, field) of every key of ``model``, through its tables."""
    out = []
    for name, field in model.model_fields.items():
        kind = plain(field.annotation)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            out += leaves(kind, (*tables, name))
        else:
            out.append(((*tables,), name, kind, field))
    return out


def nest(tables: tuple[str, ...], key: str, value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {key: value}
    for table in reversed(tables):
        data = {table: data}
    return data


def wrong_type(kind: Any) -> Any:
    """A TOML value of another kind than ``kind`` accepts."""
    if kind is bool:
        return "yes"
    if kind in (int, float):
        return True
    if get_origin(kind) is list:
        return "cs.LG"
    return 5  # a string, a secret, a URL, one of a few words


KEYS = leaves(Config)


def test_the_walk_sees_every_key() -> None:
    assert {"Config", "DigestConfig", "HuggingFaceConfig", "SlackConfig"} <= set(CLASS_NAMES)
    assert len(KEYS) > 80 and (("digest",), "count", int) in [(t, k, c) for t, k, c, _ in KEYS]


@pytest.mark.parametrize(("tables", "key", "kind", "field"), KEYS, ids=[".".join((*t, k)) for t, k, _, _ in KEYS])
def test_every_key_refuses_a_wrong_type_naming_the_key_and_what_it_accepts(tables: tuple[str, ...], key: str,
                                                                           kind: Any, field: Any) -> None:
    message = problems(nest(tables, key, wrong_type(kind)))
    assert f"[{'.'.join(tables)}] {key}" in message, message
    if kind is bool:
        assert "true or false" in message
    elif kind is int:
        assert "whole number" in message
    elif kind is float:
        assert "number" in message


NUMBERS = [(t, k, c, f) for t, k, c, f in KEYS if c in (int, float) and any(
    isinstance(m, (annotated_types.Ge, annotated_types.Gt, annotated_types.Le, annotated_types.Lt)) for m in f.metadata)]


@pytest.mark.parametrize(("tables", "key", "kind", "field"), NUMBERS, ids=[".".join((*t, k)) for t, k, _, _ in NUMBERS])
def test_every_bounded_number_says_its_whole_range(tables: tuple[str, ...], key: str, kind: Any, field: Any) -> None:
    bounds = {name: getattr(m, name) for m in field.metadata for name in ("ge", "gt", "le", "lt") if hasattr(m, name)}
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    for outside in ([low - 1] if low is not None else []) + ([high + 1] if high is not None else []):
        message = problems(nest(tables, key, kind(outside)))
        assert f"[{'.'.join(tables)}] {key}: {kind(outside)} is not" in message, message
        for bound in (low, high):
            assert bound is None or f"{bound:g}" in message.split(" is not ", 1)[1], message


@pytest.mark.parametrize("table", list(Config.model_fields) + ["sources.huggingface"])
def test_a_table_given_a_value_says_it_must_be_a_table(table: str) -> None:
    message = problems(nest(tuple(table.split(".")[:-1]), table.split(".")[-1], 5))
    assert f"[{table}] must be a table of keys (`[{table}]` with `key = value` lines), not a number" in message


def test_the_new_users_examples_in_our_words() -> None:
    assert "[digest] count: -3 is not a whole number from 1 to 25" in problems({"digest": {"count": -3}})
    assert "[digest] count: true is not a whole number from 1 to 25" in problems({"digest": {"count": True}})
    assert '[sources.huggingface] enabled: "yes" is not true or false' in problems(
        {"sources": {"huggingface": {"enabled": "yes"}}})
    assert "[digest] must be a table of keys (`[digest]` with `key = value` lines), not a number" in problems({"digest": 5})
    assert "[slack] timeout_seconds: 0 is not a number above 0" in problems({"slack": {"timeout_seconds": 0}})
    assert "[digset]: unknown section" in problems({"digset": {"count": 3}})


URL_KEYS = [(("sources", "huggingface"), "base_url", "https://huggingface.co"),
            (("sources", "arxiv"), "rss_base_url", "https://rss.arxiv.org"),
            (("sources", "arxiv"), "api_base_url", "http://export.arxiv.org"),
            (("discord",), "api_base_url", "https://discord.com"),
            (("slack",), "base_url", "https://slack.com/api/"),
            (("slack",), "redirect_uri", "https://your.host/slack/oauth_redirect"),
            (("answers",), "llm_base_url", "http://localhost:8080/v1"),
            (("answers",), "arxiv_html_base_url", "https://arxiv.org"),
            (("monitoring",), "public_url", "https://papers.example.org")]


def test_the_walk_finds_no_url_key_left_unchecked() -> None:
    named = {(t, k) for t, k, _ in URL_KEYS} | {(("discord",), "gateway_url"), (("database",), "url")}
    assert {(t, k) for t, k, _, _ in KEYS if "url" in k or "uri" in k} == named


@pytest.mark.parametrize(("tables", "key", "example"), URL_KEYS, ids=[".".join((*t, k)) for t, k, _ in URL_KEYS])
@pytest.mark.parametrize("bad", ["not a url", "ftp://mirror.example.org/", "huggingface.co", "https://", "http:// x.org"])
def test_every_url_key_takes_only_absolute_http_urls(tables: tuple[str, ...], key: str, example: str, bad: str) -> None:
    message = problems(nest(tables, key, bad))
    assert f'[{".".join(tables)}] {key}: "{bad}" is not an http(s) URL; use e.g. "{example}"' in message, message
    assert config_from_dict(nest(tables, key, "http://127.0.0.1:8080/x"), environ={})


def test_a_url_with_a_password_is_refused_without_showing_it() -> None:
    message = problems({"answers": {"llm_base_url": "gopher://me:hunter2@llm.example.org/v1"}})
    assert "hunter2" not in message and "is not an http(s) URL" in message


def test_the_discord_gateway_takes_websocket_urls() -> None:
    assert config_from_dict({"discord": {"gateway_url": "wss://gateway.discord.gg"}}, environ={}).discord.gateway_url
    assert '[discord] gateway_url: "https://gateway.discord.gg" is not a ws(s) URL; use e.g. "wss://gateway.discord.gg"' in problems(
        {"discord": {"gateway_url": "https://gateway.discord.gg"}})


def test_secrets_from_the_environment_are_strings_and_still_accepted() -> None:
    """Strict types are for the file: the PAPERBOT_* variables are strings and go to string keys only."""
    values = {"PAPERBOT_SLACK_BOT_TOKEN": "xoxb-1", "PAPERBOT_SLACK_APP_TOKEN": "xapp-1",
              "PAPERBOT_DATABASE_URL": "sqlite:///x.sqlite3"}
    environ = {variable: values.get(variable, "s3cret") for variable in SECRET_ENV.values()}
    config = config_from_dict({}, environ=environ)
    for (section, key), variable in SECRET_ENV.items():
        value = getattr(getattr(config, section), key)
        assert (value.get_secret_value() if isinstance(value, SecretStr) else value) == environ[variable]


def test_slack_tokens_in_the_wrong_slots_are_refused_naming_both_keys() -> None:
    swapped = problems({}, environ={"PAPERBOT_SLACK_BOT_TOKEN": "xapp-1", "PAPERBOT_SLACK_APP_TOKEN": "xoxb-2"})
    assert "[slack] bot_token and app_token are swapped" in swapped and "xapp-1" not in swapped
    user = problems({"slack": {"bot_token": "xoxp-1-user"}})
    assert "bot_token does not start with xoxb- (it is a user token)" in user and "xoxp-1-user" not in user
    assert "app_token does not start with xapp-" in problems({"slack": {"bot_token": "xoxb-1", "app_token": "xoxb-2"}})
    ok = config_from_dict({}, environ={"PAPERBOT_SLACK_BOT_TOKEN": "xoxb-1", "PAPERBOT_SLACK_APP_TOKEN": "xapp-2"})
    assert ok.slack_enabled


def test_a_config_file_that_is_not_utf8_is_said_so(tmp_path: Path) -> None:
    file = tmp_path / "binary.toml"
    file.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(ConfigError) as caught:
        load_config(file, environ={})
    assert f"config file {file} is not UTF-8 text (byte 0xff at position 0)" in str(caught.value)


def test_one_spelling_of_a_key_for_every_message() -> None:
    from bot.config_words import key_name
    assert key_name("sources", "arxiv", "category") == "[sources.arxiv] category"
    assert key_name("monitoring", "port") == "[monitoring] port"
    assert key_name("database") == "database"
