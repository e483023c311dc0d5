"""Open feeds' tokens (migration 0009): one per channel feed and per member feed, kept as a sha256 digest.

The token itself is shown once, when it is made; a leaked database gives no working feed URL.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.columns import UTCDateTime
from storage.models.base import ID, Base


class FeedTokenRow(Base):
    __tablename__ = "feed_tokens"

    scope_key: Mapped[str] = mapped_column(String(ID * 2 + 8), primary_key=True)  # FeedScope.key
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(String(ID))
    channel: Mapped[str] = mapped_column(String(ID))
    user_id: Mapped[str | None] = mapped_column(String(ID))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
