"""Shared test options and fixtures.

``--require-postgres`` turns "PostgreSQL not reachable" from a skip into a failure;
`.ci/run` passes it so the store suite must run on both databases in CI.
"""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-postgres",
        action="store_true",
        default=False,
        help="fail (instead of skip) the PostgreSQL runs when no server answers",
    )


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
