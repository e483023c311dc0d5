"""The tables, as SQLAlchemy 2 declarative models.

Only storage sees these rows; :mod:`storage.mapping` turns them into domain objects.
The naming convention gives every constraint and index a stable name, so later
Alembic migrations (including SQLite batch ones) can refer to them.
"""
from __future__ import annotations

from datetime import date, datetime, time
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    LargeBinary,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.columns import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Lengths are generous bounds, not business rules: PostgreSQL enforces them, SQLite does not.
ID = 255
ARXIV_ID = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PaperRow(Base):
    """One paper, already merged across sources (see ``bot.domain.merge_papers``)."""

    __tablename__ = "papers"

    arxiv_id: Mapped[str] = mapped_column(String(ARXIV_ID), primary_key=True)
    version: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON)
    categories: Mapped[list[str]] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    announced_on: Mapped[date | None] = mapped_column(Date, index=True)
    thumbnail_url: Mapped[str | None] = mapped_column(Text)
    upvotes: Mapped[int | None] = mapped_column(Integer)
    num_comments: Mapped[int | None] = mapped_column(Integer)
    github_repo: Mapped[str | None] = mapped_column(Text)
    github_stars: Mapped[int | None] = mapped_column(Integer)
    project_page: Mapped[str | None] = mapped_column(Text)
    ai_summary: Mapped[str | None] = mapped_column(Text)
    ai_keywords: Mapped[list[str]] = mapped_column(JSON)
    sources: Mapped[list[str]] = mapped_column(JSON)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


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


class PostRow(Base):
    """One paper carried by one platform message."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("channel_key", "message_id", "arxiv_id"),
        # a Discord DM reaction names no guild: its post is found by channel and message (0006)
        Index("ix_posts_platform_channel_message", "platform", "channel", "message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_key: Mapped[str] = mapped_column(String(ID), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(String(ID))
    channel: Mapped[str] = mapped_column(String(ID))
    message_id: Mapped[str] = mapped_column(String(ID))
    arxiv_id: Mapped[str] = mapped_column(String(ARXIV_ID), ForeignKey("papers.arxiv_id"))
    kind: Mapped[str] = mapped_column(String(16))
    digest_day: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReactionRow(Base):
    """A member's emoji on one posted paper.

    The composite foreign key to ``posts`` makes the database refuse a reaction on a
    message the bot never posted, on either backend.
    """

    __tablename__ = "reactions"
    __table_args__ = (
        UniqueConstraint("channel_key", "message_id", "arxiv_id", "user_id", "emoji"),
        ForeignKeyConstraint(
            ["channel_key", "message_id", "arxiv_id"],
            ["posts.channel_key", "posts.message_id", "posts.arxiv_id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_key: Mapped[str] = mapped_column(String(ID), index=True)
    message_id: Mapped[str] = mapped_column(String(ID))
    arxiv_id: Mapped[str] = mapped_column(String(ARXIV_ID), ForeignKey("papers.arxiv_id"))
    user_id: Mapped[str] = mapped_column(String(ID), index=True)
    emoji: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedEventRow(Base):
    """A platform event id already handled, so a retried delivery is not applied twice.

    Platforms retry within minutes (Slack: three times in about an hour), so ids are kept a week
    and then deleted by the scheduler (``Scheduler`` → ``forget_events_before``).
    """

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # pruned by age (0006)


class PaperEmbeddingRow(Base):
    """One paper's vector under one model (float32 bytes); a paper has at most one per model."""

    __tablename__ = "paper_embeddings"

    arxiv_id: Mapped[str] = mapped_column(
        String(ARXIV_ID), ForeignKey("papers.arxiv_id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(ID), primary_key=True)
    dimension: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TasteSignalRow(Base):
    """An explicit signal: a seed paper (`like`), a topic phrase, a followed author.

    ``scope`` is a channel key or a member key (``member:<platform>:<workspace>:<user>``).
    """

    __tablename__ = "taste_signals"
    __table_args__ = (UniqueConstraint("scope", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(ID), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str | None] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelSettingsRow(Base):
    """A channel's ranking settings (`/papers settings`), as a JSON object."""

    __tablename__ = "channel_settings"

    channel_key: Mapped[str] = mapped_column(String(ID), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    """One planned digest for a (channel, local day) and its delivery state (bot.scheduling.ports)."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("channel_key", "local_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_key: Mapped[str] = mapped_column(String(ID))
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(String(ID))
    channel: Mapped[str] = mapped_column(String(ID))
    local_day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    digest_day: Mapped[date | None] = mapped_column(Date)
    week: Mapped[str | None] = mapped_column(String(16))
    items: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(ID))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ids: Mapped[list | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


from storage import models_discussion  # noqa: E402,F401  (discussion tables join Base.metadata)
from storage import models_personal  # noqa: E402,F401  (DM digest and recap tables join Base.metadata)
