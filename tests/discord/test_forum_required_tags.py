"""A Discord forum with "Require tags" on — real discord.py, fake Discord (which refuses a post without
a tag there with 400 40067, as Discord does).

A post no topic tag fits carries the forum's generic tag ("paper", "arXiv", …); with none, nothing is
posted and the subscription is paused with words that tell the moderators what to change — also when
Discord refuses because the setting was turned on after the bot read the forum.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Paper, Subscription
from bot.errors import ChannelUnavailableError
from bot.replies import DigestReply, TextReply
from bot.scheduling.unreachable import WORDS, Unreachable
from bot.scheduling.usecases import describe
from paperbot.scheduling import build_scheduler
from tests.harness.clocks import Clock
from tests.harness.discord_fake import FORUM_ID, GUILD_ID, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running

FORUM = ChannelRef("discord", GUILD_ID, FORUM_ID)
DAY = date(2025, 11, 9)  # after the sample's last day: the digests below hold these papers only
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
POSTS = f"/channels/{FORUM_ID}/threads"
REASON = WORDS[Unreachable.TAG_REQUIRED]

ROBOTS = [
    Paper("2511.97001", "Grasping in Clutter", "Robots grasp.", categories=("cs.RO",), announced_on=DAY, upvotes=30,
          sources=frozenset({"sample"})),
    Paper("2511.97002", "Seeing Robots", "A vision model for robots.", categories=("cs.CV", "cs.RO"),
          announced_on=DAY, upvotes=20, sources=frozenset({"sample"})),
]
THEORY = Paper("2511.97003", "Announcements of Theorems", "Pure theory.", categories=("math.CO",), announced_on=DAY,
               upvotes=10, sources=frozenset({"sample"}))


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, threads="never", embedder=HashEmbedder(), sync_commands=False) as started:
        yield started


async def post_digest(running: Running, papers: list[Paper]) -> list[str]:
    await running.bot.store.upsert_papers(papers)
    digest = await running.bot.scheduled_digest(FORUM, len(papers), day=DAY)
    assert {i.paper.arxiv_id for i in digest.items} == {p.arxiv_id for p in papers}
    return list((await running.runner.platform.send(FORUM, DigestReply(digest))).message_ids)


async def scheduled_tick(running: Running) -> int:
    """The forum's daily digest planned and delivered once; how many subscriptions it paused."""
    store = running.bot.store
    await store.save_subscription(Subscription(FORUM, time(9), "UTC", count=2, created_at=DUE - timedelta(days=1)))
    scheduler = build_scheduler(running.config, store, {"discord": running.runner.platform}, clock=Clock(DUE),
                                taste=running.bot.taste, publisher=running.bot.publisher)
    assert (await scheduler.planner.plan_due()).planned == 1
    return (await scheduler.tick()).delivery.paused


async def paused_reason(running: Running) -> str | None:
    options = await running.bot.store.get_schedule(FORUM)
    return options.paused_reason if options is not None else None


async def test_a_post_a_topic_tag_fits_carries_that_tag_and_no_generic_one(fake: FakeDiscord, bot: Running) -> None:
    fake.add_forum(["Paper", "Robotics", "Off-topic"], require_tag=True)
    ids = await post_digest(bot, ROBOTS)
    assert [p["id"] for p in fake.posts()] == ids
    assert [fake.tag_names(p) for p in fake.posts()] == [["Robotics"], ["Robotics"]]
    assert fake.violations == []


async def test_a_post_no_topic_tag_fits_carries_the_generic_tag(fake: FakeDiscord, bot: Running) -> None:
    # "Paper" is moderated (never applied); the generic tag is matched without case, accents or emoji
    fake.add_forum(["Paper", "Robotics", "Off-topic", "📰 Dígest"], moderated=("Paper",), require_tag=True)
    await post_digest(bot, [*ROBOTS, THEORY])
    tags = {p["name"]: fake.tag_names(p) for p in fake.posts()}
    assert tags == {"Grasping in Clutter": ["Robotics"], "Seeing Robots": ["Robotics"],
                    "Announcements of Theorems": ["📰 Dígest"]}
    [note] = await bot.runner.platform.post(FORUM, TextReply("No new papers today."))  # a note is a post too
    assert fake.tag_names(fake.threads[note]) == ["📰 Dígest"]
    assert fake.violations == []


async def test_a_forum_with_no_usable_tag_is_paused_with_what_to_change_and_nothing_posted(
        fake: FakeDiscord, bot: Running) -> None:
    fake.add_forum(["Paper", "Off-topic"], moderated=("Paper",), require_tag=True)
    assert await scheduled_tick(bot) == 1
    assert fake.find("POST", POSTS) == []  # no doomed post
    reason = await paused_reason(bot)
    assert reason == REASON
    assert '"paper"' in reason and "Require tags" in reason and "40067" not in reason
    options = await bot.bot.store.get_schedule(FORUM)
    assert options is not None and REASON in describe(options)  # as `/papers schedule` shows it
    with pytest.raises(ChannelUnavailableError) as refused:  # a note neither
        await bot.runner.platform.post(FORUM, TextReply("No new papers today."))
    assert str(refused.value) == REASON and fake.find("POST", POSTS) == []


async def test_require_tags_turned_on_after_the_forum_was_read_pauses_with_the_same_reason(
        fake: FakeDiscord, bot: Running) -> None:
    fake.add_forum(["Off-topic"])
    await post_digest(bot, [THEORY])  # the forum is read (and kept) while it requires no tag
    assert len(fake.posts()) == 1 and len(fake.find("GET", f"/channels/{FORUM_ID}")) == 1
    fake.set_require_tag(True)  # a moderator turns it on; the bot's copy still says off
    assert await scheduled_tick(bot) == 1
    [refused] = [r for r in fake.find("POST", POSTS)][1:]
    assert not refused.body.get("applied_tags")  # Discord refused it: 400 40067
    assert await paused_reason(bot) == REASON  # not the generic "can't post here any more"
    # the forum is read again on the next send, which then posts nothing
    before = len(fake.find("POST", POSTS))
    with pytest.raises(ChannelUnavailableError) as again:
        await bot.runner.platform.post(FORUM, TextReply("No new papers today."))
    assert str(again.value) == REASON and len(fake.find("POST", POSTS)) == before
    assert len(fake.find("GET", f"/channels/{FORUM_ID}")) == 2
