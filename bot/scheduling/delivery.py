"""Deliver claimed outbox items: rate-aware per platform, each channel on its own.

Per item: a resumed item (it was ``sending`` when its worker died) is first looked up on the
platform by its outbox tag; found → recorded as sent, never resent; platform cannot tell
(``finds_sent`` is False) → failed visibly ("may have been sent"), never resent blindly.
Otherwise: wait for the rate limiter, then publish through the one publish path
(``bot.usecases.publishing``): send, record the posts and mark the row sent in one transaction,
then open the discussion threads.
Errors: RateLimitedError → wait ``retry_after`` (the platform's limiter pauses too), try again;
ChannelUnavailableError → failed and the subscription paused with the reason;
TransientDeliveryError (or any other error) → retried later with exponential backoff, failed
after ``max_attempts``. Items run concurrently, so one slow or broken channel delays no other.

Kinds: a "dm" item names a member; its channel is opened at send time with the platform's
``open_dm(workspace, user_id)`` (ChannelUnavailableError → failed with the reason and the DM
subscription paused); a DM digest gets no threads. A "recap" item is sent as text
(``bot.scheduling.recap.render_recap``) and records no posts.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import time as _time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import Clock, utc_now
from bot.domain import ChannelRef, Post, PostKind
from bot.errors import ChannelUnavailableError, RateLimitedError, RejectedMessageError
from bot.metrics import metrics
from bot.ports import ChatPlatform, Sent, Store
from bot.replies import DigestReply, Publication, TextReply
from bot.scheduling.personal_ports import DM, RECAP, Member
from bot.scheduling.ports import SKIPPED, OutboxItem
from bot.scheduling.recap import render_recap
from bot.scheduling.schedule import DEFAULT_GRACE
from bot.scheduling.unreachable import WORDS, Unreachable
from bot.usecases.publishing import OutboxSend, Publisher

_log = logging.getLogger(__name__)

Fault = Callable[[str, OutboxItem], None]  # test hook: raise at a named stage to simulate a crash


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class RateLimit:
    """Requests per second: ``global_rate`` across the platform, ``per_channel`` per channel (None: unlimited)."""

    global_rate: float | None = None
    per_channel: float | None = None


# Discord: 50 requests/s per bot; Slack chat.postMessage: ~1 message/s per channel. Paced at 95 %.
DEFAULT_LIMITS = {"discord": RateLimit(global_rate=50 * 0.95), "slack": RateLimit(per_channel=1.0 * 0.95)}


class RateLimiter:
    """Evenly spaced slots (a leaky bucket): no bursts, so the platform's own window is never exceeded."""

    def __init__(self, limit: RateLimit, *, monotonic: Callable[[], float] = _time.monotonic) -> None:
        self._limit = limit
        self._now = monotonic
        self._next_global = 0.0
        self._next_channel: dict[str, float] = {}

    def _slot(self, key: str | None, rate: float | None) -> float:
        if rate is None:
            return self._now()
        now = self._now()
        if key is None:
            at = max(now, self._next_global)
            self._next_global = at + 1.0 / rate
        else:
            at = max(now, self._next_channel.get(key, 0.0))
            self._next_channel[key] = at + 1.0 / rate
        return at

    async def acquire(self, channel_key: str) -> None:
        # per channel first, then a global slot at or after it
        at = self._slot(channel_key, self._limit.per_channel)
        if at > self._now():
            await asyncio.sleep(at - self._now())
        at = self._slot(None, self._limit.global_rate)
        if at > self._now():
            await asyncio.sleep(at - self._now())

    def hold(self, seconds: float) -> None:
        """The platform said 429: nobody on this platform sends for ``seconds``."""
        self._next_global = max(self._next_global, self._now() + seconds)


@dataclass
class DeliverySettings:
    max_attempts: int = 5
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(minutes=30)
    max_rate_limit_waits: int = 20
    grace: timedelta = DEFAULT_GRACE  # a planned digest not yet sent this long after its due time is skipped
    concurrency: int = 256
    limits: Mapping[str, RateLimit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))


