"""Scheduling tests reuse the store suite's databases: SQLite and this session's PostgreSQL."""
from tests.storage.conftest import db_url, postgres_database, store  # noqa: F401
