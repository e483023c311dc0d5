"""An index to find a post by platform, channel and message id, whatever the workspace.

A reaction on a Discord DM names no guild; after a restart the adapter no longer knows which
guild the DM digest was for, and finds it from the post (``SqlStore.workspace_of_message``).

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_posts_platform_channel_message", "posts", ["platform", "channel", "message_id"])


def downgrade() -> None:
    op.drop_index("ix_posts_platform_channel_message", table_name="posts")
