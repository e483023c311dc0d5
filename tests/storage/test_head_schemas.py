"""The ``store`` fixture's database comes from tests.harness.head_schema (migrated once per session):
what one test wrote never reaches the next, and a schema a test changed is rebuilt by the real
migrations, so every store still starts freshly migrated."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.domain import ChannelRef, Paper, Post, Reaction
from storage.database import create_engine
from storage.migrate import head_revision
from storage.store import SqlStore
from tests.harness.head_schema import HeadSchemas

PAPER = Paper("2511.00001", "A paper", abstract="Words.")
CHANNEL = ChannelRef("slack", "T1", "C1")


async def _columns_and_version(url: str) -> tuple[set[str], str | None]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = set((await connection.execute(text("SELECT * FROM papers LIMIT 0"))).keys())
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            return names, version
    finally:
        await engine.dispose()


async def again(head_schemas: HeadSchemas, db_url: str, tmp_path: Path) -> str:
    """What the next test's ``db_url`` is, for this test's database."""
    if db_url.startswith("sqlite"):
        return await head_schemas.sqlite(Path(db_url.split(":///", 1)[1]))
    return await head_schemas.postgres(db_url)


async def _sequences(url: str) -> list[tuple[str, int | None]]:
    """PostgreSQL's sequences and where they stand (None: never used); [] on SQLite (a copy is fresh)."""
    if url.startswith("sqlite"):
        return []
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"))
            return [(name, value) for name, value in rows]
    finally:
        await engine.dispose()


async def test_the_next_store_has_none_of_the_rows_and_is_at_the_newest_migration(
        db_url: str, head_schemas: HeadSchemas, tmp_path: Path) -> None:
    fresh = await _sequences(db_url)
    async with SqlStore.connect(db_url) as store:
        await store.upsert_papers([PAPER])
        await store.record_posts([Post(CHANNEL, "m1", PAPER.arxiv_id)])  # rows that reference the paper
        await store.add_reaction(Reaction(CHANNEL, "m1", PAPER.arxiv_id, "U1", "👍"))
        assert await store.get_paper(PAPER.arxiv_id) is not None
    assert fresh == [] or await _sequences(db_url) != fresh
    url = await again(head_schemas, db_url, tmp_path)
    async with SqlStore.connect(url) as store:
        assert await store.get_paper(PAPER.arxiv_id) is None
        assert await store.recent_posts(CHANNEL) == [] and await store.reactions_for_channel(CHANNEL) == []
    assert (await _columns_and_version(url))[1] == head_revision()
    assert await _sequences(url) == fresh  # ids start again where a fresh migration starts them


async def _alter(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def test_a_changed_schema_is_migrated_anew(db_url: str, head_schemas: HeadSchemas, tmp_path: Path) -> None:
    fresh = await _columns_and_version(db_url)
    await _alter(db_url, "ALTER TABLE papers ADD COLUMN left_behind INTEGER")
    assert "left_behind" in (await _columns_and_version(db_url))[0]
    url = await again(head_schemas, db_url, tmp_path)
    assert await _columns_and_version(url) == fresh
    await _alter(url, "UPDATE alembic_version SET version_num = '0001'")  # as a downgrade leaves it
    url = await again(head_schemas, url, tmp_path)
    assert await _columns_and_version(url) == fresh and fresh[1] == head_revision()
