"""The real Alembic migrations build exactly what models.py declares, on every backend."""
from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy import inspect

from storage.migrate import current_revision, head_revision, schema_diff, upgrade
from storage.models import Base
from storage.store import SqlStore
from tests.harness.builders import paper

TABLES = {"papers", "subscriptions", "posts", "reactions", "processed_events", "paper_embeddings", "taste_signals", "channel_settings", "outbox", "discussion_threads", "thread_activity", "channel_thread_modes", "dm_subscriptions", "channel_recaps", "feed_tokens", "slack_installations", "slack_oauth_states"}


async def _table_names(url: str) -> set[str]:
    async with SqlStore.connect(url) as store:
        assert store.engine is not None
        async with store.engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_creates_the_tables_and_records_head(db_url: str) -> None:
    assert await current_revision(db_url) is None
    await upgrade(db_url)
    assert await current_revision(db_url) == head_revision() == "0013"
    assert await _table_names(db_url) == TABLES | {"alembic_version"}


async def test_upgrading_twice_is_a_no_op(db_url: str) -> None:
    await upgrade(db_url)
    async with SqlStore.connect(db_url) as store:
        await store.upsert_papers([paper("2511.00001")])
    await upgrade(db_url)
    assert await current_revision(db_url) == head_revision()
    async with SqlStore.connect(db_url) as store:
        assert await store.count_papers() == 1


async def test_models_and_migrations_agree(db_url: str) -> None:
    await upgrade(db_url)
    assert await schema_diff(db_url) == []


async def test_the_comparison_would_notice_drift(db_url: str) -> None:
    """Guards the test above: a model the migrations don't match must show up as a difference."""
    await upgrade(db_url)
    drifted = sa.MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["papers"].append_column(sa.Column("embedding", sa.JSON()))
    sa.Index("ix_reactions_emoji", drifted.tables["reactions"].c.emoji)
    diff = await schema_diff(db_url, drifted)
    assert {entry[0] for entry in diff} == {"add_column", "add_index"}


async def test_processes_starting_at_once_migrate_once(db_url: str) -> None:
    await asyncio.gather(upgrade(db_url), upgrade(db_url), upgrade(db_url))
    assert await current_revision(db_url) == head_revision()
    assert await schema_diff(db_url) == []
