"""What the DM digest and the weekly recap need from storage (``storage.personal_store`` implements it).

A DM subscription belongs to a member (platform + workspace + user); a recap to a channel.
Their outbox rows live in the same ``outbox`` table as channel digests, under their own keys
(:func:`dm_key`, :func:`recap_key`), so they are planned once and delivered exactly once by the
same claims; :data:`DM` and :data:`RECAP` are their ``kind``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Protocol

from bot.domain import ChannelRef
from bot.scheduling.schedule import WEEKDAYS_DEFAULT

DM, RECAP = "dm", "recap"
DEFAULT_DM_COUNT = 5
DEFAULT_RECAP_DAY = 5  # ISO weekday: Friday
DEFAULT_RECAP_TIME = time(16, 0)


@dataclass(frozen=True)
class Member:
    platform: str
    workspace: str
    user_id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.user_id}"


def dm_settings_channel(platform: str, workspace: str, user_id: str) -> ChannelRef:
    """Where a member's DM-digest ranking settings live (`/papers dm settings …`): a channel of
    their own, as a DM digest has no channel settings to borrow."""
    return ChannelRef(platform, workspace, f"dm-{user_id}")


def dm_key(member: Member) -> str:
    """The outbox ``channel_key`` of a member's DM digests (never a channel's key)."""
    return f"dm:{member.key}"


def recap_key(channel: ChannelRef) -> str:
    """The outbox ``channel_key`` of a channel's recaps (apart from its daily digest's key)."""
    return f"recap:{channel.key}"


@dataclass(frozen=True)
class DmSubscription:
    member: Member
    post_time: time
    timezone: str
    weekdays: frozenset[int] = WEEKDAYS_DEFAULT
    count: int = DEFAULT_DM_COUNT
    created_at: datetime | None = None
    paused_reason: str | None = None
    paused_at: datetime | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


@dataclass(frozen=True)
class RecapSubscription:
    channel: ChannelRef
    weekday: int = DEFAULT_RECAP_DAY
    post_time: time = DEFAULT_RECAP_TIME
    timezone: str = "UTC"
    created_by: str | None = None
    created_at: datetime | None = None
    paused_reason: str | None = None
    paused_at: datetime | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


@dataclass(frozen=True)
class RecapEntry:
    """One paper posted in the channel during the recap's week, with what it got there."""

    arxiv_id: str
    first_posted_at: datetime
    emoji: dict[str, int] = field(default_factory=dict)  # emoji → how many reactions
    replies: int = 0
    thread_id: str | None = None


class PersonalStore(Protocol):
    async def save_dm(self, subscription: DmSubscription) -> bool:
        """Create or replace (and resume); True when it was new."""
        ...

    async def get_dm(self, member: Member) -> DmSubscription | None: ...

    async def delete_dm(self, member: Member) -> bool: ...

    async def dm_subscriptions(self) -> list[DmSubscription]: ...

    async def pause_dm(self, member: Member, reason: str, at: datetime) -> None: ...

    async def dm_sent_ids(self, members: Iterable[Member]) -> dict[str, set[str]]:
        """Member key → papers already in one of their DM digests (planned, being sent or sent)."""
        ...

    async def save_recap(self, subscription: RecapSubscription) -> bool: ...

    async def get_recap(self, channel: ChannelRef) -> RecapSubscription | None: ...

    async def delete_recap(self, channel: ChannelRef) -> bool: ...

    async def recap_subscriptions(self) -> list[RecapSubscription]: ...

    async def pause_recap(self, channel: ChannelRef, reason: str, at: datetime) -> None: ...

    async def recap_entries(self, channel: ChannelRef, since: datetime, until: datetime) -> list[RecapEntry]:
        """Papers first posted in ``channel`` in [since, until), with their reactions and thread replies."""
        ...
