"""Covering indexes for "who already got or rated this paper": posts and reactions by paper, with the keys.

0012's ``ix_posts_arxiv_id`` / ``ix_reactions_arxiv_id`` find a planning pool's rows by paper, but the
seen filter (``SqlStore.seen_ids``) reads the channel key (and, for members, the user) of each: on
SQLite one table-row lookup per index entry, in paper order, so scattered over the table. At 100,000
channels (200,000 posts) that read outgrew the page cache and cost 0.8 s CPU against 0.013 s at
10,000; with the keys in the index it is read from the index alone (0.08 s). The new indexes start
with ``arxiv_id``, so they serve every lookup by paper the old ones did, which they replace.

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # re-runnable: a database left half-way (indexes made, version row not) is finished, not refused
    op.create_index("ix_posts_arxiv_id_channel_key", "posts", ["arxiv_id", "channel_key"], if_not_exists=True)
    op.drop_index("ix_posts_arxiv_id", table_name="posts", if_exists=True)
    op.create_index("ix_reactions_arxiv_id_channel_key_user_id", "reactions", ["arxiv_id", "channel_key", "user_id"], if_not_exists=True)
    op.drop_index("ix_reactions_arxiv_id", table_name="reactions", if_exists=True)


def downgrade() -> None:
    op.create_index("ix_reactions_arxiv_id", "reactions", ["arxiv_id"])
    op.drop_index("ix_reactions_arxiv_id_channel_key_user_id", table_name="reactions")
    op.create_index("ix_posts_arxiv_id", "posts", ["arxiv_id"])
    op.drop_index("ix_posts_arxiv_id_channel_key", table_name="posts")
