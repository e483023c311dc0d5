"""Issue 7 on Slack: openings as thread replies, questions answered there, activity, DMs — real slack-bolt, fake Slack.

Built like `paperbot run` builds it (``build_bot`` → ``SlackRunner``); events are signed HTTP
requests (and one Socket Mode envelope) in the recorded shapes of ``tests/fixtures/payloads/slack/``.
Answers use the real all-MiniLM-L6-v2 (one shared instance); the other scenarios use a small
deterministic embedder.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.discussion.threads import ActivityKind, ThreadMode
from bot.domain import ChannelRef, Paper
from paperbot.compose import build_bot
from paperbot.slack_runner import SlackRunner
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, message_event, running_slack, send_event
from tests.harness.sample import NOW
from tests.harness.slack_fake import BOT_USER, TEAM
from tests.harness.transport_calls import find_tagged, publish_scheduled, send_digest, send_text
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)
OTHER = "U0OTHER"

PAPER = Paper(
    arxiv_id="2511.99001",
    title="SparseRoute: Sparse Mixture Routing for Long-Context Retrieval <!channel>",
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


def event_body(event_id: str, *, text: str, ts: str, thread_ts: str | None, user: str | None = MEMBER,
               kind: str = "message", **extra: Any) -> dict:
    return message_event(event_id, text=text, ts=ts, thread_ts=thread_ts, user=user, kind=kind, **extra)


async def mention(h: SlackHarness, thread_ts: str, ts: str, question: str, event_id: str) -> None:
    """A question in a thread arrives twice, as Slack sends it: ``message`` and ``app_mention``."""
    text = f"<@{BOT_USER}> {question}"
    assert await send_event(h, event_body(f"{event_id}-m", text=text, ts=ts, thread_ts=thread_ts)) == 200
    assert await send_event(h, event_body(f"{event_id}-a", text=text, ts=ts, thread_ts=thread_ts, kind="app_mention")) == 200


def replies(h: SlackHarness, thread_ts: str) -> list[dict]:
    return h.fake.thread(CHANNEL, thread_ts)


async def activity(h: SlackHarness):
    return await h.bot.store.thread_activity_for_channel(CH)


async def post_today(h: SlackHarness, command: str = "today 1") -> str:
    """`/papers today 1` with PAPER as today's only paper; the digest message's ts (the thread)."""
    await h.bot.store.upsert_papers([PAPER])
    assert (await h.command(command))[0] == 200
    history = await eventually(lambda: h.bot.history(CH))
    assert history
    return h.fake.messages[CHANNEL][0]["ts"]


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", threads="always", embedder=HashEmbedder()) as harness:
        yield harness


@pytest.fixture
async def answering(tmp_path: Path, real_embedder) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", threads="always", embedder=real_embedder) as harness:
        yield harness


async def test_a_posted_paper_gets_its_opening_in_the_digest_thread(slack: SlackHarness) -> None:
    parent = await post_today(slack)
    await eventually(lambda: slack.bot.store.threads_for(CH, parent))
    react_here, opening = replies(slack, parent)
    assert "react here" in react_here["text"]
    text = opening["text"]
    assert "Summary:" in text and "SparseRoute reduces inference latency" in text
    assert "<https://arxiv.org/abs/2511.99001>" in text and "<https://github.com/example/sparseroute>" in text
    assert "★ 120" in text and "42 upvotes" in text and "3 comments" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    call = slack.fake.calls_to("chat.postMessage")[-1]
    assert call.params["thread_ts"] == parent and str(call.params.get("unfurl_links")).lower() == "false"
    [record] = await slack.bot.store.threads_for(CH, parent)
    assert record.arxiv_id == PAPER.arxiv_id and record.root_message_id == react_here["ts"]


async def test_a_scheduled_digest_opens_its_threads_and_is_still_found_by_its_tag(slack: SlackHarness) -> None:
    platform = slack.runner.platform
    digest = await slack.bot.scheduled_digest(CH, 2)
    ids = await publish_scheduled(slack.bot, platform, CH, digest, "paperbot-outbox-3")
    parent = slack.fake.messages[CHANNEL][0]["ts"]
    thread = replies(slack, parent)
    assert [m["ts"] for m in thread[:2]] == ids and len(thread) == 4
    for item, opening in zip(digest.items, thread[2:]):
        assert item.paper.arxiv_id in opening["text"]
    assert await find_tagged(platform, CH, "paperbot-outbox-3") == ids


async def test_a_mention_in_the_thread_is_answered_once_from_the_abstract(answering: SlackHarness) -> None:
    parent = await post_today(answering)
    await eventually(lambda: answering.bot.store.threads_for(CH, parent))
    await mention(answering, parent, "1762689601.000100", "how much does SparseRoute reduce latency?", "EvQ1")
    await answering.fake.wait_for(lambda: len(replies(answering, parent)) == 3)
    answer = replies(answering, parent)[2]["text"]
    assert "“SparseRoute reduces inference latency by 38 percent compared with dense attention.” (abstract)" in answer
    assert "extractive" in answer

    await mention(answering, parent, "1762689602.000100", "what GPU did they train on?", "EvQ2")
    await answering.fake.wait_for(lambda: len(replies(answering, parent)) == 4)
    assert "doesn't say" in replies(answering, parent)[3]["text"]
    await asyncio.sleep(0.3)  # the second delivery of each question (app_mention) must not answer again
    assert len(replies(answering, parent)) == 4
    questions = [a for a in await activity(answering) if a.kind is ActivityKind.QUESTION]
    assert [(a.user_id, a.arxiv_id) for a in questions] == [(MEMBER, PAPER.arxiv_id)] * 2

    # `/papers ask` anywhere: the same grounded answer, lines and links kept; an apostrophe is not a quote
    await answering.command(f"ask {PAPER.arxiv_id} what's SparseRoute's latency reduction?")
    await answering.fake.wait_for(lambda: answering.fake.responses)
    answered = answering.fake.responses[-1]["text"]
    assert "\n“SparseRoute reduces inference latency by 38 percent" in answered and "<!channel>" not in answered


async def test_replies_are_activity_and_bots_edits_retries_and_top_level_messages_are_not(slack: SlackHarness) -> None:
    parent = await post_today(slack)
    await eventually(lambda: slack.bot.store.threads_for(CH, parent))
    reply = event_body("EvR1", text="great paper", ts="1762689601.000200", thread_ts=parent)
    for retry in (None, 1):
        assert await send_event(slack, reply, retry=retry) == 200
    ignored = [
        event_body("EvB1", text="bot", ts="1762689601.000300", thread_ts=parent, user=None, bot_id="B0OTHER",
                   subtype="bot_message"),
        event_body("EvB2", text="me", ts="1762689601.000400", thread_ts=parent, user=BOT_USER, bot_id="B0BOT"),
        event_body("EvE1", text="", ts="1762689601.000500", thread_ts=parent, user=None, subtype="message_changed",
                   message={"text": "edited", "user": OTHER, "ts": "1762689601.000200", "thread_ts": parent}),
        event_body("EvT1", text="top level", ts="1762689601.000600", thread_ts=None, user=OTHER),
    ]
    for body in ignored:
        assert await send_event(slack, body) == 200
    marker = event_body("EvR2", text="me too", ts="1762689601.000700", thread_ts=parent, user=OTHER)
    assert await send_event(slack, marker) == 200
    stored = await eventually(lambda: _two(slack))
    assert sorted((a.user_id, a.kind) for a in stored) == [(MEMBER, ActivityKind.REPLY), (OTHER, ActivityKind.REPLY)]
    await asyncio.sleep(0.2)
    assert len(await activity(slack)) == 2
    assert len(replies(slack, parent)) == 2  # nobody asked anything: no answers


async def _two(h: SlackHarness):
    stored = await activity(h)
    return stored if len(stored) >= 2 else None


async def test_first_reply_mode_opens_a_papers_thread_on_the_first_reply(slack: SlackHarness) -> None:
    await slack.bot.store.save_thread_mode(CH, ThreadMode.FIRST_REPLY)
    await slack.bot.store.upsert_papers([PAPER])
    assert (await slack.command(f"paper {PAPER.arxiv_id}"))[0] == 200
    await eventually(lambda: slack.bot.history(CH))
    root = slack.fake.messages[CHANNEL][0]["ts"]
    assert replies(slack, root) == []  # nothing opened yet
    await mention(slack, root, "1762689601.000800", "what is SparseRoute?", "EvF1")
    await slack.fake.wait_for(lambda: len(replies(slack, root)) >= 2)
    opening, answer = replies(slack, root)[:2]
    assert "Summary:" in opening["text"] and PAPER.arxiv_id in answer["text"]
    assert [a.kind for a in await activity(slack)] == [ActivityKind.QUESTION]


async def test_a_thread_reply_through_socket_mode(tmp_path: Path) -> None:
    async with running_slack(tmp_path, "socket", threads="always", embedder=HashEmbedder()) as h:
        await h.bot.store.upsert_papers([PAPER])
        await h.fake.send_envelope("slash_commands", h.command_payload("today 1"), "env-1")
        await eventually(lambda: h.bot.history(CH))
        parent = h.fake.messages[CHANNEL][0]["ts"]
        await eventually(lambda: h.bot.store.threads_for(CH, parent))
        body = event_body("EvS1", text="nice", ts="1762689601.000900", thread_ts=parent)
        await h.fake.send_envelope("events_api", body, "env-2")
        await h.fake.wait_for(lambda: any(a.get("envelope_id") == "env-2" for a in h.fake.acks))
        [reply] = await eventually(lambda: activity(h))
        assert reply.user_id == MEMBER and reply.thread_id == parent


async def test_dm_and_thread_url(slack: SlackHarness) -> None:
    platform = slack.runner.platform
    dm = await platform.open_dm(TEAM, MEMBER)
    assert dm == ChannelRef("slack", TEAM, "D0MEMBER")
    assert slack.fake.calls_to("conversations.open")[0].params["users"] == MEMBER
    await send_text(platform, dm, "Your papers <!here>")
    assert json.dumps(slack.fake.messages["D0MEMBER"]).count("<!here>") == 0
    digest = await slack.bot.scheduled_digest(dm, 1)
    [reply] = await send_digest(platform, dm, digest, "paperbot-outbox-4")
    parent = next(m["ts"] for m in slack.fake.messages["D0MEMBER"] if m.get("metadata"))
    assert [m["ts"] for m in slack.fake.thread("D0MEMBER", parent)] == [reply]  # a DM digest opens no discussion
    parent = await post_today(slack)
    url = await platform.thread_url(CH, parent)
    assert url == f"https://lab.slack.com/archives/{CHANNEL}/p{parent.replace('.', '')}"
    assert await platform.thread_url(CH, "1.000") is None  # Slack does not know it


def test_answers_keep_lines_and_links_but_never_ping() -> None:
    from adapters.slack.platform import text_pieces
    from bot.replies import TextReply

    text = "The paper says:\n“We use <!channel> *data*.” (abstract)\nhttps://arxiv.org/abs/2511.99001 " + "x " * 2000
    pieces = text_pieces(TextReply(text))
    assert len(pieces) == 2 and all(len(p) <= 3100 for p in pieces)
    first = pieces[0]
    assert first.startswith("The paper says:\n“We use &lt;!channel&gt;") and "<https://arxiv.org/abs/2511.99001>" in first
    assert "<!channel>" not in first and "*data*" not in first


@pytest.mark.parametrize("restarted", [False, True])
async def test_first_reply_mode_on_a_digest_opens_its_papers_threads(slack: SlackHarness, restarted: bool) -> None:
    """A digest's papers ride on its per-paper replies; a member replying under the digest opens them all.

    The store records each post's root (the digest message), so neither this process nor a restarted
    one needs to read the thread back from Slack (``conversations.replies``).
    """
    second = Paper(arxiv_id="2511.99002", title="DenseRoute: a second paper of the day", abstract="We study dense routing.",
                   announced_on=PAPER.announced_on, upvotes=7, sources=frozenset({"sample"}))
    await slack.bot.store.save_thread_mode(CH, ThreadMode.FIRST_REPLY)
    await slack.bot.store.upsert_papers([second])
    parent = await post_today(slack, "today 2")
    before = len(replies(slack, parent))
    assert before == 2  # the two per-paper "react here" replies, no openings yet
    if restarted:  # a new process: a new runner and bot on the same database
        await slack.runner.stop()
        slack.bot = build_bot(slack.config, slack.bot.store, clock=lambda: NOW, embedder=HashEmbedder())
        slack.runner = SlackRunner(slack.config.slack, slack.bot)
        await slack.runner.start()
    await mention(slack, parent, "1762689601.000950", "how much does paper 1 reduce latency?", "EvFD")
    await slack.fake.wait_for(lambda: len(replies(slack, parent)) >= before + 3)
    added = replies(slack, parent)[before:]
    assert [m["text"].count("Summary:") for m in added[:2]] == [1, 1]  # one opening per paper
    assert "38 percent" in added[2]["text"] or PAPER.arxiv_id in added[2]["text"]
    assert {a.arxiv_id for a in await activity(slack)} == {PAPER.arxiv_id}
    assert len(await slack.bot.store.threads_for(CH, parent)) == 2
    assert slack.fake.calls_to("conversations.replies") == []


@pytest.mark.parametrize("mode", ["normal", "error"])
async def test_the_llm_engine_answers_in_the_thread_and_falls_back_on_an_error(tmp_path: Path, mode: str) -> None:
    """`[answers] engine = "llm"` against a local OpenAI-compatible fake, wired by build_bot as `paperbot run` is."""
    from tests.harness.llm_server import FakeOpenAI

    async with FakeOpenAI(mode=mode, content="It cuts inference latency by 38 percent [1].") as llm:
        answers = {"engine": "llm", "llm_base_url": llm.base_url, "llm_model": "local-test", "llm_timeout_seconds": 5.0}
        async with running_slack(tmp_path, "http", threads="always", embedder=HashEmbedder(), answers=answers) as h:
            parent = await post_today(h)
            await eventually(lambda: h.bot.store.threads_for(CH, parent))
            before = len(replies(h, parent))
            await mention(h, parent, "1762689602.000100", "how much faster is SparseRoute?", "EvLLM")
            await h.fake.wait_for(lambda: len(replies(h, parent)) > before)
            answer = replies(h, parent)[before]["text"]
            assert len(llm.requests) == 1
            sent = json.dumps(llm.requests[0].body)
            assert "how much faster is SparseRoute?" in sent and "[1]" in sent  # the question and numbered passages
            if mode == "normal":
                assert "38 percent" in answer and "answered by the LLM local-test" in answer
            else:
                assert "LLM unavailable" in answer and "extractive" in answer
