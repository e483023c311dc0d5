"""A database that cannot be used at start-up is one line naming where its URL came from
(``[database] url``, ``PAPERBOT_DATABASE_URL``, ``--db``), the cause and what to do — never a
traceback, never a password, never a hang on a server that accepts TCP and is silent."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.errors import ConfigError
from storage import database
from storage.migrate import upgrade
from storage.sqlite_file import sqlite_file_problem
from tests.harness.databases import POSTGRES_URL, sqlite_url
from tests.harness.running_slack import free_port
from tests.harness.tally import FAULTS

pytestmark = pytest.mark.faults


async def refused(url: str) -> str:
    with pytest.raises(ConfigError) as err:
        await upgrade(url)
    FAULTS.injected()
    text = str(err.value)
    assert text.startswith("[database] url (") and "\n" not in text
    return text


async def test_sqlite_faults_name_the_file_and_the_fix(tmp_path: Path, monkeypatch) -> None:
    missing = await refused(sqlite_url(tmp_path / "missing" / "bot.sqlite3"))
    assert "cannot be used: its folder does not exist" in missing and f"mkdir -p {tmp_path / 'missing'}" in missing
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database, just bytes " * 200)
    assert "is not a SQLite database" in await refused(sqlite_url(garbage))

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    locked = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert "locked" in await refused(sqlite_url(locked))
    finally:
        holder.close()


async def test_a_folder_where_the_file_should_be_is_said_in_the_doctors_words(tmp_path: Path) -> None:
    folder = tmp_path / "dir.sqlite3"
    folder.mkdir()
    text = await refused(sqlite_url(folder))
    problem = sqlite_file_problem(str(folder))
    assert problem is not None and problem.summary == "cannot be used: it names a folder"  # what doctor shows
    assert f"{problem.summary}: {problem.cause}; {problem.fix()}." in text
    assert "check that its folder exists" not in text


@pytest.mark.parametrize(("source", "fix"), [
    ("--db", "pass a --db naming "),
    ("PAPERBOT_DATABASE_URL", "set PAPERBOT_DATABASE_URL to "),
    ("[database] url", "point [database] url (or PAPERBOT_DATABASE_URL) at "),
])
async def test_the_fix_names_the_place_the_url_came_from(tmp_path: Path, source: str, fix: str) -> None:
    """Someone who passed --db is not sent to a config key that was never read."""
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database, just bytes " * 200)
    for url in (sqlite_url(tmp_path / "missing" / "bot.sqlite3"), sqlite_url(garbage)):
        with pytest.raises(ConfigError) as err:
            await upgrade(url, source=source)
        text = str(err.value)
        assert text.startswith(f"{source} (") and fix in text, text
        assert source == "[database] url" or "[database] url" not in text, text


def _refusing_writes(path: Path) -> Path:
    """A paperbot database SQLite opens but refuses to write, as on a read-only mount or an immutable
    file (which root's modes cannot give): its header's write version above 2 means read-only to SQLite."""
    header = bytearray(path.read_bytes())
    header[18] = 3
    path.write_bytes(bytes(header))
    return path


async def test_a_file_sqlite_refuses_to_write_is_said_at_start_not_at_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await upgrade(sqlite_url(path))  # at the newest schema: the upgrade itself writes nothing
    text = await refused(sqlite_url(_refusing_writes(path)))
    assert "cannot be used: the file is not writable" in text  # the doctor's words, not "try again in a minute"
    assert f"give this user write access to {path}, or point [database] url (or PAPERBOT_DATABASE_URL) at another file" in text


async def test_a_failed_open_leaves_no_worker_thread_behind(tmp_path: Path) -> None:
    """aiosqlite stops its worker without waiting when an open fails; a CLI that then leaves closes the loop
    under it ("Exception in thread … Event loop is closed"). The engine waits for the worker instead."""
    engine = database.create_engine(sqlite_url(tmp_path))  # a folder: SQLite cannot open it
    try:
        with pytest.raises(OperationalError):
            async with engine.connect():
                pass
        assert not [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]
    finally:
        await engine.dispose()
    FAULTS.injected()


@pytest.mark.postgres
async def test_postgresql_faults_name_the_server_the_role_and_the_database() -> None:
    assert "nothing answers at 127.0.0.1:" in await refused(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test")
    assert "the port is not a number" in await refused("postgresql+asyncpg://postgres@127.0.0.1:99999/test")
    try:
        role = await refused(POSTGRES_URL.replace("postgres@", "nosuchrole@", 1))
    except AssertionError:
        pytest.skip("this server lets any role in")
    assert "refused the role 'nosuchrole'" in role
    missing = POSTGRES_URL.rsplit("/", 1)[0] + "/paperbot_no_such_database"
    assert "does not exist" in await refused(missing) and "createdb paperbot_no_such_database" in await refused(missing)
    secret = await refused("postgresql+asyncpg://postgres:s3cret-pw@nohost.invalid:5432/test")
    assert "s3cret-pw" not in secret and "***" in secret and "unknown" in secret


async def test_a_server_that_accepts_and_never_answers_fails_within_the_connect_timeout(monkeypatch) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setattr(database, "CONNECT_TIMEOUT_SECONDS", 0.5)
    try:
        text = await asyncio.wait_for(refused(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test"), timeout=20)
    finally:
        server.close()
    assert "did not answer as PostgreSQL" in text


def test_the_cli_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")},
           "PAPERBOT_DATABASE_URL": "postgresql://postgres:hunter2@127.0.0.1:1/test", "XDG_DATA_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "paperbot", "digest"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=60)
    FAULTS.injected()
    assert result.returncode != 0 and "Traceback" not in result.stderr and "hunter2" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("paperbot:")]
    assert line.startswith("paperbot: PAPERBOT_DATABASE_URL (") and "is PostgreSQL running there?" in line  # where the URL came from


async def test_deleting_the_sqlite_file_under_a_running_store_is_said_not_swallowed(tmp_path: Path) -> None:
    from bot.domain import Paper
    from bot.errors import StoreUnavailableError
    from storage.store import SqlStore

    path = tmp_path / "bot.sqlite3"
    await upgrade(sqlite_url(path))
    async with SqlStore.connect(sqlite_url(path)) as store:
        await store.upsert_papers([Paper("2511.00001", "kept", sources=frozenset({"sample"}))])
        path.unlink()
        with pytest.raises(StoreUnavailableError) as err:  # not "Subscribed" with nothing kept
            await store.upsert_papers([Paper("2511.00002", "would be lost", sources=frozenset({"sample"}))])
        assert "was deleted or replaced" in err.value.detail and "try again" in str(err.value)
    FAULTS.injected()
