"""Where a log line comes from: the platform, channel and command being handled, as context variables.

An adapter's event entry point and the core's command dispatch wrap their work in
:func:`log_context`; every line logged inside (by any module, in any task started from there)
carries those fields, so the JSON log format (``paperbot.logs``) can name them without each
``_log.info`` call repeating them. Standard library only: the core sets them too.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

FIELDS = ("platform", "channel", "command")

_current: ContextVar[dict[str, str] | None] = ContextVar("paperbot_log_context", default=None)


@contextmanager
def log_context(*, platform: str | None = None, channel: str | None = None, command: str | None = None) -> Iterator[None]:
    """Add the given fields to every log line within; fields left None keep what an outer block set."""
    given = {"platform": platform, "channel": channel, "command": command}
    merged = dict(_current.get() or {})
    merged.update({key: value for key, value in given.items() if value})
    token = _current.set(merged)
    try:
        yield
    finally:
        _current.reset(token)


def current_log_context() -> dict[str, str]:
    """The fields in effect here (empty outside any :func:`log_context`)."""
    return dict(_current.get() or {})
