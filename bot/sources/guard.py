"""What every source call promises its callers: a SourceError for any failure, within a deadline.

Callers (``paperbot fetch``, ``ingest_day``, paper look-ups) catch :class:`SourceError`; a
KeyError from an odd payload or a hang on a silent server would instead stop them. So each
public source call runs through :func:`guarded`: past ``deadline`` seconds it ends in a
SourceError, and any exception that is not already one of paperbot's becomes a SourceError
naming the source and what it was doing.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from bot.errors import PaperbotError, SourceError
from bot.sources.redact import redact_text

T = TypeVar("T")

DEFAULT_DEADLINE = 120.0  # seconds for one source's fetch of a day (listing pages, retries and waits included)


async def guarded(source: str, what: str, work: Awaitable[T], *, deadline: float | None = DEFAULT_DEADLINE) -> T:
    """Await ``work``; a SourceError naming ``source`` and ``what`` for a timeout or an unexpected exception."""
    try:
        async with asyncio.timeout(deadline) as scope:
            return await work
    except PaperbotError:
        raise
    except TimeoutError:
        if scope.expired():
            raise SourceError(f"{source}: {what} took longer than {deadline:g} s (deadline_seconds); gave up") from None
        raise SourceError(f"{source}: {what} timed out") from None
    except Exception as exc:
        raise unexpected(source, what, exc) from exc


def unexpected(source: str, what: str, exc: BaseException) -> SourceError:
    """The SourceError for an exception a parser did not expect (its type and a bounded message)."""
    detail = _safe_str(exc)
    return SourceError(f"{source}: {what} failed on an unusable answer ({type(exc).__name__}{': ' + detail if detail else ''})")


def naming_source(source: str, exc: BaseException) -> str:
    """A source failure's message naming ``source`` once: a guarded call's already begins with it
    (``Hugging Face: the listing … took longer than 20 s``), an HTTP error's names only its URL."""
    text = str(exc)
    return text if text.startswith(source) else f"{source}: {text}"


def _safe_str(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - an exception whose __str__ fails still becomes a message
        return ""
    return redact_text(" ".join(text[:400].split()))[:200]
