"""The LLM answerer against a local fake OpenAI-compatible endpoint: only passages in, citations out, safe fallback."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest

from bot.discussion.answer import Passage, ScoredPassage
from bot.discussion.engine import DiscussionEngine
from bot.discussion.llm import NOT_IN_PAPER, SYSTEM_PROMPT, LlmAnswerer, LlmSettings, cited_numbers
from bot.taste.embedder import SentenceTransformerEmbedder
from tests.harness.fixtures_paths import hf_papers
from tests.harness.llm_server import FakeOpenAI

PAPER = hf_papers()["2511.04570"]
SCOPE = "the abstract only"
PASSAGES = [
    ScoredPassage(Passage("abstract", "On text-centric tasks, Sora-2 achieves 92% accuracy on MATH, and 75.53% accuracy on MMMU.", 8), 0.84),
    ScoredPassage(Passage("full text: 2.1 Setup", "All models were evaluated on eight NVIDIA H100 GPUs.", 20), 0.50),
    ScoredPassage(Passage("abstract", "Our evaluation establishes Sora-2 as a capable reasoner.", 6), 0.40),
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def answerer(fake: FakeOpenAI, *, timeout: float = 5.0, key: str | None = "sk-test") -> LlmAnswerer:
    return LlmAnswerer(LlmSettings(fake.base_url, "fake-model", key, timeout))


async def test_the_request_holds_only_the_passages_and_the_cite_instruction(fake: FakeOpenAI) -> None:
    fake.content = "Sora-2 gets 92% on MATH [1], evaluated on H100 GPUs [2]."
    llm = answerer(fake)
    result = await llm.answer(PAPER, "what accuracy on MATH?", PASSAGES, scope=SCOPE)
    await llm.close()
    (request,) = fake.requests
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert request.body["model"] == "fake-model" and request.body["temperature"] == 0
    system, user = request.messages
    assert system == {"role": "system", "content": SYSTEM_PROMPT}
    assert "ONLY the numbered passages" in system["content"] and "[1]" in system["content"] and NOT_IN_PAPER in system["content"]
    assert user["content"] == (
        "Passages:\n"
        f"[1] (abstract) {PASSAGES[0].passage.text}\n"
        f"[2] (full text: 2.1 Setup) {PASSAGES[1].passage.text}\n"
        f"[3] (abstract) {PASSAGES[2].passage.text}\n\n"
        "Question: what accuracy on MATH?"
    )
    assert PAPER.title not in request.text()  # nothing but the passages and the question
    assert result.answered and result.engine == "llm" and result.note is None
    assert result.citations == (PASSAGES[0].passage, PASSAGES[1].passage)
    assert result.text.startswith("Sora-2 gets 92% on MATH [1], evaluated on H100 GPUs [2].")
    assert f"[1] “{PASSAGES[0].passage.text}” (abstract)" in result.text
    assert f"[2] “{PASSAGES[1].passage.text}” (full text: 2.1 Setup)" in result.text
    assert "LLM fake-model" in result.text


async def test_no_key_no_authorization_header(fake: FakeOpenAI) -> None:
    llm = answerer(fake, key=None)
    await llm.answer(PAPER, "q?", PASSAGES, scope=SCOPE)
    await llm.close()
    assert "Authorization" not in fake.requests[0].headers


async def test_the_model_saying_the_paper_does_not_say(fake: FakeOpenAI) -> None:
    fake.content = NOT_IN_PAPER
    llm = answerer(fake)
    result = await llm.answer(PAPER, "what is the license?", PASSAGES, scope=SCOPE)
    await llm.close()
    assert not result.answered and result.engine == "llm"
    assert result.text.startswith("The paper doesn't say — the closest it comes is: “On text-centric tasks")


async def test_timeout_falls_back_to_extractive_within_the_timeout(fake: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    fake.mode, fake.delay = "slow", 1.0
    llm = answerer(fake, timeout=0.3)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.discussion.llm"):
        result = await llm.answer(PAPER, "what accuracy on MATH?", PASSAGES, scope=SCOPE)
    elapsed = time.monotonic() - started
    await llm.close()
    assert elapsed < 1.5
    assert result.engine == "extractive" and result.answered
    assert result.note == "LLM unavailable (no answer within 0.3 s); extractive answer"
    assert result.citations == (PASSAGES[0].passage,)
    assert "falling back" in caplog.text


@pytest.mark.parametrize(
    ("mode", "content", "why"),
    [
        ("error", "", "HTTP 500 Internal Server Error"),
        ("garbage", "", "reply is not JSON"),
        ("empty", "", "empty reply"),
        ("normal", "Sora-2 is great.", "its answer cited no passage"),
    ],
)
async def test_errors_fall_back_to_extractive_with_a_note(fake: FakeOpenAI, mode: str, content: str, why: str) -> None:
    fake.mode, fake.content = mode, content
    llm = answerer(fake)
    result = await llm.answer(PAPER, "what accuracy on MATH?", PASSAGES, scope=SCOPE)
    await llm.close()
    assert result.engine == "extractive"
    assert result.note == f"LLM unavailable ({why}); extractive answer"
    assert "“On text-centric tasks" in result.text


async def test_unreachable_endpoint_falls_back() -> None:
    llm = LlmAnswerer(LlmSettings("http://127.0.0.1:9/v1", "m", None, 2.0))
    result = await llm.answer(PAPER, "q?", PASSAGES, scope=SCOPE)
    await llm.close()
    assert result.engine == "extractive" and result.note and "cannot reach it" in result.note


def test_cited_numbers() -> None:
    assert cited_numbers("a [2] b [1, 3] c [2][9] [0]", 3) == [2, 1, 3]
    assert cited_numbers("no citations", 3) == []


async def test_engine_llm_path_with_the_real_model(fake: FakeOpenAI, real_embedder: SentenceTransformerEmbedder) -> None:
    """End to end: retrieval picks the passages, the fake LLM sees only those (top_k), cites [1]."""
    fake.content = "Sora-2 reaches 92% accuracy on MATH [1]."
    engine = DiscussionEngine(real_embedder, llm=LlmSettings(fake.base_url, "fake-model", None, 5.0), top_k=3)
    result = await engine.answer(PAPER, "what accuracy does Sora-2 get on MATH?")
    await engine.close()
    shown = fake.requests[0].messages[1]["content"]
    assert shown.count("\n[") == 3 and "\n[4]" not in shown and shown.startswith("Passages:\n[1] (abstract) On text-centric tasks, Sora-2 achieves 92%")
    assert "However, these paradigms have inherent limitations." not in shown  # not retrieved, not sent
    assert result.engine == "llm" and result.answered
    assert result.citations[0].text.startswith("On text-centric tasks, Sora-2 achieves 92% accuracy on MATH")
    assert "searched the abstract only (full text not enabled)" in result.text


async def test_engine_llm_timeout_falls_back(fake: FakeOpenAI, real_embedder: SentenceTransformerEmbedder) -> None:
    fake.mode, fake.delay = "slow", 1.0
    engine = DiscussionEngine(real_embedder, llm=LlmSettings(fake.base_url, "fake-model", None, 0.3))
    result = await asyncio.wait_for(engine.answer(PAPER, "what accuracy does Sora-2 get on MATH?"), 5)
    await engine.close()
    assert result.engine == "extractive" and result.answered
    assert result.note and result.note.startswith("LLM unavailable (no answer within 0.3 s)")
    assert "“On text-centric tasks, Sora-2 achieves 92% accuracy on MATH" in result.text
