"""Two lookup indexes: posts by platform, channel and message; processed events by age.

- A reaction on a Discord DM names no guild; after a restart the adapter no longer knows which
  guild the DM digest was for, and finds it from the post (``SqlStore.workspace_of_message``).
- Processed platform event ids are kept a week, then deleted by age (``SqlStore.forget_events_before``).

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
    # re-runnable: a database left half-way (indexes made, version row not) is finished, not refused
    op.create_index("ix_posts_platform_channel_message", "posts", ["platform", "channel", "message_id"], if_not_exists=True)
    op.create_index("ix_processed_events_seen_at", "processed_events", ["seen_at"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_processed_events_seen_at", table_name="processed_events")
    op.drop_index("ix_posts_platform_channel_message", table_name="posts")
