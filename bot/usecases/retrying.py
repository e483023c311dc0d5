"""Events a platform never delivers again are kept and tried again, not lost — across restarts too.

Slack redelivers an event it got no acknowledgement for, so a Slack adapter only has to leave a
failed event unacknowledged (until Slack's last redelivery). Discord's gateway never redelivers: a
reaction whose write failed because the database was briefly unavailable would be gone. Such an
event is handed over as data (:class:`bot.kept.KeptEvent`: the core-level event and its kind,
applied by that kind's core handler, ``bot.usecases.kept_kinds``). :class:`EventRetry` runs it now;
when that fails for a passing reason it first writes it to the spool (:class:`bot.ports.EventSpool`,
a local file: the database is what failed), then runs it again after growing delays (1 s … 10 min,
about 20 minutes in all) until it is applied, and only then marks it done in the spool. What still
waits at shutdown, a crash, or after the last try stays in the spool and is replayed when its
platform is up again at the next start (:meth:`EventRetry.serve`). An event is lost — logged and
counted — only when more than ``limit`` wait, when the spool is full, when a start finds it kept
for more than a week (:data:`KEPT_FOR`), or without a spool (as before).

For one ``latest`` key (a reaction: message, member, emoji) the newest event wins: when it comes,
older kept ones of that key are dropped, so a retried add never lands over a later removal. A
mistake in the event itself (a PaperbotError other than StoreUnavailableError) is not retried: it
would fail the same way.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.errors import PaperbotError, StoreUnavailableError, UsageError
from bot.kept import KeptEvent
from bot.ports import ChatTransport, EventSpool
from bot.usecases.kept_kinds import Handler

_log = logging.getLogger(__name__)

DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
LIMIT = 10_000
KEPT_FOR = 7 * 86400.0  # seconds: a spooled event older than this at a start is given up (lost, counted)

Then = Callable[[object], Awaitable[None]]  # what the adapter does with the result, while this process lives


@dataclass
class RetryCounts:
    applied_later: int = 0  # events that failed at first and were applied by a retry (or after a restart)
    lost: int = 0  # events given up on (logged as errors)

    @property
    def total(self) -> int:
        return self.applied_later + self.lost


def retryable(exc: BaseException) -> bool:
    """A passing failure (the database, the network), not a mistake in the event."""
    return isinstance(exc, StoreUnavailableError) or not isinstance(exc, PaperbotError)


@dataclass
class _Waiting:
    event: KeptEvent
    transport: ChatTransport | None = None
    then: Then | None = None
    spooled: bool = False
    task: asyncio.Task[None] | None = None
    error: BaseException | None = None  # the latest failure: why it is kept


class EventRetry:
    def __init__(self, handlers: Mapping[str, Handler], *, spool: EventSpool | None = None,
                 delays: Sequence[float] = DELAYS, limit: int = LIMIT, kept_for: float = KEPT_FOR,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """``spool``: where kept events outlive the process (None: in memory only, lost at shutdown);
        what it holds from a previous run waits for its platform (:meth:`serve`), unless it was kept
        more than ``kept_for`` seconds ago (an event that fails at every start is not kept for good)."""
        self.handlers = dict(handlers)
        self.delays = tuple(delays)
        self.limit = limit
        self._sleep = sleep
        self._spool = spool
        self._waiting: dict[str, _Waiting] = {}  # by event id, oldest first
        self._held: dict[str, KeptEvent] = {}  # spooled before an acknowledgement, still being run by the adapter
        self._parked: dict[str, _Waiting] = {}  # spooled, retries over: left for the next start
        self._transports: dict[str, ChatTransport] = {}
        self.counts = RetryCounts()
        if spool is not None:
            self._restore(spool.load(), kept_for)

    @property
    def pending(self) -> int:
        """Events kept and not applied yet (being retried, or from a previous run, waiting for their platform)."""
        return len(self._waiting)

    def is_kept(self, event: KeptEvent) -> bool:
        """Whether ``event`` waits for a retry (False: applied, refused, or lost)."""
        return event.id in self._waiting

    def kept_because(self, event: KeptEvent) -> BaseException | None:
        """Why ``event`` waits for a retry (None: not kept), so an adapter tells a passing outage from
        a schema the database lacks (:func:`bot.errors.store_words`), which no wait heals."""
        waiting = self._waiting.get(event.id)
        return waiting.error if waiting is not None else None

    # the adapter's calls --------------------------------------------------------------------------

    async def run(self, event: KeptEvent, transport: ChatTransport | None = None, then: Then | None = None) -> bool:
        """Apply ``event`` now; if it fails for a passing reason, spool it and keep retrying it in the
        background. ``transport``: what it is answered through (default: its platform's, :meth:`serve`);
        ``then``: given the result once it is applied (not after a restart). True when applied now."""
        self._supersede(event)
        held = self._held.pop(event.id, None) is not None
        try:
            result = await self._apply(event, transport)
        except Exception as exc:  # noqa: BLE001 - classified below; nothing is raised to the gateway loop
            if not retryable(exc):
                _log.warning("%s was not applied: %s", event.what, exc)
                if held:
                    self._done(event.id)
                return False
            if len(self._waiting) >= self.limit:
                self.counts.lost += 1
                _log.error("%s is lost: %d events already wait for the database (%s)", event.what, len(self._waiting), exc)
                if held:
                    self._done(event.id)
                return False
            waiting = _Waiting(event, transport, then, spooled=held, error=exc)
            if not self._keep_durably(waiting):
                return False
            _log.warning("%s failed (%s); keeping it and trying again", event.what, exc)
        else:
            if held:
                self._done(event.id)
            await self._then(then, result, event)
            return True
        self._waiting[event.id] = waiting
        waiting.task = asyncio.create_task(self._retry(waiting), name=f"retry {event.what}")
        return False

    async def hold(self, event: KeptEvent) -> bool:
        """Spool ``event`` now, before the platform is told it was handled while it still runs (Slack's
        3 s deadline); then either :meth:`release` it or :meth:`run` it again. False: not durable."""
        if self._spool is None or event.id in self._held:
            return self._spool is not None
        waiting = _Waiting(event)
        if len(self._waiting) + len(self._held) >= self.limit or not self._keep_durably(waiting, counted=False) \
                or not waiting.spooled:
            return False
        self._held[event.id] = event
        return True

    def release(self, event: KeptEvent) -> None:
        """A held event was applied by the adapter's own run: nothing to replay."""
        if self._held.pop(event.id, None) is not None:
            self._done(event.id)

    def serve(self, platform: str, transport: ChatTransport) -> None:
        """``platform`` is up and answers through ``transport``: its events kept by a previous run are
        applied now (and retried like any other if that fails)."""
        self._transports[platform] = transport
        for waiting in list(self._waiting.values()):
            if waiting.event.platform == platform and waiting.task is None:
                waiting.task = asyncio.create_task(self._retry(waiting, now=True), name=f"replay {waiting.event.what}")

    async def close(self) -> None:
        """Stop retrying (shutdown): what the spool holds is kept for the next start; the rest is lost."""
        waiting = list(self._waiting.values())
        self._waiting.clear()
        tasks = [w.task for w in waiting if w.task is not None]
        for task in tasks:
            task.cancel()
        kept = sum(w.spooled for w in waiting) + len(self._held) + len(self._parked)
        lost = len(waiting) + len(self._held) + len(self._parked) - kept
        if lost:
            _log.warning("%d events were still waiting for a retry at shutdown", lost)
            self.counts.lost += lost
        if kept:
            _log.warning("%d events not applied yet are kept for the next start", kept)
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._spool is not None:
            self._spool.close()

    # inside -----------------------------------------------------------------------------------------

    async def _apply(self, event: KeptEvent, transport: ChatTransport | None) -> object:
        handler = self.handlers.get(event.kind)
        if handler is None:
            raise UsageError(f"no handler for kept events of kind {event.kind!r}")
        return await handler(event.payload, transport or self._transports.get(event.platform))

    async def _retry(self, waiting: _Waiting, *, now: bool = False) -> None:
        event = waiting.event
        delays = (0.0, *self.delays) if now else self.delays
        for delay in delays:
            if delay:
                await self._sleep(delay)
            try:
                result = await self._apply(event, waiting.transport)
            except Exception as exc:  # noqa: BLE001
                if not retryable(exc):
                    _log.warning("%s was not applied: %s", event.what, exc)
                    self._forget(waiting)
                    return
                waiting.error = exc
                continue
            self.counts.applied_later += 1
            _log.info("%s applied after %s", event.what, "a restart" if now else "a retry")
            self._forget(waiting)
            await self._then(waiting.then, result, event)
            return
        self._waiting.pop(event.id, None)
        if waiting.spooled:
            self._parked[event.id] = waiting  # a later event of its reaction must still overrule it in the spool
            _log.error("%s still fails after %d tries over %.0f s; it is kept for the next start", event.what,
                       len(delays), sum(delays))
            return
        self.counts.lost += 1
        _log.error("%s is lost: still failing after %d tries over %.0f s", event.what, len(delays), sum(delays))

    def _supersede(self, event: KeptEvent) -> None:
        """A newer event of the same ``latest`` key decides: older kept ones are dropped."""
        if event.latest is None:
            return
        for waiting in [*self._waiting.values(), *self._parked.values()]:
            if waiting.event.latest == event.latest and waiting.event.id != event.id:
                _log.info("%s is dropped: a later event decides (%s)", waiting.event.what, event.what)
                if waiting.task is not None:
                    waiting.task.cancel()
                self._parked.pop(waiting.event.id, None)
                self._forget(waiting)

    def _keep_durably(self, waiting: _Waiting, *, counted: bool = True) -> bool:
        """Spool it (once); False when it cannot be kept at all (the spool is full: lost, unless ``counted`` is off)."""
        if self._spool is None or waiting.spooled:
            return True
        try:
            stored = self._spool.append(waiting.event)
        except OSError as exc:
            _log.error("%s could not be written to the spool of kept events (%s); kept in memory only",
                       waiting.event.what, exc)
            return True
        if not stored:
            if counted:
                self.counts.lost += 1
                _log.error("%s is lost: the spool of kept events is full", waiting.event.what)
            return False
        waiting.spooled = True
        return True

    def _forget(self, waiting: _Waiting) -> None:
        self._waiting.pop(waiting.event.id, None)
        if waiting.spooled:
            self._done(waiting.event.id)

    def _done(self, event_id: str) -> None:
        if self._spool is None:
            return
        try:
            self._spool.done([event_id])
        except OSError as exc:  # it is replayed at the next start: applying it again changes nothing
            _log.warning("could not mark a kept event done in the spool (%s)", exc)

    async def _then(self, then: Then | None, result: object, event: KeptEvent) -> None:
        if then is None:
            return
        try:
            await then(result)
        except Exception:  # noqa: BLE001 - the event is applied; only the adapter's follow-up failed
            _log.exception("the follow-up of %s failed", event.what)

    def _restore(self, events: list[KeptEvent], kept_for: float) -> None:
        """A previous run's events, waiting for their platform; of one ``latest`` key only the newest."""
        oldest = time.time() - kept_for
        for event in events:
            if event.kept_at < oldest:
                self.counts.lost += 1
                _log.error("%s is lost: kept since %s and never applied", event.what,
                           time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(event.kept_at)))
        stale = [e.id for e in events if e.kept_at < oldest]
        events = [e for e in events if e.kept_at >= oldest]
        newest = {e.latest: e.id for e in events if e.latest is not None}
        dropped = [e.id for e in events if e.latest is not None and newest[e.latest] != e.id]
        if dropped or stale:
            self._done_all(stale + dropped)
        for event in events:
            if event.latest is None or newest[event.latest] == event.id:
                self._waiting[event.id] = _Waiting(event, spooled=True)
        if self._waiting:
            _log.info("%d events kept by a previous run wait for their platform to be applied", len(self._waiting))

    def _done_all(self, ids: list[str]) -> None:
        if self._spool is not None:
            try:
                self._spool.done(ids)
            except OSError as exc:
                _log.warning("could not mark kept events done in the spool (%s)", exc)
