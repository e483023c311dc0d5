"""A schema the revision row does not describe, on a real SQLite file and the real PostgreSQL: a
migration stopped half-way is finished, a newer paperbot's revision is refused in the doctor's
words, and a table dropped by hand is named (by the doctor's comparison, and at run time) as a
permanent problem, not "try again in a minute"."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import ChannelRef
from bot.errors import ConfigError, Failure, StoreSchemaError, StoreUnavailableError, failure_of
from storage.migrate import current_revision, head_revision, schema_diff, upgrade
from storage.schema_drift import schema_drift
from storage.store import SqlStore


async def _execute(url: str, *statements: str) -> None:
    async with SqlStore.connect(url) as store:
        assert store.engine is not None
        async with store.engine.begin() as connection:
            for statement in statements:
                await connection.exec_driver_sql(statement)


async def test_0013_half_applied_is_finished_by_the_next_upgrade(db_url: str) -> None:
    """0013's indexes made (and 0012's dropped), the version row still at 0012."""
    await upgrade(db_url, "0013")
    await _execute(db_url, "UPDATE alembic_version SET version_num = '0012'")
    await upgrade(db_url)
    assert await current_revision(db_url) == head_revision()
    assert await schema_diff(db_url) == []


async def test_0013_stopped_after_its_first_index_is_finished_too(db_url: str) -> None:
    await upgrade(db_url, "0012")
    await _execute(db_url, "CREATE INDEX ix_posts_arxiv_id_channel_key ON posts (arxiv_id, channel_key)")
    await upgrade(db_url)
    assert await current_revision(db_url) == head_revision()
    assert await schema_diff(db_url) == []


async def test_a_table_made_by_hand_where_a_migration_makes_one_is_worded_not_a_raw_error(db_url: str) -> None:
    await upgrade(db_url, "0008")
    await _execute(db_url, "CREATE TABLE feed_tokens (x INTEGER)")
    with pytest.raises(ConfigError) as refused:
        await upgrade(db_url)
    words = str(refused.value)
    assert "cannot be upgraded:" in words and "table" in words and "feed_tokens already exists" in words, words
    assert "Error:" not in words and "`paperbot doctor`" in words, words


async def test_a_revision_from_a_newer_paperbot_is_refused_in_the_doctors_words(db_url: str) -> None:
    await upgrade(db_url)
    await _execute(db_url, "UPDATE alembic_version SET version_num = '0014'")
    with pytest.raises(ConfigError) as refused:
        await upgrade(db_url)
    words = str(refused.value)
    assert f"ahead: the database is at revision 0014, which this paperbot does not know (its newest is {head_revision()})" in words
    assert "this database was upgraded by a newer paperbot" in words and "run that newer paperbot" in words
    assert "ResolutionError" not in words, words
    assert await current_revision(db_url) == "0014"  # nothing changed


async def test_the_comparison_names_a_dropped_table_and_column_and_only_notes_foreign_tables(db_url: str) -> None:
    await upgrade(db_url)
    assert (await schema_drift(db_url)).problems == []
    await _execute(db_url, "DROP TABLE feed_tokens", "CREATE TABLE other_program (x INTEGER)",
                   "ALTER TABLE papers ADD COLUMN scribble INTEGER")
    drift = await schema_drift(db_url)
    assert drift.problems == ["missing table feed_tokens", "extra column papers.scribble"]
    assert drift.extra_tables == ["other_program"]


async def test_a_table_missing_at_run_time_is_a_schema_error_not_a_passing_outage(db_url: str) -> None:
    await upgrade(db_url)
    await _execute(db_url, "DROP TABLE feed_tokens", "DROP INDEX ix_posts_channel_key_root",
                   "ALTER TABLE posts DROP COLUMN root_message_id")
    async with SqlStore.connect(db_url) as store:
        with pytest.raises(StoreSchemaError) as broken:
            await store.feed_scope_by_hash("0" * 64)
        with pytest.raises(StoreSchemaError) as column:
            await store.posts_since(ChannelRef("console", "w1", "c1"), datetime(2025, 1, 1, tzinfo=UTC))
    assert column.value.missing == "column posts.root_message_id"
    error = broken.value
    assert isinstance(error, StoreUnavailableError)  # nothing stored: events are still kept for retry
    assert error.missing == "table feed_tokens"
    assert "missing table feed_tokens" in str(error) and "waiting will not fix it" in str(error)
    assert "`paperbot doctor`" in str(error) and StoreUnavailableError.PEOPLE not in str(error)
    assert failure_of(error) is Failure.OWN_WORDS  # adapters show these words, not "for a moment"
