from datetime import date

from bot.domain import Paper
from bot.ranking.trending import popularity, rank_trending, trending_score, trending_why

DAY = date(2025, 11, 7)


def paper(pid: str, upvotes: int | None = None, comments: int | None = None, stars: int | None = None, day: date = DAY) -> Paper:
    return Paper(pid, f"Title {pid}", upvotes=upvotes, num_comments=comments, github_stars=stars, announced_on=day)


def test_more_attention_ranks_higher_on_the_same_day() -> None:
    ranked = rank_trending([paper("a", 3), paper("b", 40), paper("c", 12)], DAY)
    assert [r.paper.arxiv_id for r in ranked] == ["b", "c", "a"]


def test_comments_and_stars_count() -> None:
    assert popularity(paper("a", 10, 5, 999)) == 10 + 2 * 5 + 5 * 3
    assert trending_score(paper("a", 10, comments=3), DAY) > trending_score(paper("b", 10), DAY)


def test_recency_decay_lets_a_fresh_paper_beat_an_older_more_upvoted_one() -> None:
    old = paper("old", 30, day=date(2025, 11, 3))  # 4 days old
    new = paper("new", 15, day=DAY)
    assert [r.paper.arxiv_id for r in rank_trending([old, new], DAY)] == ["new", "old"]
    # …but a much more popular older paper still wins.
    famous = paper("famous", 300, day=date(2025, 11, 3))
    assert rank_trending([famous, new], DAY)[0].paper.arxiv_id == "famous"


def test_why_is_short_and_human() -> None:
    assert trending_why(paper("a", 242, 3, 1200), DAY) == "trending: 242 upvotes, 3 comments, ★1.2k on GitHub"
    assert trending_why(paper("a", 1), DAY) == "trending: 1 upvote"
    assert trending_why(paper("a"), DAY) == "new on arXiv, no community signal yet"
    assert trending_why(paper("a", 5, day=date(2025, 11, 5)), DAY) == "trending: 5 upvotes (2 days old)"


def test_ties_are_stable() -> None:
    ranked = rank_trending([paper("b"), paper("a")], DAY)
    assert [r.paper.arxiv_id for r in ranked] == ["a", "b"]
