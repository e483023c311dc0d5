"""Slack's multi-workspace install: who installed paperbot where (with the tokens), and the OAuth
``state`` values handed out by ``/slack/install`` until they come back or expire.

The token columns are secrets at rest: anyone who reads this table can post as paperbot in those
workspaces (see docs/slack.md, "Several workspaces", on why they are not encrypted here).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.columns import UTCDateTime
from storage.models.base import ID, Base


class SlackInstallationRow(Base):
    """One installer's installation in one workspace (or Enterprise Grid org): the latest save wins.

    ``enterprise_id``/``team_id`` are "" when Slack gave none, so the unique key compares them
    (NULLs never compare equal). The bot columns are NULL once the bot token was revoked.
    """

    __tablename__ = "slack_installations"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(ID))
    app_id: Mapped[str | None] = mapped_column(String(ID))
    enterprise_id: Mapped[str] = mapped_column(String(ID))
    enterprise_name: Mapped[str | None] = mapped_column(Text)
    enterprise_url: Mapped[str | None] = mapped_column(Text)
    team_id: Mapped[str] = mapped_column(String(ID), index=True)
    team_name: Mapped[str | None] = mapped_column(Text)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, server_default=false())
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(String(ID))
    bot_user_id: Mapped[str | None] = mapped_column(String(ID))
    bot_scopes: Mapped[str | None] = mapped_column(Text)
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(ID))
    user_token: Mapped[str | None] = mapped_column(Text)
    user_scopes: Mapped[str | None] = mapped_column(Text)
    user_refresh_token: Mapped[str | None] = mapped_column(Text)
    user_token_expires_at: Mapped[int | None] = mapped_column(Integer)
    token_type: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SlackOAuthStateRow(Base):
    """A ``state`` given to a browser at ``/slack/install``; used once, refused after ``expires_at``."""

    __tablename__ = "slack_oauth_states"

    state: Mapped[str] = mapped_column(String(ID), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
