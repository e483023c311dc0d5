"""One root for every error the core raises, so adapters can turn any of them into words.

Each error carries a message written for a person: what was wrong and what is accepted.
"""
from __future__ import annotations


class PaperbotError(Exception):
    """Root of all paperbot errors. ``str(err)`` is safe to show to a user."""


class UsageError(PaperbotError):
    """A command or argument a user typed is not valid; the message says what is accepted."""


class NotFoundError(PaperbotError):
    """Something the user asked for (a paper, a post, a subscription) does not exist."""


class PermissionDeniedError(PaperbotError):
    """The user may not do this here (e.g. subscribe a channel without managing it)."""


class ConfigError(PaperbotError):
    """The configuration file or environment holds a wrong key, type or value."""


class SourceError(PaperbotError):
    """A paper source could not be reached or answered with something unusable."""