@dataclass
class DeliveryReport:
    sent: int = 0
    confirmed: int = 0  # resumed items found on the platform, recorded without resending
    retrying: int = 0
    failed: int = 0
    paused: int = 0
    rate_limited: int = 0

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(self.sent + other.sent, self.confirmed + other.confirmed, self.retrying + other.retrying,
                              self.failed + other.failed, self.paused + other.paused,
                              self.rate_limited + other.rate_limited)


class Delivery:
    def __init__(
        self,
        store: Store,
        platforms: Mapping[str, ChatPlatform],
        publisher: Publisher,
        *,
        clock: Clock = utc_now,
        settings: DeliverySettings | None = None,
        worker: str | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        fault: Fault | None = None,
    ) -> None:
        self._store = store
        self._platforms = dict(platforms)
        self._publisher = publisher
        self._clock = clock
        self.settings = settings or DeliverySettings()
        self.worker = worker or worker_id()
        self._sleep = sleep
        self._fault = fault
        self._limiters = {name: RateLimiter(self.settings.limits.get(name, RateLimit())) for name in self._platforms}

    async def deliver(self, items: list[OutboxItem]) -> DeliveryReport:
        report = DeliveryReport()
        semaphore = asyncio.Semaphore(self.settings.concurrency)

        async def one(item: OutboxItem) -> None:
            async with semaphore:
                try:
                    await self._deliver_one(item, report)
                except Exception:  # noqa: BLE001 — a bug for one item must not stop the others
                    _log.exception("delivering outbox item %d to %s", item.id, item.channel)
                    report.retrying += 1
                    await self._store.retry_later(item.id, self.worker, "internal error", self._backoff(item),
                                                  check_first=self._can_check(item))

        await asyncio.gather(*(one(item) for item in items))
        return report

    def _can_check(self, item: OutboxItem) -> bool:
        platform = self._platforms.get(item.channel.platform)
        return platform is not None and platform.finds_sent

    def _backoff(self, item: OutboxItem) -> datetime:
        delay: timedelta = min(self.settings.backoff_base * (2 ** max(item.attempts - 1, 0)), self.settings.backoff_max)
        at: datetime = self._clock() + delay
        return at

    async def _deliver_one(self, item: OutboxItem, report: DeliveryReport) -> None:
        platform = self._platforms[item.channel.platform]
        if not item.resumed and item.due_at is not None and self._clock() - item.due_at > self.settings.grace:
            late = self._clock() - item.due_at
            _log.warning("skipping the %s digest of %s: %s after its due time, more than the grace period", item.local_day, item.channel, late)
            await self._store.fail(item.id, self.worker, f"not sent within the grace period (due {late} ago)", self._clock(), status=SKIPPED)
            self._count_failed(item, report)
            return
        target = await self._target(platform, item, report)
        if target is None:
            return
        if item.resumed:
            if not platform.finds_sent:
                await self._store.fail(item.id, self.worker,
                                       "may have been sent before a restart; not resent (this platform cannot check)",
                                       self._clock())
                self._count_failed(item, report)
                return
            expected = await self._publication(platform, item, target)
            found = await platform.find_sent(target, item.tag, expected=expected, since=item.due_at)
            if found is not None:
                await self._publish(platform, item, target, found)
                report.confirmed += 1
                metrics().digest_sent(item.channel.platform)
                return
        limiter = self._limiters[item.channel.platform]
        waits = 0
        while True:
            await limiter.acquire(target.key)
            try:
                await self._publish(platform, item, target, None)
                break
            except RateLimitedError as exc:
                report.rate_limited += 1
                waits += 1
                limiter.hold(exc.retry_after)
                if waits > self.settings.max_rate_limit_waits:
                    return await self._retry_or_fail(item, f"rate limited {waits} times: {exc}", report)
                await self._sleep(exc.retry_after)
            except ChannelUnavailableError as exc:
                return await self._unavailable(item, exc, report)
            except RejectedMessageError as exc:  # our rendering's fault: the channel is fine, do not pause it
                _log.error("the platform refused the %s digest of %s as rendered: %s", item.local_day, item.channel, exc)
                await self._store.fail(item.id, self.worker, f"refused as rendered: {exc}", self._clock())
                self._count_failed(item, report)
                return
            except Exception as exc:  # noqa: BLE001 - TransientDeliveryError and anything unexpected from an adapter
                return await self._retry_or_fail(item, f"{type(exc).__name__}: {exc}", report)
        report.sent += 1
        metrics().digest_sent(item.channel.platform)

    @staticmethod
    def _count_failed(item: OutboxItem, report: DeliveryReport) -> None:
        """An item given up on (failed or skipped): in the report and the failed-digests metric."""
        report.failed += 1
        metrics().digest_failed(item.channel.platform)

    async def _target(self, platform: ChatPlatform, item: OutboxItem, report: DeliveryReport) -> ChannelRef | None:
        """Where the item goes: its channel, or for a DM the member's DM channel (None: handled, stop)."""
        if item.kind != DM:
            return item.channel
        try:
            return await platform.open_dm(item.channel.workspace, item.channel.channel)
        except ChannelUnavailableError as exc:
            await self._unavailable(item, exc, report)
        except Exception as exc:  # noqa: BLE001 — rate limits and transient errors: retried like a send
            await self._retry_or_fail(item, f"opening the DM: {type(exc).__name__}: {exc}", report)
        return None

    async def _unavailable(self, item: OutboxItem, exc: ChannelUnavailableError, report: DeliveryReport) -> None:
        """Failed, and what made it (channel subscription, DM, recap) paused: the reason people read is the
        error's words (:mod:`bot.scheduling.unreachable`); the platform's detail goes to the log and the row."""
        now = self._clock()
        what = {DM: "direct message", RECAP: "recap channel"}.get(item.kind, "channel")
        reason = str(exc).strip() or WORDS[Unreachable.OTHER]
        _log.warning("%s %s unavailable, pausing it: %s", what, item.channel, exc.detail)
        await self._store.fail(item.id, self.worker, f"{what} unavailable: {exc.detail}", now)
        if item.kind == DM:
            await self._store.pause_dm(Member(item.channel.platform, item.channel.workspace, item.channel.channel), reason, now)
        elif item.kind == RECAP:
            await self._store.pause_recap(item.channel, reason, now)
        else:
            await self._store.pause_subscription(item.channel, reason, now)
        self._count_failed(item, report)
        report.paused += 1

    async def _publish(self, platform: ChatPlatform, item: OutboxItem, target: ChannelRef, found: Sent | None) -> None:
        """Through the one publish path: send (or take what was found), record with the row, thread."""
        publication = await self._publication(platform, item, target)

        async def record(posts: Sequence[Post], sent: Sent) -> None:
            if self._fault and found is None:
                self._fault("after_send", item)
            ids = list(sent.message_ids) if isinstance(publication, DigestReply) else [sent.root_id]
            await self._store.finish_sent(item.id, self.worker, ids, posts, self._clock())

        await self._publisher.publish(platform, target, publication, kind=PostKind.SCHEDULED,
                                      outbox=OutboxSend(item.tag, record, found), threads=item.kind != DM)

    async def _publication(self, platform: ChatPlatform, item: OutboxItem, target: ChannelRef) -> Publication | TextReply:
        """What the item posts: its digest, its recap's text, or its note."""
        digest = item.digest
        if item.kind == RECAP and digest.items:
            return TextReply(await render_recap(item, platform, target))
        if not digest.items:
            return TextReply(digest.note or digest.title)
        return DigestReply(digest)

    async def _retry_or_fail(self, item: OutboxItem, error: str, report: DeliveryReport) -> None:
        if item.attempts >= self.settings.max_attempts:
            _log.error("giving up on the %s digest of %s after %d attempts: %s", item.local_day, item.channel, item.attempts, error)
            await self._store.fail(item.id, self.worker, f"gave up after {item.attempts} attempts: {error}", self._clock())
            self._count_failed(item, report)
        else:
            _log.warning("the %s digest of %s failed (attempt %d), retrying later: %s", item.local_day, item.channel, item.attempts, error)
            # a failed send may still have gone through (a timeout): look before resending when the platform can
            await self._store.retry_later(item.id, self.worker, error, self._backoff(item), check_first=self._can_check(item))
            report.retrying += 1
