"""A database at the newest migration with no rows, for the ``store`` fixture, without running
the twelve Alembic migrations for every test (SQLite ~0.15 s, PostgreSQL ~0.4-0.6 s each, and
~280 tests take a store).

- SQLite: the migrations run once per session into a template file; each test gets a byte copy
  of it (WAL mode is in the file's header, so the copy is the freshly migrated file itself).
  The running Slack and Discord harnesses start on such a copy too (``process_head_schemas``):
  their start still runs ``upgrade``, a no-op at head, as every start after the first does.
- PostgreSQL: the session database keeps its migrated ``public`` schema between tests; before
  each test its tables are emptied (``DELETE``, sequences back at their start) when the schema is exactly
  the one the migrations built (a fingerprint of every relation, column, index, constraint,
  trigger, function, type and the ``alembic_version`` row). Any other state (a test dropped the
  schema, downgraded, altered a table) gets a fresh schema and the real migrations again.

The migrations insert no rows (``storage/migrations/versions``), so "emptied" is "freshly
migrated"; ``HeadSchemas`` checks that on the first migration of each kind.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from storage.migrate import upgrade
from tests.harness.databases import asyncpg_dsn, fresh_schema, sqlite_url

_FINGERPRINT = """
SELECT coalesce(md5(string_agg(x, E'\\n' ORDER BY x)), '') FROM (
  SELECT 'r ' || relname || ' ' || relkind::text || ' ' || relpersistence::text FROM pg_class
   WHERE relnamespace = 'public'::regnamespace
  UNION ALL SELECT 'c ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
                   || coalesce(column_default, '') || ' ' || coalesce(character_maximum_length::text, '')
   FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL SELECT 'i ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT 'k ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
   FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT 't ' || tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text FROM pg_trigger
   WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL SELECT 'f ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
  UNION ALL SELECT 'y ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
  UNION ALL SELECT 'n ' || nspname FROM pg_namespace WHERE nspname = 'public'
) AS schema(x)
"""
_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
_ROWS = "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version"


async def _state(url: str) -> str:
    """The public schema's fingerprint and the alembic version; '' when there is no schema."""
    import asyncpg

    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=5)
    try:
        fingerprint = await connection.fetchval(_FINGERPRINT)
        has_version = await connection.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
        version = await connection.fetchval(_ROWS) if has_version else None
        return f"{fingerprint} {version}" if fingerprint else ""
    finally:
        await connection.close()


_FOREIGN_KEYS = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
 WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND conrelid <> confrelid
"""
_SEQUENCES = "SELECT sequencename, start_value FROM pg_sequences WHERE schemaname = 'public'"


def _children_first(tables: list[str], references: list[tuple[str, str]]) -> list[str]:
    """``tables`` ordered so that a table comes before every table it references (DELETE order)."""
    referenced_by = {t: {child for child, parent in references if parent == t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and referenced_by[t] <= set(ordered)]
        assert ready, f"a cycle of foreign keys among {sorted(set(tables) - set(ordered))}"
        ordered += sorted(ready)
    return ordered


async def _emptied(url: str, *, check: bool = False) -> None:
    """Every table but ``alembic_version`` emptied, every sequence back at its start, in one
    transaction; ``check``: assert they were empty already (right after the migrations). DELETE,
    not TRUNCATE: on a few rows it is ~20x cheaper (TRUNCATE makes and syncs new files per table)."""
    import asyncpg

    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=5)
    try:
        tables = [row[0] for row in await connection.fetch(_TABLES)]
        if check:
            for table in tables:
                rows = await connection.fetchval(f'SELECT count(*) FROM public."{table}"')
                assert rows == 0, f"the migrations left {rows} rows in {table}: emptying would not be migrating"
        references = [(row[0].removeprefix("public.").strip('"'), row[1].removeprefix("public.").strip('"'))
                      for row in await connection.fetch(_FOREIGN_KEYS)]
        async with connection.transaction():
            for table in _children_first(tables, references):
                await connection.execute(f'DELETE FROM public."{table}"')
            for name, start in await connection.fetch(_SEQUENCES):
                await connection.execute("SELECT setval($1::regclass, $2, false)", f'public."{name}"', start)
    finally:
        await connection.close()


class HeadSchemas:
    """The session's migrated templates (the ``head_schemas`` fixture): one per database kind."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._postgres: str | None = None  # the state right after the real migrations

    async def sqlite(self, path: Path) -> str:
        """A copy of the session's freshly migrated SQLite file at ``path``; its URL."""
        if self._sqlite is None:
            template = self._folder / "head.sqlite3"
            await upgrade(sqlite_url(template))
            leftovers = [p.name for p in self._folder.iterdir() if p != template]
            assert not leftovers, f"the migrated file is not all in one file: {leftovers}"
            self._sqlite = template
        shutil.copyfile(self._sqlite, path)
        return sqlite_url(path)

    async def postgres(self, url: str) -> str:
        """The database at ``url`` at the newest migration with no rows; ``url``."""
        if self._postgres is not None and await _state(url) == self._postgres:
            await _emptied(url)
            return url
        await fresh_schema(url)
        await upgrade(url)
        await _emptied(url, check=True)
        self._postgres = await _state(url)
        return url


@cache
def process_head_schemas() -> HeadSchemas:
    """This test process's one ``HeadSchemas`` (the ``head_schemas`` fixture's too), in a temporary
    folder removed at exit: for harness code that runs outside a fixture (tests.harness.running_slack)."""
    folder = Path(tempfile.mkdtemp(prefix="paperbot-head-schema-"))
    atexit.register(shutil.rmtree, folder, True)
    return HeadSchemas(folder)
