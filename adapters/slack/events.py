"""Acknowledge a Slack event only once what it changes is stored, so Slack redelivers what failed.

bolt's default acknowledges an event before its listener runs (``process_before_response=False``):
a reaction whose write then fails — SQLite locked past its busy timeout, PostgreSQL restarting —
is gone, since Slack never sends an acknowledged event again. The app runs with
``process_before_response=True`` instead, and every event listener hands its work to
:meth:`EventGate.handle`, which answers bolt:

- done → acknowledged (HTTP 200, the Socket Mode ack);
- the database unavailable (StoreUnavailableError) → *not* acknowledged (HTTP 503, no Socket Mode
  ack), so Slack delivers the event again (``X-Slack-Retry-Num`` / ``retry_attempt`` 1, 2, 3, up
  to minutes apart); the core drops a redelivery of an event it did apply, by its id. Slack's
  last redelivery has nothing after it: that one is spooled, acknowledged and handed to the core's
  retry (``PaperBot.keep_for_retry``);
- still running at :data:`ACK_DEADLINE` (of Slack's 3 s: a database waiting on a lock, an answer
  being written) → written to the core's spool of kept events first (``EventRetry.hold``: on disk,
  so a stop or crash does not lose what Slack will not send again), then acknowledged, so Slack
  counts no timeout; should it then fail for the database, it is handed to
  ``PaperBot.keep_for_retry``, which tries it again in the background (and after a restart);
- any other failure → logged and acknowledged: a redelivery would fail the same way (a
  PaperbotError in one line — Slack refused the answer, say —, anything else with its trace).

A redelivery of an event still being handled joins it instead of running it twice; one already
handled here is acknowledged at once. What the core keeps is the event as data (:class:`Keep`:
``bot.usecases.kept_kinds``), not the listener's closure; an event without one (a composer's link
preview, which stores nothing) is only logged when it fails after the acknowledgement.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.response import BoltResponse

from bot.app import PaperBot
from bot.errors import PaperbotError, StoreUnavailableError
from bot.kept import KeptEvent
from bot.ports import ChatTransport
from bot.usecases.retrying import Then

_log = logging.getLogger(__name__)

ACK_DEADLINE = 2.5  # seconds: Slack waits 3 s for an event's acknowledgement
LAST_RETRY = 3  # Slack redelivers an event at most three times
REMEMBERED = 2000  # handled event keys kept to answer redeliveries at once

Work = Callable[[], Coroutine[Any, Any, object]]


def retry_number(request: Any) -> int:
    """Which redelivery this is (0: the first delivery), from bolt's request headers; Socket Mode's
    ``retry_attempt`` arrives there as ``x-slack-retry-num`` too."""
    headers = getattr(request, "headers", None) or {}
    raw = (headers.get("x-slack-retry-num") or ["0"])[0]
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 4 else 0


def _failed(what: str, error: BaseException) -> None:
    trace = None if isinstance(error, PaperbotError) else error
    _log.error("%s failed: %s: %s", what, type(error).__name__, str(error)[:200], exc_info=trace)


@dataclass(frozen=True)
class Keep:
    """How the core keeps the event should its work fail once Slack was answered: the event as data,
    the transport its answer goes through, and what to do with its result (a link's card)."""

    event: KeptEvent
    transport: ChatTransport | None = None
    then: Then | None = None


@dataclass
class _Handling:
    task: asyncio.Task[object]
    what: str
    keep: Keep | None
    acknowledged: bool = False  # Slack was answered while it still ran: its failure is ours to keep
    kept: bool = False  # handed to the core's retry (once)


@dataclass
class EventGate:
    """The one place a Slack event's acknowledgement waits for its work (see the module doc)."""

    bot: PaperBot
    deadline: float = ACK_DEADLINE
    _running: dict[str, _Handling] = field(default_factory=dict)
    _handled: OrderedDict[str, None] = field(default_factory=OrderedDict)
    _kept: set[asyncio.Task[bool]] = field(default_factory=set)

    async def handle(self, key: str, what: str, work: Work, *, retry: int = 0,
                     keep: Keep | None = None) -> BoltResponse | None:
        """Run ``work`` for the event ``key`` (or join its run); None lets bolt acknowledge, a
        BoltResponse(503) leaves the event unacknowledged so that Slack delivers it again.
        ``keep``: the event as the core keeps it when Slack will not send it again."""
        if key in self._handled:
            return None
        handling = self._running.get(key)
        if handling is None:
            handling = _Handling(asyncio.create_task(work(), name=f"slack: {what}"), what, keep)
            self._running[key] = handling
            handling.task.add_done_callback(lambda task: self._finished(key, handling))
        done, _ = await asyncio.wait({handling.task}, timeout=self.deadline)
        if not done:
            if not handling.acknowledged and handling.keep is not None:
                await self.bot.retry.hold(handling.keep.event)  # on disk before Slack is told
            handling.acknowledged = True
            _log.info("%s is still being handled after %.1f s; acknowledged, kept if the database fails it", what, self.deadline)
            return None
        if handling.task.cancelled():
            return BoltResponse(status=503, body="")
        error = handling.task.exception()
        if error is None:
            return None
        if isinstance(error, StoreUnavailableError):
            if retry >= LAST_RETRY:
                _log.warning("%s not stored on Slack's last redelivery (%s); kept for retry", what, error)
                if handling.keep is not None:
                    await self.bot.retry.hold(handling.keep.event)  # on disk before Slack is told
                self._keep(handling)
                return None
            _log.warning("%s not stored (%s); left unacknowledged so that Slack delivers it again", what, error)
            return BoltResponse(status=503, body="")
        _failed(what, error)
        return None

    def _finished(self, key: str, handling: _Handling) -> None:
        if self._running.get(key) is handling:
            del self._running[key]
        if handling.task.cancelled():
            return
        error = handling.task.exception()
        if error is None:
            self._handled[key] = None
            if len(self._handled) > REMEMBERED:
                self._handled.popitem(last=False)
            if handling.keep is not None:
                self.bot.retry.release(handling.keep.event)  # held at the deadline: applied after all
        elif handling.acknowledged:  # nobody waits for it any more: Slack was told it was handled
            if isinstance(error, StoreUnavailableError):
                self._keep(handling)
            else:
                _failed(handling.what, error)
                if handling.keep is not None:
                    self.bot.retry.release(handling.keep.event)

    def _keep(self, handling: _Handling) -> None:
        """Hand an acknowledged event the database failed to the core's retry (it is not lost), once."""
        if handling.kept:
            return
        handling.kept = True
        keep = handling.keep
        if keep is None:
            _log.error("%s failed for the database after Slack was answered; it stores nothing, so nothing is kept",
                       handling.what)
            return
        task = asyncio.create_task(self.bot.keep_for_retry(keep.event, keep.transport, keep.then),
                                   name=f"keep: {handling.what}")
        self._kept.add(task)
        task.add_done_callback(self._kept.discard)
