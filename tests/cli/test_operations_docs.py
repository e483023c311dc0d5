"""docs/operations.md's backup and restore commands, run as written, on real databases.

Each block the doc marks ``<!-- tested: NAME -->`` is run by bash with only these changes, so the
commands a team copies are the commands proven here:
  - the folders ``/var/lib/paperbot``, ``/var/backups/paperbot`` and ``/etc/paperbot`` move into the
    test's tmp dir, and ``/opt/paperbot/.venv/bin/paperbot`` is this checkout's ``python -m paperbot``;
  - ``sudo -u paperbot`` is dropped (the test's user plays the service's user);
  - ``systemctl …`` and ``chown …`` lines are left out (service control and ownership need root);
  - the example backup date 2026-12-01 becomes today's date (what ``$(date +%F)`` wrote).
SQLite: the backup runs while a paperbot store has the database open with writes still in its
``-wal`` file; the copy is opened with paperbot's store. PostgreSQL: pg_dump / pg_restore against
scratch databases on the test server (skipped with the reason when pg_dump is absent).
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from paperbot.compose import open_store
from storage.migrate import current_revision, head_revision
from storage.store import SqlStore
from tests.harness.builders import paper
from tests.harness.databases import PostgresDatabase, admin, fresh_schema, sqlite_url
from tests.harness.sample import sample_papers

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "operations.md"
BLOCK = re.compile(r"<!-- tested: ([\w-]+) -->\s*```sh\n(.*?)\n\s*```", re.DOTALL)
EXAMPLE_DAY = "2026-12-01"


def documented() -> dict[str, str]:
    return dict(BLOCK.findall(DOC.read_text(encoding="utf-8")))


def run_documented(name: str, root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the doc's block ``name`` with the changes the module docstring lists; fail with its output."""
    lines = [line.strip() for line in documented()[name].splitlines() if not line.strip().startswith(("systemctl ", "chown "))]
    script = "\n".join(lines)
    script = script.replace("sudo -u paperbot ", "").replace(EXAMPLE_DAY, date.today().isoformat())
    script = script.replace("/opt/paperbot/.venv/bin/paperbot", f"{sys.executable} -m paperbot")
    script = script.replace("/etc/paperbot", str(root / "etc"))
    script = script.replace("/var/lib/paperbot", str(root / "data")).replace("/var/backups/paperbot", str(root / "backups"))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=120,
                          env={**clean, "PYTHONPATH": str(ROOT), **(env or {})})
    assert done.returncode == 0, f"the documented {name} failed:\n{script}\n{done.stdout}\n{done.stderr}"
    return done


def test_the_doc_marks_its_backup_and_restore_commands_for_these_tests() -> None:
    blocks = documented()
    assert set(blocks) == {"db-upgrade", "sqlite-backup", "sqlite-backup-cli", "sqlite-restore", "pg-backup", "pg-restore"}
    assert "cp " not in blocks["sqlite-backup"] and ".backup(" in blocks["sqlite-backup"]
    assert "pg_dump --format=custom" in blocks["pg-backup"] and "pg_restore --clean" in blocks["pg-restore"]


# ------------------------------------------------------------------------------------- SQLite


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "backups").mkdir()
    return tmp_path


@pytest.fixture
async def live(folders: Path) -> AsyncIterator[SqlStore]:
    """paperbot's store on /var/lib/paperbot/paperbot.sqlite3 (moved), open, the sample just written."""
    async with open_store(sqlite_url(folders / "data" / "paperbot.sqlite3")) as store:
        await store.upsert_papers(sample_papers())
        yield store


def backup_file(folders: Path, suffix: str) -> Path:
    return folders / "backups" / f"paperbot-{date.today().isoformat()}.{suffix}"


async def stored_ids(url: str) -> set[str]:
    async with open_store(url) as store:
        return set(await store.get_papers(p.arxiv_id for p in sample_papers() + [paper("2512.00001")]))


