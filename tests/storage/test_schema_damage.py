"""A schema the revision row does not describe, on a real SQLite file and the real PostgreSQL: a
migration stopped half-way is finished, a newer paperbot's revision is refused in the doctor's
words, and a table dropped by hand is named (by the doctor's comparison, and at run time) as a
permanent problem, not "try again in a minute"."""
from __future__ import annotations

import pytest

from bot.errors import ConfigError
from storage.migrate import current_revision, head_revision, schema_diff, upgrade
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
