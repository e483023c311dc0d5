"""Explicit taste signals: seed papers, topic phrases, followed authors."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.columns import UTCDateTime
from storage.models.base import ID, Base


class TasteSignalRow(Base):
    """An explicit signal: a seed paper (`like`), a topic phrase, a followed author.

    ``scope`` is a channel key or a member key (``member:<platform>:<workspace>:<user>``).
    """

    __tablename__ = "taste_signals"
    __table_args__ = (
        UniqueConstraint("scope", "kind", "value"),
        Index("ix_taste_signals_kind_value", "kind", "value"),  # who seeded a paper (bot.scheduling.seen)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(ID), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str | None] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
