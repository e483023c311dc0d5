"""Where the recorded fixtures are (``tests/fixtures/``), and how to read them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.domain import Paper
from bot.sources.hf_payload import parse_daily_papers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

HF = FIXTURES / "hf_daily_papers"
ARXIV_API = FIXTURES / "arxiv_api"
ARXIV_RSS = FIXTURES / "arxiv_rss"
ARXIV_HTML = FIXTURES / "arxiv_html"
ARXIV_METADATA = FIXTURES / "arxiv_metadata"  # the taste benchmark's small copy of the listings
PAYLOADS = FIXTURES / "payloads"  # Slack and Discord event shapes (tests.harness.payloads reads them)

HF_DAY_07 = HF / "DERIVED_date_2025-11-07.json"
HF_DAY_20 = HF / "DERIVED_date_2025-11-20.json"
HF_MONTH_P4 = HF / "month_2025-11_sort-publishedAt_limit-100_p-4.json"
HF_MONTH_P5_EMPTY = HF / "month_2025-11_sort-publishedAt_limit-100_p-5.json"
RSS_4_ITEMS = ARXIV_RSS / "rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_4items.xml"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def hf_papers(day: str = "2025-11-07") -> dict[str, Paper]:
    """The recorded Hugging Face day's papers, by arXiv id."""
    payload = load_json(HF / f"DERIVED_date_{day}.json")
    return {paper.arxiv_id: paper for paper in parse_daily_papers(payload)}
