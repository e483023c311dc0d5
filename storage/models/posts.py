"""What the bot posted, the reactions on it, and the platform event ids already applied."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.columns import UTCDateTime
from storage.models.base import ARXIV_ID, ID, Base


class PostRow(Base):
    """One paper carried by one platform message."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("channel_key", "message_id", "arxiv_id"),
        # a Discord DM reaction names no guild: its post is found by channel and message (0006)
        Index("ix_posts_platform_channel_message", "platform", "channel", "message_id"),
        # a member replies under a Slack digest message: its papers are found by that root (0007)
        Index("ix_posts_channel_key_root", "channel_key", "root_message_id"),
        # recent posts whose thread was never opened are found by time (0008)
        Index("ix_posts_posted_at", "posted_at"),
        # who already got a paper (bot.scheduling.seen), read from the index alone (0013)
        Index("ix_posts_arxiv_id_channel_key", "arxiv_id", "channel_key"),
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
    root_message_id: Mapped[str | None] = mapped_column(String(ID))


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
        # who already rated a paper (bot.scheduling.seen), read from the index alone (0013)
        Index("ix_reactions_arxiv_id_channel_key_user_id", "arxiv_id", "channel_key", "user_id"),
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
