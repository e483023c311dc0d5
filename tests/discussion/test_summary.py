"""Summaries: HF's AI summary when there is one, else the abstract's central sentences in order."""
from __future__ import annotations

from dataclasses import replace

from bot.discussion.engine import DiscussionEngine
from bot.discussion.summary import is_boilerplate, summarize_abstract
from bot.sentences import split_sentences
from tests.harness.fixtures_paths import hf_papers


class NoEmbedder:
    model_name = "none"

    async def encode(self, texts):  # pragma: no cover - summaries never embed
        raise AssertionError("summary must not embed")


def test_extractive_summary_keeps_original_order_and_sentences() -> None:
    abstract = hf_papers()["2511.04570"].abstract
    sentences = split_sentences(abstract)
    summary = summarize_abstract(abstract, max_sentences=2)
    chosen = [s for s in sentences if s in summary]
    assert len(chosen) == 2
    assert summary == " ".join(chosen)  # verbatim sentences, original order
    assert sentences.index(chosen[0]) < sentences.index(chosen[1])
    assert any("we introduce" in s for s in chosen)


def test_boilerplate_is_never_chosen() -> None:
    abstract = (
        "Code is available at https://github.com/example/repo. "
        "We propose a sparse attention method for long video generation models. "
        "Sparse attention makes long video generation four times faster than dense attention. "
        "The project page is at example.org. "
        "We evaluate the sparse attention method on three video generation benchmarks."
    )
    summary = summarize_abstract(abstract, max_sentences=2)
    assert "github" not in summary and "project page" not in summary
    assert summary.startswith("We propose a sparse attention method")
    assert is_boilerplate("The code and models will be made publicly available.")
    assert not is_boilerplate("We make training twice as fast.")


def test_short_abstracts_are_returned_whole() -> None:
    assert summarize_abstract("One sentence only.") == "One sentence only."
    assert summarize_abstract("") == ""


def test_engine_summary_prefers_hf_ai_summary() -> None:
    paper = hf_papers()["2511.04570"]
    engine = DiscussionEngine(NoEmbedder())
    assert paper.ai_summary and engine.summary(paper) == paper.ai_summary
    without = replace(paper, ai_summary=None)
    assert engine.summary(without) == summarize_abstract(paper.abstract, 2)
    assert engine.summary(without, max_sentences=1) == summarize_abstract(paper.abstract, 1)
