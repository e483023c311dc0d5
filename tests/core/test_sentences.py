"""The sentence splitter on the traps of scientific prose."""
from __future__ import annotations

import pytest

from bot.sentences import first_sentences, split_paragraphs, split_sentences
from tests.harness.fixtures_paths import hf_papers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We use e.g. GSM8K, i.e. a math set. It works.", ["We use e.g. GSM8K, i.e. a math set.", "It works."]),
        ("Smith et al. (2020) showed it. Jones et al. agree.", ["Smith et al. (2020) showed it.", "Jones et al. agree."]),
        ("Results are in Fig. 3. Eq. (2) and Tab. 1 agree. Sec. 4 ends.", ["Results are in Fig. 3.", "Eq. (2) and Tab. 1 agree.", "Sec. 4 ends."]),
        ("It is 2.5x faster vs. the baseline at 0.93 F1. Done.", ["It is 2.5x faster vs. the baseline at 0.93 F1.", "Done."]),
        ("The bound is $O(d.\\log n)$. Next. $\\alpha$ is small.", ["The bound is $O(d.\\log n)$.", "Next.", "$\\alpha$ is small."]),
        ("Is it? Yes! (1) Images fail. J. Smith agrees.", ["Is it?", "Yes!", "(1) Images fail.", "J. Smith agrees."]),
        ("Lists, tables, etc. We go on.", ["Lists, tables, etc.", "We go on."]),
        ('They say "it works." Then it fails.', ['They say "it works."', "Then it fails."]),
        ("  a line\nwrapped\n\nacross lines.  ", ["a line wrapped across lines."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_a_real_abstract_splits_where_a_reader_would() -> None:
    sentences = split_sentences(hf_papers()["2511.04570"].abstract)
    assert len(sentences) == 12
    assert "VideoThinkBench encompasses two task categories: (1) vision-centric tasks (e.g., Eyeballing Puzzles), and (2) text-centric tasks (e.g., subsets of GSM8K, MMMU)." in sentences
    assert "On text-centric tasks, Sora-2 achieves 92% accuracy on MATH, and 75.53% accuracy on MMMU." in sentences


def test_paragraph_breaks_end_sentences() -> None:
    assert split_paragraphs(["First without a dot", "Second. Third."]) == ["First without a dot", "Second.", "Third."]


def test_a_digest_summary_is_not_cut_at_an_abbreviation() -> None:
    abstract = ("We study sparse attention, e.g. sliding windows and blocks, as in Smith et al. (2024). "
                "It halves the memory. A third sentence does not fit.")
    assert first_sentences(abstract, 120) == (
        "We study sparse attention, e.g. sliding windows and blocks, as in Smith et al. (2024). It halves the memory.")


def test_a_first_sentence_longer_than_the_limit_is_shortened_not_dropped() -> None:
    summary = first_sentences("One very long sentence " * 20 + ". Then more.", 60)
    assert 0 < len(summary) <= 60 and summary.startswith("One very long sentence")
    assert first_sentences("", 60) == ""