@pytest.mark.parametrize("name", ["sqlite-backup", "sqlite-backup-cli"])
async def test_the_documented_sqlite_backup_copies_a_live_database_that_paperbot_opens(
        name: str, folders: Path, live: SqlStore) -> None:
    if name.endswith("-cli") and shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 command-line tool is not installed")
    database = folders / "data" / "paperbot.sqlite3"
    assert (folders / "data" / "paperbot.sqlite3-wal").stat().st_size > 0  # recent writes are not in the main file yet
    naive = folders / "cp-of-the-live-file.sqlite3"
    shutil.copyfile(database, naive)  # what the doc warns against
    await live.upsert_papers([paper("2512.00001", title="Written while the backup runs")])

    run_documented(name, folders)

    copy = backup_file(folders, "sqlite3")
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    expected = {p.arxiv_id for p in sample_papers()} | {"2512.00001"}
    assert await stored_ids(sqlite_url(copy)) == expected
    with sqlite3.connect(naive) as check:  # the plain cp lost what was still in the -wal file
        assert check.execute("SELECT count(*) FROM papers").fetchone()[0] < len(expected)


async def test_the_documented_sqlite_restore_brings_back_the_backup(folders: Path, live: SqlStore) -> None:
    run_documented("sqlite-backup", folders)
    await live.upsert_papers([paper("2512.00001", title="Written after the backup")])
    await live.close()  # "systemctl stop paperbot"

    run_documented("sqlite-restore", folders)

    assert await stored_ids(sqlite_url(folders / "data" / "paperbot.sqlite3")) == {p.arxiv_id for p in sample_papers()}


# ------------------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> str:
    """This session's scratch PostgreSQL database (skipped, or failed under --require-postgres, without one)."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed (apt install postgresql-client)")
    database: PostgresDatabase = request.getfixturevalue("postgres_database")
    if database.url is None:
        if request.config.getoption("--require-postgres", default=False):
            pytest.fail(f"{database.error} (--require-postgres is set)", pytrace=False)
        pytest.skip(database.error or "PostgreSQL not reachable")
    return database.url


def libpq(url: str, database: str | None = None) -> dict[str, str]:
    """The doc's `export PGHOST=… PGPORT=… PGUSER=… PGDATABASE=…` for ``url``."""
    parsed = make_url(url)
    env = {"PGHOST": parsed.host or "127.0.0.1", "PGPORT": str(parsed.port or 5432), "PGUSER": parsed.username or "postgres",
           "PGDATABASE": database or parsed.database or ""}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return env


@pytest.mark.postgres
async def test_the_documented_pg_dump_and_restore_bring_back_the_backup(pg: str, folders: Path) -> None:
    await fresh_schema(pg)
    async with open_store(pg) as store:  # a live paperbot database
        await store.upsert_papers(sample_papers())
        run_documented("pg-backup", folders, libpq(pg))
        await store.upsert_papers([paper("2512.00001", title="Written after the backup")])
    assert backup_file(folders, "dump").stat().st_size > 0
    assert "2512.00001" in await stored_ids(pg)

    run_documented("pg-restore", folders, libpq(pg))  # into the same database: --clean replaces it

    assert await stored_ids(pg) == {p.arxiv_id for p in sample_papers()}


@pytest.mark.postgres
async def test_the_documented_pg_restore_fills_a_new_empty_database(pg: str, folders: Path) -> None:
    await fresh_schema(pg)
    async with open_store(pg) as store:
        await store.upsert_papers(sample_papers())
    run_documented("pg-backup", folders, libpq(pg))
    name = f"paperbot_restore_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{name}"', pg)  # "createdb paperbot" on the new server
    try:
        run_documented("pg-restore", folders, libpq(pg, name))
        restored = make_url(pg).set(database=name).render_as_string(hide_password=False)
        assert await stored_ids(restored) == {p.arxiv_id for p in sample_papers()}
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', pg)


# ------------------------------------------------------------------------------------- upgrade


async def test_the_documented_db_upgrade_migrates_the_first_config_s_database(folders: Path) -> None:
    """`paperbot --config /etc/paperbot/paperbot.toml db upgrade` with deploy/paperbot.toml as installed."""
    (folders / "etc").mkdir()
    config = (ROOT / "deploy" / "paperbot.toml").read_text(encoding="utf-8")
    assert "/var/lib/paperbot/paperbot.sqlite3" in config
    (folders / "etc" / "paperbot.toml").write_text(config.replace("/var/lib/paperbot", str(folders / "data")))

    done = run_documented("db-upgrade", folders)

    assert "is at the latest schema" in done.stdout
    database = folders / "data" / "paperbot.sqlite3"
    assert await current_revision(sqlite_url(database)) == head_revision()
