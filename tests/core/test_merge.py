from dataclasses import replace
from datetime import UTC, date, datetime

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


# ---- implausible sightings (issue: one bad sighting rewrote 2511.04570 for good) ----------------

def _real_video_paper() -> Paper:
    from tests.harness.sample import VIDEO, sample_papers

    return next(p for p in sample_papers() if p.arxiv_id == VIDEO)


def test_a_stored_year_one_version_99_sighting_cannot_win_and_the_next_good_one_heals_it() -> None:
    good = _real_video_paper()
    bad = replace(good, title="Hijacked", abstract="hijacked", version=99, announced_on=date(1, 1, 1),
                  published_at=datetime(1, 1, 1, tzinfo=UTC), sources=frozenset({"arxiv"}))
    # the bad sighting arriving after the good one neither wins "newest version" nor moves the day
    after_bad = merge_papers(good, bad)
    assert after_bad.version is None and after_bad.announced_on == date(2025, 11, 7)
    assert after_bad.published_at == good.published_at
    # a bad row already stored (before bounds existed) is healed by the next good sighting
    healed = merge_papers(bad, good)
    assert healed.title == good.title and healed.abstract == good.abstract
    assert healed.version is None and healed.announced_on == date(2025, 11, 7)
    assert healed.published_at == good.published_at


def test_a_real_newer_version_still_wins_over_an_implausible_one() -> None:
    v2 = replace(AX2, version=2)
    junk = replace(AX1, title="junk", version=10**6)
    assert merge_papers(v2, junk).title == "Thinking with Video: revised"
    assert merge_papers(junk, v2).title == "Thinking with Video: revised" and merge_papers(junk, v2).version == 2
