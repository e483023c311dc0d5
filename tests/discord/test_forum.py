"""Discord forum channels: a post per paper, the post is its thread — real discord.py, fake Discord.

The bot is built by `paperbot run`'s composition root; the forum is not announced on the gateway,
so the bot learns its type from GET /channels/{id}, as it must for a channel it has not seen.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import discord
import pytest

from bot.discussion.threads import ActivityKind
from bot.domain import ChannelRef, Paper, Post, Subscription
from bot.errors import TransientDeliveryError
from bot.ports import ThreadStyle
from bot.replies import DigestReply, TextReply
from bot.scheduling.ports import SENT
from bot.scheduling.schedule import ScheduleOptions
from bot.scheduling.scheduler import Scheduler
from tests.harness.clocks import Clock
from tests.harness.discord_fake import (
    BOT_ID,
    FORUM_ID,
    GUILD_ID,
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    OTHER_USER,
    FakeDiscord,
    live_mentions,
)
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.transport_calls import publish_scheduled
from tests.harness.waiting import eventually

FORUM = ChannelRef("discord", GUILD_ID, FORUM_ID)
DAY = date(2025, 11, 9)  # after the sample's last day: the digests below hold these papers only
TAGS = ["Machine Learning", "cs.CV", "Robotics", "Announcements", "Off-topic"]

PAPERS = [
    Paper("2511.98001", "SparseRoute: Sparse Mixture Routing for Long-Context Retrieval",
          "We introduce SparseRoute, a routing method for long-context retrieval. "
          "SparseRoute reduces inference latency by 38 percent compared with dense attention.",
          authors=("Ada Lovelace",), categories=("cs.LG", "cs.CL"), announced_on=DAY, upvotes=50,
          sources=frozenset({"sample"})),
    Paper("2511.98002", "Seeing Robots", "A vision model for robots.", categories=("cs.CV", "cs.RO"),
          announced_on=DAY, upvotes=40, sources=frozenset({"sample"})),
    Paper("2511.98003", "Grasping in Clutter", "Robots grasp.", categories=("cs.RO",), announced_on=DAY, upvotes=30,
          sources=frozenset({"sample"})),
    Paper("2511.98004", "Announcements of Theorems", "Pure theory.", categories=("math.CO",), announced_on=DAY,
          upvotes=20, sources=frozenset({"sample"})),
    Paper("2511.98005", "Segmenting Everything Again", "Segmentation.", categories=("cs.CV", "stat.ML"),
          announced_on=DAY, upvotes=10, sources=frozenset({"sample"})),
]
EXPECTED_TAGS = {"2511.98001": ["Machine Learning"], "2511.98002": ["cs.CV", "Robotics"], "2511.98003": ["Robotics"],
                 "2511.98004": [], "2511.98005": ["Machine Learning", "cs.CV"]}


class Crash(BaseException):
    """The process dies in the middle of a send (nothing in it catches this)."""


@pytest.fixture
async def forum_bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    fake.add_forum(TAGS, moderated=("Announcements",))
    async with start_running(fake, tmp_path, threads="never", embedder=HashEmbedder(), sync_commands=False) as started:
        await started.bot.store.upsert_papers(PAPERS)
        yield started


def post_of(fake: FakeDiscord, arxiv_id: str, forum_id: str = FORUM_ID) -> dict:
    title = next(p.title for p in PAPERS if p.arxiv_id == arxiv_id)
    [post] = [p for p in fake.posts(forum_id) if p["name"] == title]
    return post


async def test_a_digest_to_a_forum_is_a_post_per_paper_named_and_tagged_each_its_thread(forum_bot: Running) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    digest = await bot.scheduled_digest(FORUM, 5)
    assert {i.paper.arxiv_id for i in digest.items} == set(EXPECTED_TAGS)
    ids = await publish_scheduled(bot, platform, FORUM, digest)

    posts = fake.posts()
    assert [p["id"] for p in posts] == ids  # one post per paper, in the digest's order; the id is the post's
    for item, post in zip(digest.items, posts, strict=True):
        assert post["name"] == item.paper.title
        assert fake.tag_names(post) == EXPECTED_TAGS[item.paper.arxiv_id]  # matched by name; moderated never
        [starter] = fake.in_channel(post["id"])
        assert starter["id"] == post["id"] and starter["embeds"][0]["url"] == item.paper.abs_url
        assert not starter["content"]  # no headline: a forum has no channel message to carry one
    assert fake.in_channel(FORUM_ID) == [] and fake.violations == [] and fake.rendering_problems() == []
    assert len(fake.find("GET", f"/channels/{FORUM_ID}")) == 1  # the type, read once

    assert platform.thread_style(FORUM) is ThreadStyle.POST_IS_THREAD
    for item, post in zip(digest.items, posts, strict=True):  # each post is its paper's thread, in mode "never" too
        [record] = await bot.store.threads_for(FORUM, post["id"])
        assert (record.thread_id, record.arxiv_id) == (post["id"], item.paper.arxiv_id)
    assert [len(fake.in_channel(p["id"])) for p in posts] == [1] * 5  # no opening: the post shows the paper

    # a reaction on a post's starter message counts for that paper in the forum
    await fake.react(ids[0], "👍", channel_id=ids[0], author_id=BOT_ID)
    reactions = await eventually(lambda: bot.store.reactions_for_channel(FORUM))
    assert [(r.arxiv_id, r.user_id, r.emoji) for r in reactions] == [(digest.items[0].paper.arxiv_id, OTHER_USER, "👍")]


async def test_a_question_in_a_post_gets_the_grounded_answer(forum_bot: Running) -> None:
    fake, bot = forum_bot.fake, forum_bot.bot
    await publish_scheduled(bot, forum_bot.runner.platform, FORUM, await bot.scheduled_digest(FORUM, 5))
    post = post_of(fake, "2511.98001")
    question = await fake.say(post["id"], f"<@{BOT_ID}> how much does SparseRoute reduce inference latency?",
                              mentions=(BOT_ID,))
    await eventually(lambda: len(fake.in_channel(post["id"])) == 2)
    answer = fake.in_channel(post["id"])[1]
    assert "About 2511.98001" in answer["content"] and "38 percent" in answer["content"]
    assert answer["allowed_mentions"] == {"parse": [], "replied_user": False}
    body = next(r.body for r in fake.requests if r.path == f"/channels/{post['id']}/messages")
    assert str(body["message_reference"]["message_id"]) == question["id"]
    [asked] = [a for a in await bot.store.thread_activity_for_channel(FORUM) if a.kind is ActivityKind.QUESTION]
    assert (asked.user_id, asked.arxiv_id, asked.thread_id) == (OTHER_USER, "2511.98001", post["id"])


async def test_a_paper_posted_before_bumps_its_post_instead_of_a_second_one(forum_bot: Running) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    full = await bot.scheduled_digest(FORUM, 5)
    first = replace(full, items=full.items[:2])
    await publish_scheduled(bot, platform, FORUM, first, "paperbot-outbox-1")
    again = replace(full, items=full.items[:3])  # the same two papers and one more
    ids = await publish_scheduled(bot, platform, FORUM, again, "paperbot-outbox-2")
    assert len(fake.posts()) == 3  # only the new paper got a post
    for item, message_id in zip(again.items, ids, strict=True):
        assert message_id == post_of(fake, item.paper.arxiv_id)["id"]  # the item is its one post
    for item in first.items:  # the old posts were bumped with one line each
        bump = fake.in_channel(post_of(fake, item.paper.arxiv_id)["id"])[1]
        assert bump["content"].startswith("Back in a digest:") and bump["allowed_mentions"] == {"parse": []}
    assert len({(await bot.store.threads_of_papers(FORUM, [i.paper.arxiv_id]))[i.paper.arxiv_id].thread_id
                for i in again.items}) == 3
    assert fake.rendering_problems() == []


async def test_a_crash_after_two_of_five_posts_resumes_without_duplicates(forum_bot: Running,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    store = bot.store
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    await store.save_subscription(Subscription(FORUM, (now - timedelta(minutes=2)).time(), "UTC", count=5,
                                               created_at=now - timedelta(days=1)))
    await store.set_schedule(FORUM, ScheduleOptions(weekdays=frozenset(range(7))))
    clock = Clock(now)
    real = discord.ForumChannel.create_thread
    made = 0

    async def dies_on_the_third(self: discord.ForumChannel, **kwargs: object) -> object:
        nonlocal made
        if made == 2:
            raise Crash("the process died")
        made += 1
        return await real(self, **kwargs)  # type: ignore[arg-type]

    def scheduler() -> Scheduler:
        return Scheduler(store, {"discord": platform}, clock=clock, publisher=bot.publisher)  # type: ignore[arg-type]

    monkeypatch.setattr(discord.ForumChannel, "create_thread", dies_on_the_third)
    with pytest.raises(Crash):
        await scheduler().tick()
    assert len(fake.posts()) == 2
    monkeypatch.setattr(discord.ForumChannel, "create_thread", real)
    clock.now += timedelta(hours=1)
    before = len(fake.requests)
    report = await scheduler().tick()
    reads = [f"{r.method} {r.path}" for r in fake.requests[before:] if r.method == "GET"]
    assert len(reads) == 4  # the active posts, the archived ones, and the two starters found by name
    assert report.delivery.confirmed == 1 and report.delivery.sent == 0  # found (2 of 5), then completed

    posts = fake.posts()
    assert len(posts) == 5 and len({p["name"] for p in posts}) == 5  # the three missing sent, none twice
    [row] = [r for r in await store.outbox_rows() if r["kind"] == "daily"]
    assert row["status"] == SENT and sorted(row["message_ids"]) == sorted(p["id"] for p in posts)
    assert sorted(p.message_id for p in await store.recent_posts(FORUM, 10)) == sorted(p["id"] for p in posts)
    for post in posts:
        assert await store.threads_for(FORUM, post["id"])


async def test_found_again_also_among_archived_posts(forum_bot: Running) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    digest = await bot.scheduled_digest(FORUM, 3)
    since = datetime.now(UTC)
    sent = await platform.send(FORUM, DigestReply(digest), tag="paperbot-outbox-3")
    fake.threads[sent.message_ids[1]]["thread_metadata"]["archived"] = True
    found = await platform.find_sent(FORUM, "paperbot-outbox-3", expected=DigestReply(digest), since=since)
    assert found == sent
    later = await platform.find_sent(FORUM, "paperbot-outbox-3", expected=DigestReply(digest),
                                     since=since + timedelta(hours=1))
    assert later is None  # created before that due time: not this send


HOSTILE = Paper(
    "2511.98009",
    "@everyone <@123456789012345678> [click](https://evil.example) **bold** `code` # heading " + "long " * 60,
    "An abstract with @here and <#1> and [a](https://x.example).",
    categories=("cs.LG",), announced_on=DAY + timedelta(days=1), sources=frozenset({"sample"}),
)


async def test_hostile_titles_are_bounded_and_neutralised(forum_bot: Running) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    await bot.store.upsert_papers([HOSTILE])
    digest = await bot.scheduled_digest(FORUM, 1)
    assert [i.paper.arxiv_id for i in digest.items] == [HOSTILE.arxiv_id]
    await publish_scheduled(bot, platform, FORUM, digest)
    [post] = fake.posts()
    assert 1 <= len(post["name"]) <= 100 and live_mentions(post["name"]) == []
    assert "](" not in post["name"]
    assert fake.violations == [] and fake.rendering_problems() == []


async def test_subscribe_from_a_post_subscribes_its_forum(forum_bot: Running) -> None:
    fake, bot = forum_bot.fake, forum_bot.bot
    await publish_scheduled(bot, forum_bot.runner.platform, FORUM, await bot.scheduled_digest(FORUM, 1))
    [post] = fake.posts()
    where = {k: post[k] for k in ("id", "type", "guild_id", "name", "parent_id", "thread_metadata", "owner_id")}
    it = await fake.slash("subscribe", [{"name": "at", "type": 3, "value": "08:30"}],
                          permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS, channel=where)
    await eventually(lambda: [r for r in fake.requests if it.token in r.path and r.method == "PATCH"])
    subscription = await bot.store.get_subscription(FORUM)
    assert subscription is not None and subscription.post_time.strftime("%H:%M") == "08:30"
    assert await bot.store.get_subscription(ChannelRef("discord", GUILD_ID, post["id"])) is None


async def test_a_media_channel_gets_posts_as_a_forum_does(forum_bot: Running) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    media = fake.add_forum(["Robotics"], forum_id="800000000000000030", channel_type=16)
    channel = ChannelRef("discord", GUILD_ID, media["id"])
    digest = await bot.scheduled_digest(channel, 5)
    ids = await publish_scheduled(bot, platform, channel, digest)
    assert [p["id"] for p in fake.posts(media["id"])] == ids
    assert platform.thread_style(channel) is ThreadStyle.POST_IS_THREAD
    robots = post_of(fake, "2511.98003", media["id"])
    assert robots["parent_id"] == media["id"] and fake.tag_names(robots) == ["Robotics"]


async def test_a_note_is_a_post_of_its_own_and_found_again(forum_bot: Running) -> None:
    fake, platform = forum_bot.fake, forum_bot.runner.platform
    since = datetime.now(UTC)
    [note_id] = await platform.post(FORUM, TextReply("No new papers today.\nBack tomorrow."), tag="paperbot-outbox-4")
    [post] = fake.posts()
    assert (post["id"], post["name"]) == (note_id, "No new papers today.")
    assert fake.in_channel(note_id)[0]["content"] == "No new papers today.\nBack tomorrow."
    found = await platform.find_sent(FORUM, "paperbot-outbox-4", expected=TextReply("No new papers today.\nBack tomorrow."),
                                     since=since)
    assert found is not None and found.root_id == note_id
    assert await platform.find_sent(FORUM, "paperbot-outbox-5", expected=TextReply("Another note."), since=since) is None


async def test_a_paper_whose_post_was_deleted_gets_a_new_post(forum_bot: Running) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    full = await bot.scheduled_digest(FORUM, 5)
    [old] = await publish_scheduled(bot, platform, FORUM, replace(full, items=full.items[:1]), "paperbot-outbox-1")
    del fake.threads[old]  # a moderator deleted the post
    fake.gone_channels.add(old)
    ids = await publish_scheduled(bot, platform, FORUM, replace(full, items=full.items[:2]), "paperbot-outbox-2")
    assert len(fake.posts()) == 2 and old not in ids and all(ids)  # the digest went out whole
    assert fake.violations == []


async def test_a_forum_announced_on_the_gateway_is_known_without_a_request(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.add_forum(TAGS)
    fake.announce_forums = True
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as running:
        await running.bot.store.upsert_papers(PAPERS)
        assert running.runner.platform.thread_style(FORUM) is ThreadStyle.POST_IS_THREAD
        digest = await running.bot.scheduled_digest(FORUM, 5)
        await publish_scheduled(running.bot, running.runner.platform, FORUM, digest)
        assert len(fake.posts()) == 5 and fake.find("GET", f"/channels/{FORUM_ID}") == []
        assert [fake.tag_names(p) for p in fake.posts()] == [EXPECTED_TAGS[i.paper.arxiv_id] for i in digest.items]


async def _at_least(posts: Awaitable[list[Post]], count: int) -> list[Post] | None:
    found = await posts
    return found if len(found) >= count else None


async def test_papers_today_in_a_post_answers_there_and_opens_no_thread_inside_it(fake: FakeDiscord,
                                                                                   tmp_path: Path) -> None:
    fake.add_forum(TAGS)
    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as running:
        await running.bot.store.upsert_papers(PAPERS)
        await publish_scheduled(running.bot, running.runner.platform, FORUM, await running.bot.scheduled_digest(FORUM, 1))
        [post] = fake.posts()
        where = {k: post[k] for k in ("id", "type", "guild_id", "name", "parent_id", "thread_metadata", "owner_id")}
        post_ref = ChannelRef("discord", GUILD_ID, post["id"])
        assert running.runner.platform.thread_style(post_ref) is ThreadStyle.NONE  # a thread holds no threads
        it = await fake.slash("today", [{"name": "count", "type": 4, "value": 2}], channel=where)
        await eventually(lambda: [r for r in fake.requests if it.token in r.path and r.method == "PATCH"])
        # recorded as the forum's (its "already seen", where reactions on them count), not the post's
        await eventually(lambda: _at_least(running.bot.store.recent_posts(FORUM, 5), 3))
        assert await running.bot.store.recent_posts(post_ref, 5) == []
        assert [r.path for r in fake.requests if r.method == "POST" and "/messages/" in r.path
                and r.path.endswith("/threads")] == []
        assert len(fake.posts()) == 1  # the forum got no post from it


async def test_a_passing_failure_reading_the_channel_kind_is_retried_not_taken_for_a_text_channel(
        forum_bot: Running) -> None:
    fake, bot, platform = forum_bot.fake, forum_bot.bot, forum_bot.runner.platform
    digest = await bot.scheduled_digest(FORUM, 1)
    fake.fail_next("GET", f"/channels/{FORUM_ID}", 503, times=10)  # beyond discord.py's own tries
    with pytest.raises(TransientDeliveryError):
        await platform.send(FORUM, DigestReply(digest))
    assert fake.find("POST", f"/channels/{FORUM_ID}/messages") == []  # never sent as to a text channel
    fake.scripted.clear()
    sent = await platform.send(FORUM, DigestReply(digest))
    assert [p["id"] for p in fake.posts()] == list(sent.message_ids)
