from datetime import date

import pytest

from bot.domain import PostKind
from bot.errors import NotFoundError
from bot.replies import DigestReply
from tests.harness.builders import record_digest
from tests.harness.sample import CHANNEL, OTHER_CHANNEL


def by_trending(papers, day):
    """On one day recency is equal, so the order is popularity: upvotes + 2·comments + 5·log10(1+stars)."""
    import math

    same_day = [p for p in papers if p.announced_on == day]
    pop = lambda p: (p.upvotes or 0) + 2 * (p.num_comments or 0) + 5 * math.log10(1 + (p.github_stars or 0))
    return [p.arxiv_id for p in sorted(same_day, key=lambda p: -pop(p))]


async def test_today_is_the_latest_day_with_papers_and_says_which(bot, member, sample_papers) -> None:
    reply = await bot.handle(member, "/papers today")
    assert isinstance(reply, DigestReply)
    digest = reply.digest
    assert digest.day == date(2025, 11, 7)
    assert digest.title == "Top 5 papers of Fri 7 Nov 2025"
    assert len(digest.items) == 5
    # On one day recency is equal, so attention decides; 2511.04570 (242 upvotes) leads.
    assert digest.items[0].paper.arxiv_id == "2511.04570"
    assert [i.paper.arxiv_id for i in digest.items] == by_trending(sample_papers, date(2025, 11, 7))[:5]
    assert digest.items[0].why.startswith("trending: 242 upvotes")


async def test_today_for_a_given_day_and_count(bot, member, sample_papers) -> None:
    digest = (await bot.handle(member, "today 3 2025-11-04")).digest
    assert digest.day == date(2025, 11, 4) and len(digest.items) == 3
    assert all(i.paper.announced_on == date(2025, 11, 4) for i in digest.items)
    assert [i.paper.arxiv_id for i in digest.items] == by_trending(sample_papers, date(2025, 11, 4))[:3]
    # 2511.00062 (46 upvotes, ★1303) outranks 2510.27545 (51 upvotes, no repo): stars count.
    ids = [i.paper.arxiv_id for i in digest.items]
    assert ids.index("2511.00062") < ids.index("2510.27545") if "2510.27545" in ids else "2511.00062" in ids


async def test_a_day_without_papers_names_the_latest_day(bot, member) -> None:
    with pytest.raises(NotFoundError) as err:
        await bot.handle(member, "today 2025-11-08")
    assert "Sat 8 Nov 2025" in str(err.value) and "Fri 7 Nov 2025" in str(err.value)


async def test_scheduled_digest_never_repeats_a_posted_paper(bot, member) -> None:
    first = await bot.scheduled_digest(CHANNEL, count=5)
    await record_digest(bot.store, CHANNEL, first, [f"m{i}" for i in range(5)], kind=PostKind.SCHEDULED)
    second = await bot.scheduled_digest(CHANNEL, count=5)
    first_ids = {i.paper.arxiv_id for i in first.items}
    assert first_ids.isdisjoint(i.paper.arxiv_id for i in second.items)
    assert len(second.items) == 5  # 2025-11-07 has 15 papers
    await record_digest(bot.store, CHANNEL, second, [f"n{i}" for i in range(5)], kind=PostKind.SCHEDULED)
    third = await bot.scheduled_digest(CHANNEL, count=10)
    assert len(third.items) == 5
    await record_digest(bot.store, CHANNEL, third, [f"o{i}" for i in range(5)], kind=PostKind.SCHEDULED)
    exhausted = await bot.scheduled_digest(CHANNEL, count=5)
    assert exhausted.items == () and "No new papers" in exhausted.note
    # Another channel is unaffected, and an on-demand digest shows what was asked.
    assert len((await bot.scheduled_digest(OTHER_CHANNEL, count=5)).items) == 5
    on_demand = (await bot.handle(member, "today")).digest
    assert [i.paper.arxiv_id for i in on_demand.items] == [i.paper.arxiv_id for i in first.items]


async def test_week_ranks_the_whole_week_with_decay(bot, member, sample_papers) -> None:
    digest = (await bot.handle(member, "week 10")).digest
    assert digest.week == "2025-W45" and len(digest.items) == 10
    assert "Mon 3 Nov 2025" in digest.title and "Sun 9 Nov 2025" in digest.title
    days = {i.paper.announced_on for i in digest.items}
    assert len(days) > 1  # not just one day's list
    scores = [i.score for i in digest.items]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(NotFoundError, match="2025-W40"):
        await bot.handle(member, "week 2025-W40")


async def test_empty_store_says_to_fetch(store, member) -> None:
    from bot.app import PaperBot

    with pytest.raises(NotFoundError, match="paperbot fetch"):
        await PaperBot(store).handle(member, "today")
