"""The user data folder (:mod:`storage.data_folder`): usable, when this install keeps files there — the
default SQLite file (no ``database.url``) or `paperbot run`'s kept events (no ``[retry] spool`` and a
database that is not a SQLite file, whose spool sits beside it). Made if missing, as a start would."""
from __future__ import annotations

from bot.config import Config
from paperbot.doctor.report import Check
from storage.data_folder import FIX, data_folder_path, data_folder_problem
from storage.database import normalise_url

NAME = "data folder"


def check_data_folder(config: Config) -> Check:
    folder = data_folder_path()
    problem = data_folder_problem(folder)
    if problem is None:
        return Check.ok(NAME, f"{folder} is writable")
    uses = _uses(config)
    if not uses:
        return Check.skip(NAME, f"{folder} cannot be used ({problem}); nothing configured here needs it")
    return Check.fail(NAME, f"{folder} cannot be used", cause=f"{problem}; it would hold {uses}", fix=FIX)


def _uses(config: Config) -> str:
    """What this configuration would keep in the data folder, in words ('' for nothing)."""
    if not config.database.url:
        return "the database ([database] url is not set)"
    if config.retry.spool or not (config.discord_enabled or config.slack_enabled):
        return ""
    try:
        sqlite = normalise_url(config.database.url).get_backend_name() == "sqlite"
    except Exception:  # noqa: BLE001 - a bad URL is the database check's finding
        return ""
    return "" if sqlite else "`paperbot run`'s kept events ([retry] spool is not set)"
