"""URLs accepted, the default location, and SQLite's connection settings."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.errors import ConfigError
from storage import data_folder
from storage.database import BUSY_TIMEOUT_MS, create_engine, default_database_url, normalise_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://bot:s3cret@db.example:5433/paperbot", "postgresql+asyncpg://bot:s3cret@db.example:5433/paperbot"),
        ("postgresql://bot@localhost/paperbot", "postgresql+asyncpg://bot@localhost/paperbot"),
        ("postgresql+asyncpg://bot@localhost/paperbot", "postgresql+asyncpg://bot@localhost/paperbot"),
        ("postgres://bot@host/db?sslmode=require", "postgresql+asyncpg://bot@host/db?ssl=require"),
        ("sqlite:///relative/x.sqlite3", "sqlite+aiosqlite:///relative/x.sqlite3"),
        ("sqlite:////abs/x.sqlite3", "sqlite+aiosqlite:////abs/x.sqlite3"),
        ("sqlite+aiosqlite:///x.sqlite3", "sqlite+aiosqlite:///x.sqlite3"),
        ("  SQLite:///x.sqlite3 ", "sqlite+aiosqlite:///x.sqlite3"),
    ],
)
def test_urls_are_normalised_to_async_drivers(given: str, expected: str) -> None:
    assert normalise_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("given", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "paperbot.sqlite3", "", "oracle://x"])
def test_unsupported_urls_name_what_is_accepted(given: str) -> None:
    with pytest.raises(ConfigError) as caught:
        normalise_url(given)
    message = str(caught.value)
    assert "accepted" in message and "sqlite:///" in message and "postgresql://" in message


def test_an_unsupported_url_is_refused_before_connecting() -> None:
    with pytest.raises(ConfigError, match="'mysql'"):
        create_engine("mysql://u:pw@h/db")


def test_default_url_is_a_sqlite_file_in_the_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "data" / "paperbot"
    monkeypatch.setattr(data_folder, "user_data_dir", lambda app: str(folder) if app == "paperbot" else None)
    url = default_database_url()
    assert url == f"sqlite+aiosqlite:///{folder / 'paperbot.sqlite3'}"
    assert folder.is_dir()
    assert normalise_url(url).database == str(folder / "paperbot.sqlite3")


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == BUSY_TIMEOUT_MS
    finally:
        await engine.dispose()


async def test_migration_engines_turn_sqlite_foreign_keys_off(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}", sqlite_foreign_keys=False)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 0
    finally:
        await engine.dispose()


async def test_sqlite_transactions_really_roll_back(tmp_path: Path) -> None:
    """SQLAlchemy, not the sqlite3 driver, emits BEGIN — so DDL and reads are inside the transaction."""
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
            await connection.rollback()
            tables = (await connection.execute(text("SELECT name FROM sqlite_master WHERE name = 't'"))).all()
            assert tables == []
    finally:
        await engine.dispose()
