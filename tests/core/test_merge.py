from datetime import date

from bot.domain import Paper, dedupe_papers, merge_papers

HF = Paper(
    "2511.04570", "Thinking with Video", "hf abstract", authors=("Jingqi Tong",), upvotes=242, num_comments=5,
    github_stars=309, ai_summary="summary", announced_on=date(2025, 11, 7), sources=frozenset({"huggingface"}),
)
AX1 = Paper(
    "2511.04570", "Thinking with Video (v1)", "v1 abstract", version=1, authors=("Jingqi Tong", "Yurong Mou"),
    categories=("cs.CV", "cs.AI"), announced_on=date(2025, 11, 7), sources=frozenset({"arxiv"}),
)
AX2 = Paper(
    "2511.04570", "Thinking with Video: revised", "v2 abstract", version=2, authors=("Jingqi Tong", "Yurong Mou"),
    categories=("cs.CV",), announced_on=date(2025, 11, 10), sources=frozenset({"arxiv"}),
)


def test_hf_then_arxiv_keeps_popularity_and_takes_categories() -> None:
    merged = merge_papers(HF, AX1)
    assert merged.upvotes == 242 and merged.github_stars == 309 and merged.ai_summary == "summary"
    assert merged.categories == ("cs.CV", "cs.AI")
    assert merged.version == 1 and merged.title == "Thinking with Video (v1)"
    assert merged.sources == {"huggingface", "arxiv"}


def test_newest_version_wins_in_any_order() -> None:
    for papers in ([HF, AX1, AX2], [AX2, HF, AX1], [AX1, AX2, HF]):
        (merged,) = dedupe_papers(papers)
        assert merged.version == 2
        assert merged.title == "Thinking with Video: revised" and merged.abstract == "v2 abstract"
        assert merged.upvotes == 242
        assert merged.announced_on == date(2025, 11, 7)  # first announcement, not the replacement day


def test_distinct_papers_stay_distinct_in_order() -> None:
    other = Paper("2511.00001", "Other")
    assert [p.arxiv_id for p in dedupe_papers([other, HF, AX1])] == ["2511.00001", "2511.04570"]
