"""Fixtures for the source tests: the local fake server, recorded payloads, a sleep that records."""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness.paper_server import PaperServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HF = FIXTURES / "hf_daily_papers"
ARXIV_API = FIXTURES / "arxiv_api"
ARXIV_RSS = FIXTURES / "arxiv_rss"

HF_DAY_07 = HF / "DERIVED_date_2025-11-07.json"
HF_DAY_20 = HF / "DERIVED_date_2025-11-20.json"
HF_MONTH_P4 = HF / "month_2025-11_sort-publishedAt_limit-100_p-4.json"
HF_MONTH_P5_EMPTY = HF / "month_2025-11_sort-publishedAt_limit-100_p-5.json"
RSS_4_ITEMS = ARXIV_RSS / "rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_4items.xml"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class RecordingSleep:
    """Stands in for asyncio.sleep: remembers each requested wait and yields without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def server() -> AsyncIterator[PaperServer]:
    async with PaperServer() as running:
        yield running


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()
