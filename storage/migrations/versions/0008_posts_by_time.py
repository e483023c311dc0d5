"""Posts by the time they were posted: the scheduler looks for recent posts whose discussion thread
was never opened (a crash or a database restart between recording and opening) and opens them.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # re-runnable: a database left half-way (indexes made, version row not) is finished, not refused
    op.create_index("ix_posts_posted_at", "posts", ["posted_at"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_posts_posted_at", table_name="posts")
