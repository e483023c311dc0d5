"""The first check: the config file is found and parses, every key valid.

A ConfigError from :func:`bot.config.load_config` already names each key and never repeats a
value that may be a secret; here it is only laid out as the report's cause and fix.
"""
from __future__ import annotations

import os

from bot.config import CONFIG_ENV, Config, load_config
from bot.errors import ConfigError
from paperbot.doctor.report import Check

NAME = "config"
EXAMPLE = "config.example.toml lists every key and what it accepts"


def check_config(path: str | None) -> tuple[Check, Config | None]:
    """The config (None when it cannot be used) and the line saying so."""
    chosen = path or os.environ.get(CONFIG_ENV)
    try:
        config = load_config(path)
    except ConfigError as exc:
        return _failed(str(exc)), None
    if not chosen:
        return Check.ok(NAME, f"no config file (--config or ${CONFIG_ENV}): built-in defaults and PAPERBOT_* variables"), config
    return Check.ok(NAME, f"{chosen} read, every key valid"), config


def _failed(message: str) -> Check:
    first, _, rest = message.partition("\n")
    first = first.rstrip(":. ")
    if "does not exist" in first:
        fix = f"give the path of your file with --config or ${CONFIG_ENV} (copy config.example.toml to start one)"
    elif "cannot be read" in first:
        fix = "give this user read access to the file, or point --config at a copy it can read"
    elif "not UTF-8 text" in first:
        fix = "save the config file as UTF-8 text (TOML is text: this may be a binary file or another encoding)"
    elif "not valid TOML" in first:
        fix = "correct the TOML syntax at the line and column named above (a string needs quotes, a section [brackets])"
    else:
        fix = f"correct each key named above; {EXAMPLE}"
    if rest:
        return Check.fail(NAME, first, cause=rest.strip("\n").replace("  - ", "- "), fix=fix)
    return Check.fail(NAME, first, fix=fix)
