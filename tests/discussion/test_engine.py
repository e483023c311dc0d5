"""The engine end to end with the REAL model: abstract + full text from a local arXiv HTML server."""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import config_from_dict
from bot.discussion.engine import DiscussionEngine, build_discussion_engine
from bot.discussion.fulltext_cache import CachedFullText, FullTextCache
from bot.errors import ConfigError, UsageError
from bot.sources.fulltext import ArxivHtmlSource
from bot.sources.http import HttpFetcher
from bot.taste.embedder import SentenceTransformerEmbedder
from tests.harness.clocks import no_sleep
from tests.harness.fixtures_paths import ARXIV_HTML, hf_papers
from tests.harness.paper_server import PaperServer, Reply

PAPER = replace(hf_papers()["2511.04570"], version=1)
PATH = "/html/2511.04570v1"


@pytest.fixture
async def arxiv() -> AsyncIterator[PaperServer]:
    async with PaperServer() as fake:
        fake.route(PATH, Reply.file(ARXIV_HTML / "2511.04570v1.html", content_type="text/html"))
        yield fake


@pytest.fixture
async def engine(arxiv: PaperServer, tmp_path: Path, real_embedder: SentenceTransformerEmbedder) -> AsyncIterator[DiscussionEngine]:
    fetcher = HttpFetcher(timeout=5, max_retries=1, sleep=no_sleep)
    source = CachedFullText(ArxivHtmlSource(fetcher, base_url=arxiv.base_url), FullTextCache(tmp_path))
    engine = DiscussionEngine(real_embedder, fulltext=source, fetcher=fetcher)
    yield engine
    await engine.close()


async def test_full_text_answers_what_the_abstract_does_not(engine: DiscussionEngine, arxiv: PaperServer) -> None:
    result = await engine.answer(PAPER, "what GPU did they train on?")
    assert result.answered and result.engine == "extractive"
    assert result.citations[0].source == "full text: 2.1 Setup"
    assert "“All models were evaluated on eight NVIDIA H100 GPUs with 80 GB of memory each.” (full text: 2.1 Setup)" in result.text
    assert "searched the abstract and the full text" in result.text
    licence = await engine.answer(PAPER, "what is the license?")
    assert licence.answered and "MIT license" in licence.citations[0].text
    assert len(arxiv.requests_to(PATH)) == 1  # fetched once for both questions


async def test_abstract_answers_and_unanswerable_says_so(engine: DiscussionEngine) -> None:
    stated = await engine.answer(PAPER, "what task categories does VideoThinkBench have?")
    assert stated.answered and stated.citations[0].source == "abstract"
    assert stated.citations[0].text.startswith("VideoThinkBench encompasses two task categories")
    missing = await engine.answer(PAPER, "who funded this research?")
    assert not missing.answered
    assert missing.text.startswith("The paper doesn't say — the closest it comes is: “")


async def test_no_html_means_abstract_only(engine: DiscussionEngine, arxiv: PaperServer) -> None:
    other = replace(PAPER, arxiv_id="2511.00001", version=3)  # the fake answers 404
    result = await engine.answer(other, "what GPU did they train on?")
    assert not result.answered and result.note is None
    assert "searched the abstract only (arXiv has no HTML full text for it)" in result.text
    assert len(arxiv.requests_to("/html/2511.00001v3")) == 1


async def test_html_errors_mean_abstract_only_with_a_note(engine: DiscussionEngine, arxiv: PaperServer) -> None:
    arxiv.fail(PATH, 500, times=2)
    result = await engine.answer(PAPER, "what accuracy does Sora-2 get on MATH?")
    assert result.answered and result.citations[0].source == "abstract"
    assert result.note == "full text unavailable: arXiv HTML could not be fetched"
    assert "searched the abstract only (full text unavailable" in result.text
    again = await engine.answer(PAPER, "what accuracy does Sora-2 get on MATH?")
    assert again.note == result.note and len(arxiv.requests_to(PATH)) == 2  # not asked again right away


async def test_an_empty_question_is_a_usage_error(engine: DiscussionEngine) -> None:
    with pytest.raises(UsageError, match="Ask a question"):
        await engine.answer(PAPER, "   ")


async def test_builder_follows_the_config(tmp_path: Path, real_embedder: SentenceTransformerEmbedder) -> None:
    default = build_discussion_engine(config_from_dict({"answers": {"cache_dir": str(tmp_path)}}, environ={}), real_embedder)
    assert default.llm is None and default.fulltext is not None and default.top_k == 6
    await default.close()
    config = config_from_dict(
        {"answers": {"engine": "llm", "llm_base_url": "http://127.0.0.1:1/v1", "llm_model": "m", "fulltext": False, "top_k": 4}},
        environ={"PAPERBOT_LLM_API_KEY": "sk-env"},
    )
    llm = build_discussion_engine(config, real_embedder)
    assert llm.llm is not None and llm.llm.settings.api_key == "sk-env" and llm.llm.settings.model == "m"
    assert llm.fulltext is None and llm.top_k == 4
    await llm.close()
    with pytest.raises(ConfigError, match="llm_model"):
        build_discussion_engine(config_from_dict({"answers": {"engine": "llm"}}, environ={}), real_embedder)
    with pytest.raises(ConfigError, match=r"\[answers\] top_k: 0 is not a whole number from 1 to 20"):
        config_from_dict({"answers": {"top_k": 0}}, environ={})
