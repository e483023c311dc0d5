"""Posts remember the message their publication's thread hangs from (``posts.root_message_id``).

A Slack digest's papers are recorded on its per-paper replies, but members reply under the digest
message itself: with the root stored, the core finds a digest's papers from the thread a member
writes in, across restarts, without reading the thread back from Slack. Posts recorded before this
revision have no root (NULL): they are still found by their own message id.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("root_message_id", sa.String(255), nullable=True))
        batch.create_index("ix_posts_channel_key_root", ["channel_key", "root_message_id"])


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_index("ix_posts_channel_key_root")
        batch.drop_column("root_message_id")
