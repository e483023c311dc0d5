"""Issue 7 on Discord: paper threads, questions answered in them, activity, DMs — real discord.py, fake Discord.

The bot is built by `paperbot run`'s composition root (``build_bot``, ``start_discord``); only the
REST/gateway URLs point at the fake. Answers use the real all-MiniLM-L6-v2 (one shared instance);
the other scenarios use a small deterministic embedder.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.discussion.threads import ActivityKind, ThreadMode
from bot.domain import ChannelRef, Paper
from tests.harness.builders import record_digest
from tests.harness.discord_fake import BOT_ID, CHANNEL_ID, GUILD_ID, OTHER_USER, FakeDiscord
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, post_paper, start_running
from tests.harness.transport_calls import find_tagged, publish_scheduled, send_digest, send_text
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
NONE_ALLOWED = {"parse": []}
MENTION = f"<@{BOT_ID}>"

PAPER = Paper(
    arxiv_id="2511.99001",
    title="SparseRoute: Sparse Mixture Routing for Long-Context Retrieval @everyone",
    abstract=(
        "We introduce SparseRoute, a routing method for long-context retrieval. "
        "SparseRoute reduces inference latency by 38 percent compared with dense attention. "
        "On the LongBench suite it matches the accuracy of the strongest dense baseline. "
        "Our code is available under the Apache 2.0 license."
    ),
    authors=("Ada Lovelace", "Alan Turing"),
    announced_on=date(2025, 11, 8),  # after the sample's last day: today's only paper
    upvotes=42, num_comments=3, github_repo="https://github.com/example/sparseroute", github_stars=120,
    sources=frozenset({"sample"}),
)


def thread_creations(fake: FakeDiscord) -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith("/threads")]


def activity(running: Running):
    return running.bot.store.thread_activity_for_channel(CHANNEL)


@pytest.fixture
async def threads_always(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as started:
        yield started


@pytest.fixture
async def answering(fake: FakeDiscord, tmp_path: Path, real_embedder) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, threads="always", embedder=real_embedder, sync_commands=False) as started:
        yield started


async def test_the_bot_asks_for_guild_messages_but_not_the_privileged_content_intent(threads_always: Running) -> None:
    intents = threads_always.fake.identifies[-1]["intents"]
    assert intents & (1 << 9)  # GUILD_MESSAGES: members' messages in threads
    assert not intents & (1 << 15)  # MESSAGE_CONTENT (privileged): mentions carry their text anyway
    assert not intents & (1 << 1)  # GUILD_MEMBERS (privileged)


async def test_a_posted_paper_gets_a_thread_with_the_summary(threads_always: Running) -> None:
    fake = threads_always.fake
    message_id = await post_paper(threads_always, PAPER)
    await eventually(lambda: threads_always.bot.store.threads_for(CHANNEL, message_id))
    [create] = thread_creations(fake)
    assert create.path == f"/channels/{CHANNEL_ID}/messages/{message_id}/threads"
    assert create.body["name"].startswith("SparseRoute") and len(create.body["name"]) <= 100
    assert "@everyone" not in create.body["name"]
    [opening] = fake.in_channel(message_id)  # the thread's id is the message's id
    assert opening["allowed_mentions"] == NONE_ALLOWED
    text = opening["content"]
    assert "Summary:" in text and "SparseRoute reduces inference latency" in text
    assert "https://arxiv.org/abs/2511.99001" in text and "github.com/example/sparseroute" in text
    assert "★ 120" in text and "42 upvotes" in text and "3 comments" in text
    assert "@everyone" not in text
    [record] = await threads_always.bot.store.threads_for(CHANNEL, message_id)
    assert record.arxiv_id == PAPER.arxiv_id and record.thread_id == message_id


async def test_a_scheduled_digest_opens_its_threads_too(threads_always: Running) -> None:
    fake, bot = threads_always.fake, threads_always.bot
    digest = await bot.scheduled_digest(CHANNEL, 2)
    ids = await publish_scheduled(bot, threads_always.runner.platform, CHANNEL, digest, "paperbot-outbox-1")
    assert [c.path.split("/")[4] for c in thread_creations(fake)] == ids
    for message_id, item in zip(ids, digest.items):
        [opening] = fake.in_channel(message_id)
        assert item.paper.arxiv_id in opening["content"] and opening["allowed_mentions"] == NONE_ALLOWED
    # the outbox can still find the digest after a restart: thread messages are not in the channel
    assert await find_tagged(threads_always.runner.platform, CHANNEL, "paperbot-outbox-1", digest) == ids


async def test_mentions_in_the_thread_are_answered_from_the_abstract(answering: Running) -> None:
    fake = answering.fake
    thread = await post_paper(answering, PAPER)
    await eventually(lambda: answering.bot.store.threads_for(CHANNEL, thread))

    question = await fake.say(thread, f"{MENTION} how much does SparseRoute reduce latency?", mentions=(BOT_ID,))
    await eventually(lambda: len(fake.in_channel(thread)) == 2)
    answer = fake.in_channel(thread)[1]
    assert "“SparseRoute reduces inference latency by 38 percent compared with dense attention.” (abstract)" in answer["content"]
    assert "extractive" in answer["content"]
    assert answer["allowed_mentions"] == {"parse": [], "replied_user": False}  # a reply that pings no one
    body = next(r.body for r in fake.requests if r.path == f"/channels/{thread}/messages" and r.body.get("message_reference"))
    assert str(body["message_reference"]["message_id"]) == question["id"]  # a reply to the question, no ping

    await fake.say(thread, f"{MENTION} what GPU did they train on?", mentions=(BOT_ID,))
    await eventually(lambda: len(fake.in_channel(thread)) == 3)
    refusal = fake.in_channel(thread)[2]["content"]
    assert "doesn't say" in refusal and "38 percent" not in refusal.split("—")[0]

    questions = [a for a in await activity(answering) if a.kind is ActivityKind.QUESTION]
    assert [(a.user_id, a.arxiv_id) for a in questions] == [(OTHER_USER, PAPER.arxiv_id)] * 2

    # `/papers ask` anywhere: the same grounded answer, lines kept; an apostrophe is not a quote
    it = await fake.slash("ask", [{"name": "paper", "type": 3, "value": f"https://arxiv.org/abs/{PAPER.arxiv_id}"},
                                  {"name": "question", "type": 3, "value": "what's SparseRoute's latency reduction?"}])
    await eventually(lambda: [r for r in fake.requests if it.token in r.path and r.method == "PATCH"])
    [edit] = [r for r in fake.requests if it.token in r.path and r.method == "PATCH"]
    assert "\n“SparseRoute reduces inference latency by 38 percent" in edit.body["content"]
    assert edit.body["allowed_mentions"] == NONE_ALLOWED


async def test_replies_count_as_activity_and_bots_and_duplicates_do_not(threads_always: Running) -> None:
    fake = threads_always.fake
    thread = await post_paper(threads_always, PAPER)
    await eventually(lambda: threads_always.bot.store.threads_for(CHANNEL, thread))
    # without the content intent a plain reply arrives with empty text: still activity, no answer
    await fake.say(thread, "great paper", message_id="920000000000000001")
    await fake.say(thread, "great paper", message_id="920000000000000001")  # a replayed event
    await fake.say(thread, "I am a bot", bot=True)
    await fake.say(thread, "via webhook", webhook_id="555555555555555555")
    await fake.say(thread, "", user_id="700000000000000002", message_type=18)  # a system message
    await fake.say(thread, "marker", user_id="700000000000000003")
    # gateway events are handled concurrently: wait for both people, then give the rest a moment
    await eventually(lambda: _has_user(threads_always, OTHER_USER))
    await eventually(lambda: _has_user(threads_always, "700000000000000003"))
    await asyncio.sleep(0.2)
    stored = await activity(threads_always)
    assert sorted((a.user_id, a.kind) for a in stored) == [(OTHER_USER, ActivityKind.REPLY),
                                                           ("700000000000000003", ActivityKind.REPLY)]
    assert len(fake.in_channel(thread)) == 1  # only the opening: nobody asked anything


async def _has_user(running: Running, user_id: str) -> bool:
    return any(a.user_id == user_id for a in await activity(running))


async def test_first_reply_mode_opens_the_thread_on_the_first_reply(threads_always: Running) -> None:
    fake, bot = threads_always.fake, threads_always.bot
    await bot.store.save_thread_mode(CHANNEL, ThreadMode.FIRST_REPLY)
    message_id = await post_paper(threads_always, PAPER)
    assert thread_creations(fake) == []

    # a Discord reply to the paper's message, asking something: the thread is made, opened, answered
    await fake.say(CHANNEL_ID, f"{MENTION} what is SparseRoute?", mentions=(BOT_ID,), reply_to=message_id)
    await eventually(lambda: len(fake.in_channel(message_id)) >= 2)
    [create] = thread_creations(fake)
    assert create.path.endswith(f"/messages/{message_id}/threads")
    opening, answer = fake.in_channel(message_id)[:2]
    assert "Summary:" in opening["content"] and PAPER.arxiv_id in answer["content"]
    assert [a.kind for a in await activity(threads_always)] == [ActivityKind.QUESTION]


async def test_a_member_made_thread_on_a_bot_post_works_too(threads_always: Running) -> None:
    fake, bot = threads_always.fake, threads_always.bot
    await bot.store.save_thread_mode(CHANNEL, ThreadMode.FIRST_REPLY)
    message_id = await post_paper(threads_always, PAPER)
    await fake.member_thread(message_id, "let's discuss")
    await fake.say(message_id, "interesting")  # no mention: text unseen, an opening and activity
    await eventually(lambda: fake.in_channel(message_id))
    assert thread_creations(fake) == []  # the member's thread is used
    [opening] = fake.in_channel(message_id)
    assert "Summary:" in opening["content"]
    [reply] = await activity(threads_always)
    assert reply.thread_id == message_id and reply.kind is ActivityKind.REPLY


async def test_a_thread_the_gateway_never_announced_is_looked_up_once(threads_always: Running) -> None:
    fake, bot = threads_always.fake, threads_always.bot
    await bot.store.save_thread_mode(CHANNEL, ThreadMode.FIRST_REPLY)
    message_id = await post_paper(threads_always, PAPER)
    # a member started a thread on the paper while the bot was away: no THREAD_CREATE, not cached
    fake.thread(CHANNEL_ID, message_id, "started while the bot was away", owner_id=OTHER_USER)
    await fake.say(message_id, "first")
    await eventually(lambda: fake.in_channel(message_id))  # the opening, in the member's thread
    await fake.say(message_id, "second", user_id="700000000000000002")
    await eventually(lambda: _has_user(threads_always, "700000000000000002"))
    assert len(fake.find("GET", f"/channels/{message_id}")) == 1  # the parent is looked up once
    assert thread_creations(fake) == [] and len(fake.in_channel(message_id)) == 1


async def test_an_always_thread_a_member_started_first_is_reused(threads_always: Running) -> None:
    fake, platform, bot = threads_always.fake, threads_always.runner.platform, threads_always.bot
    digest = await bot.scheduled_digest(CHANNEL, 1)
    original = fake._start_thread

    async def member_was_first(channel_id: str, message_id: str, body: dict):
        await fake.member_thread(message_id)
        return await original(channel_id, message_id, body)

    fake._start_thread = member_was_first  # type: ignore[method-assign]
    [message_id] = await publish_scheduled(bot, platform, CHANNEL, digest)
    [opening] = fake.in_channel(message_id)
    assert digest.items[0].paper.arxiv_id in opening["content"]
    assert await bot.store.threads_for(CHANNEL, message_id)


async def test_dm_digest_reactions_count_in_the_guild_and_thread_url(threads_always: Running) -> None:
    fake, platform, bot = threads_always.fake, threads_always.runner.platform, threads_always.bot
    dm = await platform.open_dm(GUILD_ID, OTHER_USER)
    assert dm.platform == "discord" and dm.workspace == GUILD_ID and dm.channel != CHANNEL_ID
    [opened] = fake.find("POST", "/users/@me/channels")
    assert str(opened.body["recipient_id"]) == OTHER_USER
    assert await platform.open_dm(GUILD_ID, OTHER_USER) == dm  # cached by discord.py: no second call
    assert len(fake.find("POST", "/users/@me/channels")) == 1

    digest = await bot.scheduled_digest(dm, 1)
    [message_id] = await send_digest(platform, dm, digest, "paperbot-outbox-5")
    assert fake.messages[message_id]["channel_id"] == dm.channel
    assert thread_creations(fake) == []  # a DM has no threads
    await record_digest(bot.store, dm, digest, [message_id])
    await fake.react(message_id, "👍", channel_id=dm.channel, dm=True, author_id=BOT_ID)
    [reaction] = await eventually_list(lambda: bot.store.reactions_for_message(dm, message_id))
    assert reaction.user_id == OTHER_USER and reaction.channel == dm

    note = await send_text(platform, dm, "Your papers @everyone")
    assert "@everyone" not in fake.messages[note]["content"]
    assert await platform.thread_url(CHANNEL, "123456789012345678") == \
        f"https://discord.com/channels/{GUILD_ID}/123456789012345678"
    assert await platform.thread_url(dm, "123456789012345678") is None


async def test_a_dm_reaction_after_a_restart_counts_in_the_guild_its_digest_was_for(fake: FakeDiscord, tmp_path: Path) -> None:
    """One DM channel carries the digests of every guild; the stored post names the guild, so
    neither a restart nor a later DM digest of another guild misplaces a 👍."""
    other_guild = "424242424242424242"
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as first:
        platform, bot = first.runner.platform, first.bot
        dm = await platform.open_dm(GUILD_ID, OTHER_USER)
        digest = await bot.scheduled_digest(dm, 1)
        [message_id] = await send_digest(platform, dm, digest, "paperbot-outbox-7")
        await record_digest(bot.store, dm, digest, [message_id])
        other_dm = await platform.open_dm(other_guild, OTHER_USER)  # same DM channel, another guild
        assert other_dm.channel == dm.channel and other_dm.workspace == other_guild
        await fake.react(message_id, "👍", channel_id=dm.channel, dm=True, author_id=BOT_ID)
        [reaction] = await eventually_list(lambda: bot.store.reactions_for_message(dm, message_id))
        assert reaction.channel == dm  # the digest's guild, not the one opened last
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as second:
        assert second.runner.platform.dm_workspaces == {}  # a new process remembers nothing
        await fake.react(message_id, "🔥", channel_id=dm.channel, dm=True, author_id=BOT_ID)
        reactions = await eventually_list(lambda: _two(second.bot.store.reactions_for_message(dm, message_id)))
        assert sorted(r.emoji for r in reactions) == sorted(["👍", "🔥"])


async def _two(reactions):
    found = await reactions
    return found if len(found) >= 2 else []


async def eventually_list(check):
    await eventually(check)
    return await check()


def test_long_answers_are_split_and_stay_harmless() -> None:
    from adapters.discord.platform import text_pieces
    from bot.replies import TextReply

    text = "\n".join(f"“Sentence {n} mentions @everyone and <@123>.” (abstract)" for n in range(120))
    pieces = text_pieces(TextReply(text))
    assert len(pieces) > 1 and all(len(p) <= 2000 for p in pieces)
    joined = json.dumps(pieces, ensure_ascii=False)
    assert "@everyone" not in joined and "<@123>" not in joined
    assert pieces[0].count("\n") > 5  # line breaks kept
