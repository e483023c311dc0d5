"""Per-channel standing orders: the daily digest subscription and the ranking settings."""
from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text, Time, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.columns import UTCDateTime
from storage.models.base import ID, Base


class SubscriptionRow(Base):
    """A channel's daily digest order; one per channel (``ChannelRef.key``)."""

    __tablename__ = "subscriptions"

    channel_key: Mapped[str] = mapped_column(String(ID), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(String(ID))
    channel: Mapped[str] = mapped_column(String(ID))
    post_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # schedule and pause state (migration 0003; see bot.scheduling.schedule.ScheduleOptions)
    weekdays: Mapped[str] = mapped_column(String(7), server_default="12345")
    threshold: Mapped[float | None] = mapped_column(Float)
    weekly: Mapped[bool] = mapped_column(Boolean, server_default=false())
    paused_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChannelSettingsRow(Base):
    """A channel's ranking settings (`/papers settings`), as a JSON object."""

    __tablename__ = "channel_settings"

    channel_key: Mapped[str] = mapped_column(String(ID), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
