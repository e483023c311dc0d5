"""Schema for discussion threads (threads per paper, thread activity, per-channel thread mode) — owned by the threads work.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discussion_threads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_key", sa.String(length=255), nullable=False),
        sa.Column("root_message_id", sa.String(length=255), nullable=False),
        sa.Column("thread_id", sa.String(length=255), nullable=False),
        sa.Column("arxiv_id", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["arxiv_id"], ["papers.arxiv_id"], name="fk_discussion_threads_arxiv_id_papers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_discussion_threads"),
        sa.UniqueConstraint(
            "channel_key", "thread_id", "arxiv_id", name="uq_discussion_threads_channel_key_thread_id_arxiv_id"
        ),
    )
    op.create_table(
        "thread_activity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_key", sa.String(length=255), nullable=False),
        sa.Column("thread_id", sa.String(length=255), nullable=False),
        sa.Column("arxiv_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["arxiv_id"], ["papers.arxiv_id"], name="fk_thread_activity_arxiv_id_papers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_thread_activity"),
        sa.UniqueConstraint("event_id", "arxiv_id", name="uq_thread_activity_event_id_arxiv_id"),
    )
    op.create_index("ix_thread_activity_channel_key", "thread_activity", ["channel_key"])
    op.create_index("ix_thread_activity_user_id", "thread_activity", ["user_id"])
    op.create_table(
        "channel_thread_modes",
        sa.Column("channel_key", sa.String(length=255), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_key", name="pk_channel_thread_modes"),
    )


def downgrade() -> None:
    op.drop_table("channel_thread_modes")
    op.drop_index("ix_thread_activity_user_id", table_name="thread_activity")
    op.drop_index("ix_thread_activity_channel_key", table_name="thread_activity")
    op.drop_table("thread_activity")
    op.drop_table("discussion_threads")
