"""Schema for scheduling and delivery (subscription schedule fields, digest plans, outbox) — owned by the scheduler work.

Adds the schedule/pause columns to ``subscriptions`` (with server defaults, so existing rows
and ``save_subscription`` — which does not name them — keep working) and creates ``outbox``:
one row per (channel, local day), the plan and its delivery state.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("subscriptions", sa.Column("weekdays", sa.String(length=7), server_default="12345", nullable=False))
    op.add_column("subscriptions", sa.Column("threshold", sa.Float(), nullable=True))
    op.add_column("subscriptions", sa.Column("weekly", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("subscriptions", sa.Column("paused_reason", sa.Text(), nullable=True))
    op.add_column("subscriptions", sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel_key", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.Column("week", sa.String(length=16), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=255), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_ids", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("channel_key", "local_day", name="uq_outbox_channel_key_local_day"),
    )
    op.create_index("ix_outbox_status", "outbox", ["status"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status", table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("subscriptions") as batch:
        for column in ("paused_at", "paused_reason", "weekly", "threshold", "weekdays"):
            batch.drop_column(column)
