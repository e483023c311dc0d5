"""What pasted paper links do in a channel (``channel_thread_modes.links``: thread | quiet).

The setting lives on the channel's thread-mode row, so that row can now exist for a channel that
chose only its links: ``mode`` becomes nullable (NULL: the configured default thread mode).

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_thread_modes") as batch:
        batch.add_column(sa.Column("links", sa.String(16), nullable=True))
        batch.alter_column("mode", existing_type=sa.String(16), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM channel_thread_modes WHERE mode IS NULL")
    with op.batch_alter_table("channel_thread_modes") as batch:
        batch.alter_column("mode", existing_type=sa.String(16), nullable=False)
        batch.drop_column("links")
