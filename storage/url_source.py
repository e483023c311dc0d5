"""Where a database URL came from, and how a fix names that place — one rule for every message
about the database (start-up, `paperbot doctor`).

The URL comes from a command's ``--db`` option, the ``PAPERBOT_DATABASE_URL`` variable or the
config file's ``[database] url`` (also for the default). A fix telling someone who passed ``--db``
to "point [database] url at another file" sends them to a key that was never read: the fix names
the same place as the message, in the verb that place takes.
"""
from __future__ import annotations

from bot.config import SECRET_ENV
from bot.config_words import key_name

KEY = key_name("database", "url")  # where the URL usually comes from; messages name the real source when told
ENV = SECRET_ENV[("database", "url")]


def repoint(source: str, target: str) -> str:
    """How to give the database URL another ``target`` ("another file") where it came from:
    ``pass a --db naming …``, ``set PAPERBOT_DATABASE_URL to …``, ``point [database] url (or …) at …``."""
    if source.startswith("-"):
        return f"pass a {source} naming {target}"
    if source == KEY:
        return f"point {KEY} (or {ENV}) at {target}"
    return f"set {source} to {target}"


def place(source: str) -> str:
    """The place to correct a part of the URL (its host, user, …): ``correct the host in {place}``."""
    if source.startswith("-"):
        return f"the {source} URL"
    if source == KEY:
        return f"{KEY} (or {ENV})"
    return source
