"""The extractive answerer with the REAL model (all-MiniLM-L6-v2) on real abstracts.

The threshold's calibration (bot/discussion/extractive.py docstring) is pinned here on a
subset of its questions, so a change to retrieval or scoring that breaks it fails loudly.
"""
from __future__ import annotations

import pytest

from bot.discussion.answer import Passage
from bot.discussion.extractive import THRESHOLD, ExtractiveAnswerer
from bot.discussion.passages import Bm25, abstract_passages, coverage, prefilter, quantity_mismatch, retrieve
from bot.taste.embedder import SentenceTransformerEmbedder
from tests.harness.fixtures_paths import hf_papers

PAPERS = {**hf_papers(), **hf_papers("2025-11-20")}
SCOPE = "the abstract only"

ANSWERABLE = [
    ("2511.04570", "what accuracy does Sora-2 get on MATH?", "Sora-2 achieves 92% accuracy on MATH"),
    ("2511.03773", "how much better is DreamGym than the baselines on WebArena?", "outperforms all baselines by over 30%"),
    ("2511.04307", "how many action steps does the dataset contain?", "over 1.2M executed action steps"),
    ("2511.03929", "which formats are the checkpoints released in?", "BF16, FP8, and FP4"),
    ("2511.04668", "which question categories are most effective?", "three question categories"),
    ("2510.27656", "which NICs does it support?", "bridges the functionality of common NICs"),
    ("2511.15065", "how many maze types are there?", "five maze types"),
    ("2511.14993", "how long are the generated videos?", "10-second video synthesis"),
]
UNANSWERABLE = [
    ("2511.04570", "what GPU did they train on?"),
    ("2511.04307", "what is the license?"),
    ("2511.04668", "what GPU did they train on?"),
    ("2510.27656", "what GPU did they train on?"),
    ("2511.04307", "how much did the annotation cost?"),
    ("2511.04668", "what learning rate do they use?"),
    ("2511.15186", "what Dice score does ROSALIA reach?"),  # hard: names the paper's model
    ("2511.14349", "how many hours of video in total?"),  # hard: "hour-long videos" is in the abstract
]


async def answer(embedder: SentenceTransformerEmbedder, arxiv_id: str, question: str):
    scored = await retrieve(embedder, question, abstract_passages(PAPERS[arxiv_id]))
    return scored, await ExtractiveAnswerer().answer(PAPERS[arxiv_id], question, scored[:6], scope=SCOPE)


@pytest.mark.parametrize(("arxiv_id", "question", "expected"), ANSWERABLE)
async def test_a_question_the_abstract_answers_gets_the_quoted_sentence(
    real_embedder: SentenceTransformerEmbedder, arxiv_id: str, question: str, expected: str
) -> None:
    scored, result = await answer(real_embedder, arxiv_id, question)
    assert scored[0].score >= THRESHOLD
    assert result.answered and result.engine == "extractive"
    assert expected in result.citations[0].text or any(expected in c.text for c in result.citations)
    cited = next(c for c in result.citations if expected in c.text)
    assert f"“{cited.text}” (abstract)" in result.text
    assert "extractive answer" in result.text and SCOPE in result.text


@pytest.mark.parametrize(("arxiv_id", "question"), UNANSWERABLE)
async def test_a_question_the_abstract_does_not_answer_says_so(
    real_embedder: SentenceTransformerEmbedder, arxiv_id: str, question: str
) -> None:
    scored, result = await answer(real_embedder, arxiv_id, question)
    assert scored[0].score < THRESHOLD
    assert not result.answered
    assert result.text.startswith("The paper doesn't say — the closest it comes is: “")
    assert result.citations == (scored[0].passage,)
    assert "(abstract)" in result.text


def test_second_quote_only_when_nearly_as_close() -> None:
    from bot.discussion.answer import ScoredPassage

    a, b, c = (Passage("abstract", t, i) for i, t in enumerate(["First claim.", "Second claim.", "Third claim."]))
    result = ExtractiveAnswerer().answer_now(
        [ScoredPassage(c, 0.70), ScoredPassage(a, 0.66), ScoredPassage(b, 0.50)], scope=SCOPE
    )
    assert result.citations == (a, c)  # both close enough, shown in the paper's order
    assert result.text.index("First claim") < result.text.index("Third claim")
    empty = ExtractiveAnswerer().answer_now([], scope=SCOPE)
    assert not empty.answered and "no text" in empty.text


def test_bm25_prefilter_and_coverage() -> None:
    texts = [
        "We train on eight GPUs for two days.",
        "The benchmark contains 7,920 videos.",
        "Training uses the AdamW optimizer.",
        "Results improve with scale.",
    ]
    passages = [Passage("full text: 2 Setup", t, i) for i, t in enumerate(texts)]
    scores = Bm25(texts).scores("which GPUs did they train on")
    assert scores[0] == max(scores) and scores[3] == 0
    kept = prefilter("which GPUs did they train on", passages, 2)
    assert kept[0][0].text == texts[0] and all(score > 0 for _, score in kept)
    assert prefilter("unrelated words entirely", passages, 2) == []
    assert coverage("what GPU did they train on?", texts[0]) == 1.0  # gpu~gpus, train
    assert coverage("what is the license?", texts[0]) == 0.0


def test_quantity_questions_need_a_number() -> None:
    assert quantity_mismatch("how many hours of video in total?", "The proliferation of hour-long videos.")
    assert not quantity_mismatch("how many maze types are there?", "It spans five maze types.")
    assert not quantity_mismatch("what accuracy on MATH?", "Sora-2 achieves 92% accuracy on MATH.")
    assert not quantity_mismatch("which benchmark did they build?", "We built VideoThinkBench.")
