"""Alembic environment for paperbot.

Normally :mod:`storage.migrate` hands over an open connection (``config.attributes``);
otherwise (offline SQL, or the ``alembic`` command line) the URL from the attributes,
``sqlalchemy.url`` or ``$PAPERBOT_DATABASE_URL`` is opened on an async engine. SQLite
migrations run in batch mode, since SQLite's ALTER TABLE can do little.

Logging is never configured here (no ``logging.config.fileConfig`` as in Alembic's template):
paperbot configures it once per process (:mod:`paperbot.logs`), and migrations run on every start,
so a reconfiguration here would reset every logger's level and print Alembic's INFO lines on every
CLI command.
"""
from __future__ import annotations

import asyncio
import os
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from storage.columns import UTCDateTime
from storage.database import create_engine, default_database_url, normalise_url
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return (
        config.attributes.get("url")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("PAPERBOT_DATABASE_URL")
        or default_database_url()
    )


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones: a migration must not import app code that may change."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def run_migrations_offline() -> None:
    url = normalise_url(_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        render_as_batch=url.get_backend_name() == "sqlite",
        render_item=_render_item,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_on(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_on_own_engine() -> None:
    engine = create_engine(_url(), sqlite_foreign_keys=False, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations_on)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
elif (connection := config.attributes.get("connection")) is not None:
    run_migrations_on(connection)
else:
    asyncio.run(run_migrations_on_own_engine())
