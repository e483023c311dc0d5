"""Schema for taste (embeddings, profiles, channel settings) — owned by the personalization work.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paper_embeddings",
        sa.Column("arxiv_id", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=255), nullable=False),
        sa.Column("dimension", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["arxiv_id"], ["papers.arxiv_id"], name="fk_paper_embeddings_arxiv_id_papers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("arxiv_id", "model", name="pk_paper_embeddings"),
    )
    op.create_table(
        "taste_signals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_taste_signals"),
        sa.UniqueConstraint("scope", "kind", "value", name="uq_taste_signals_scope_kind_value"),
    )
    op.create_index("ix_taste_signals_scope", "taste_signals", ["scope"])
    op.create_table(
        "channel_settings",
        sa.Column("channel_key", sa.String(length=255), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_key", name="pk_channel_settings"),
    )


def downgrade() -> None:
    op.drop_table("channel_settings")
    op.drop_index("ix_taste_signals_scope", table_name="taste_signals")
    op.drop_table("taste_signals")
    op.drop_table("paper_embeddings")
