"""Tables of the personal DM digest and the weekly recap (migration 0005).

Their outbox rows live in ``outbox`` under ``dm:<member>`` / ``recap:<channel>`` keys.
"""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from storage.columns import UTCDateTime
from storage.models.base import ID, Base


class DmSubscriptionRow(Base):
    """A member's personal DM digest (`/papers dm on 08:30 Europe/Paris`); one per member."""

    __tablename__ = "dm_subscriptions"

    member_key: Mapped[str] = mapped_column(String(ID), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(String(ID))
    user_id: Mapped[str] = mapped_column(String(ID))
    post_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    weekdays: Mapped[str] = mapped_column(String(7))
    count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paused_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChannelRecapRow(Base):
    """A channel's weekly recap (`/papers recap on fri 16:00`); one per channel."""

    __tablename__ = "channel_recaps"

    channel_key: Mapped[str] = mapped_column(String(ID), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(String(ID))
    channel: Mapped[str] = mapped_column(String(ID))
    weekday: Mapped[int] = mapped_column(Integer)
    post_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paused_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
