"""Indexes for "who already saw or rated this paper": posts, reactions and seeded likes by paper.

A planning pass asks, for the day's papers, which channels and members got or rated each one
(``SqlStore.seen_among``); without these the three queries scan whole tables, which grow by every
post and reaction for as long as the bot runs. ``taste_signals.value`` is text (a phrase, an
author or an arXiv id): PostgreSQL's btree takes it; SQLite indexes any column.

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # re-runnable: a database left half-way (indexes made, version row not) is finished, not refused
    op.create_index("ix_posts_arxiv_id", "posts", ["arxiv_id"], if_not_exists=True)
    op.create_index("ix_reactions_arxiv_id", "reactions", ["arxiv_id"], if_not_exists=True)
    op.create_index("ix_taste_signals_kind_value", "taste_signals", ["kind", "value"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_taste_signals_kind_value", table_name="taste_signals")
    op.drop_index("ix_reactions_arxiv_id", table_name="reactions")
    op.drop_index("ix_posts_arxiv_id", table_name="posts")
