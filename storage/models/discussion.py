"""Tables of discussion threads: which thread discusses which paper, who took part, thread mode.

"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.columns import UTCDateTime
from storage.models.base import ARXIV_ID, ID, Base


class DiscussionThreadRow(Base):
    """One paper discussed in one thread of a channel (a Slack digest thread may carry several)."""

    __tablename__ = "discussion_threads"
    __table_args__ = (UniqueConstraint("channel_key", "thread_id", "arxiv_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_key: Mapped[str] = mapped_column(String(ID))
    root_message_id: Mapped[str] = mapped_column(String(ID))
    thread_id: Mapped[str] = mapped_column(String(ID))
    arxiv_id: Mapped[str] = mapped_column(String(ARXIV_ID), ForeignKey("papers.arxiv_id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ThreadActivityRow(Base):
    """A member's reply or question in a paper's thread; ``event_id`` dedupes retried deliveries.

    Several rows may share one event (a message in a thread about several papers), so the
    uniqueness is per (event, paper).
    """

    __tablename__ = "thread_activity"
    __table_args__ = (UniqueConstraint("event_id", "arxiv_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel_key: Mapped[str] = mapped_column(String(ID), index=True)
    thread_id: Mapped[str] = mapped_column(String(ID))
    arxiv_id: Mapped[str] = mapped_column(String(ARXIV_ID), ForeignKey("papers.arxiv_id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(ID), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str | None] = mapped_column(String(ID))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelThreadModeRow(Base):
    """A channel's thread mode (always | first_reply | never; NULL or no row → the configured default)
    and what pasted paper links do (thread | quiet; NULL → quiet)."""

    __tablename__ = "channel_thread_modes"

    channel_key: Mapped[str] = mapped_column(String(ID), primary_key=True)
    mode: Mapped[str | None] = mapped_column(String(16))
    links: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
