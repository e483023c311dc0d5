"""What the scheduler needs from storage: schedule fields, digest plans and the outbox.

Every method is its own transaction. ``storage.delivery_store.DeliveryStoreMixin`` implements
it for SQLite and PostgreSQL (``SqlStore`` inherits it).

Outbox states: ``planned`` → ``sending`` (claimed by one worker until ``claimed_until``) →
``sent`` (with the platform message ids) or ``failed`` (with the reason). Terminal states
that never reach a platform: ``empty`` (no new papers, no note configured) and ``skipped``
(missed by more than the grace period).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from bot.domain import ChannelRef, Digest, Post
from bot.scheduling.schedule import ScheduledSubscription, ScheduleOptions
from bot.scheduling.seen import SeenStore

PLANNED, SENDING, SENT, FAILED, EMPTY, SKIPPED = "planned", "sending", "sent", "failed", "empty", "skipped"


@dataclass(frozen=True)
class PlannedItem:
    arxiv_id: str
    score: float
    why: str
    extra: dict[str, Any] | None = None  # stored beside id/score/why (a recap line's counts and thread id)


@dataclass(frozen=True)
class DigestPlan:
    """A digest decided before anything is sent: which papers, in which order, for which channel/day."""

    channel: ChannelRef
    local_day: date
    due_at: datetime
    title: str
    items: tuple[PlannedItem, ...]
    status: str = PLANNED
    kind: str = "daily"
    digest_day: date | None = None
    week: str | None = None
    note: str | None = None
    error: str | None = None
    key: str | None = None  # the outbox key when not ``channel.key`` (DM: ``dm:<member>``, recap: ``recap:<channel>``)


@dataclass(frozen=True)
class OutboxItem:
    """A claimed outbox row, with its digest rebuilt from stored papers.

    ``resumed`` is True when the row was already ``sending`` (a worker died or timed out
    mid-send): the send may have happened, so the platform is asked before resending.
    """

    id: int
    channel: ChannelRef
    local_day: date
    digest: Digest
    attempts: int
    resumed: bool
    due_at: datetime | None = None
    kind: str = "daily"  # "daily" | "weekly" | "dm" (channel: the member) | "recap"
    extra: tuple[dict[str, Any], ...] = ()  # the stored plan items as planned (a recap's counts and thread ids)

    @property
    def tag(self) -> str:
        """The outbox id as adapters attach it to the message (see ``bot.ports.ChatPlatform``)."""
        return f"paperbot-outbox-{self.id}"


class DeliveryStore(SeenStore, Protocol):
    # schedule fields of subscriptions
    async def get_schedule(self, channel: ChannelRef) -> ScheduleOptions | None: ...

    async def set_schedule(self, channel: ChannelRef, options: ScheduleOptions) -> bool:
        """Replace weekdays/threshold/weekly/pause; False when the channel has no subscription."""
        ...

    async def pause_subscription(self, channel: ChannelRef, reason: str, at: datetime) -> None: ...

    async def scheduled_subscriptions(self) -> list[ScheduledSubscription]: ...

    # plans
    async def planned_keys(self, since: date) -> set[tuple[str, date]]:
        """(channel key, local day) of every plan for a local day on or after ``since``."""
        ...

    async def posted_among(self, arxiv_ids: Iterable[str]) -> dict[str, set[str]]:
        """Channel key → those of ``arxiv_ids`` already posted there."""
        ...

    async def save_plans(self, plans: Sequence[DigestPlan], at: datetime) -> int:
        """Insert; a plan for a (channel, local day) that exists is left as it is. Returns how many were new."""
        ...

    # outbox
    async def claim_outbox(
        self, worker: str, now: datetime, *, platforms: Iterable[str], limit: int, lease: timedelta
    ) -> list[OutboxItem]:
        """Atomically move up to ``limit`` due rows (planned and due, or sending with an expired
        lease) to ``sending`` for ``worker``; no two workers ever get the same row."""
        ...

    async def finish_sent(self, item_id: int, worker: str, message_ids: Sequence[str], posts: Sequence[Post], at: datetime) -> None:
        """In one transaction: record the posts and mark the row sent."""
        ...

    async def retry_later(self, item_id: int, worker: str, error: str, at: datetime, *, check_first: bool = False) -> None:
        """Try again at ``at``: as ``planned``, or with ``check_first`` as an expired-at-``at`` ``sending``
        claim, so the next attempt asks the platform first (the failed send may have gone through)."""
        ...

    async def fail(self, item_id: int, worker: str, error: str, at: datetime, *, status: str = FAILED) -> None:
        """Finish the row unsent: ``failed`` (or ``skipped``) with the reason."""
        ...

    async def outbox_status(self, channel: ChannelRef | None = None) -> dict[str, int]: ...
