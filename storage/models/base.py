"""The declarative base: one MetaData with a naming convention, so every constraint and index has a
stable name that Alembic migrations (SQLite batch ones too) can refer to; and the shared column bounds."""
from __future__ import annotations

from typing import cast

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Lengths are generous bounds, not business rules: PostgreSQL enforces them, SQLite does not.
ID = 255
ARXIV_ID = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A model's Core table (typed as one: SQLAlchemy types ``__table__`` as any FromClause)."""
    return cast(Table, model.__table__)
