"""Discussion threads through ``PaperBot``: openings, thread mode, messages, questions, activity.

A real SQLite file with the bundled sample; a small deterministic embedder and a recording
answer engine where the model is not the point (the real engine answers in tests/cli). The
fixtures (``store``, ``engine``, ``bot``) are in this folder's conftest.
"""
from __future__ import annotations

from datetime import timedelta

from bot.app import PaperBot
from bot.discussion.threads import ThreadMessage, ThreadMode, ThreadOpening
from bot.domain import ChannelRef, Digest, Paper, Post, RankedPaper, Requester
from bot.replies import TextReply
from bot.usecases.discussion import thread_name
from storage.store import SqlStore
from tests.harness.answer_engines import RecordingEngine
from tests.harness.embedders import HashEmbedder
from tests.harness.sample import AGENT, NOW, VIDEO, VTHINK
from tests.harness.sample import CHANNEL as CH

async def post(bot: PaperBot, ids: list[str], message_ids: list[str], channel: ChannelRef = CH) -> list[Post]:
    papers = [await bot.store.get_paper(i) for i in ids]
    digest = Digest("t", tuple(RankedPaper(p, 1.0, "why") for p in papers if p is not None))
    return await bot.record_posted(channel, digest, message_ids)


def msg(text: str, *, thread: str = "m1", user: str = "U1", mention: bool = False, event: str | None = None,
        root: str | None = None) -> ThreadMessage:
    return ThreadMessage(CH, thread, user, text, mention, event, root)


async def test_always_opens_one_thread_per_root_message(bot: PaperBot) -> None:
    posts = await post(bot, [VIDEO, VTHINK, AGENT], ["m1", "m1", "m2"])  # Slack: m1 carries two papers
    openings = await bot.threads_to_open(CH, posts)
    assert [(o.root_message_id, o.arxiv_ids) for o in openings] == [("m1", (VIDEO, VTHINK)), ("m2", (AGENT,))]
    first = openings[0].messages[0].text
    assert first.startswith("[1] Thinking with Video") and "summary of 2511.04570" in first
    assert "https://arxiv.org/abs/2511.04570" in first and "https://arxiv.org/pdf/2511.04570" in first
    assert "https://huggingface.co/papers/2511.04570" in first
    assert "GitHub tongjingqi/Thinking-with-Video ★ 309" in first and "▲ 242 upvotes" in first and "💬 5 comments" in first
    assert openings[1].messages[0].text.startswith("Scaling Agent Learning")  # alone: no number
    assert openings[0].name.startswith("Thinking with Video") and openings[0].name.endswith("(+1 more)")
    assert all(len(o.name) <= 100 for o in openings)
    await bot.thread_opened(CH, openings[0], "m1", ["r1", "r2"])
    assert [o.root_message_id for o in await bot.threads_to_open(CH, posts)] == ["m2"]  # never twice


def test_thread_names_are_short_and_never_ping() -> None:
    paper = Paper("2511.00001", "@everyone look <@123> " + "very long title " * 20)
    name = thread_name([paper])
    assert len(name) <= 100 and "@everyone" not in name and "<@" not in name


async def test_without_an_engine_the_summary_is_extractive(store: SqlStore) -> None:
    bot = PaperBot(store, clock=lambda: NOW)
    [opening] = await bot.threads_to_open(CH, await post(bot, [AGENT], ["m1"]))
    assert "Summary: " in opening.messages[0].text
    reply = await bot.handle(Requester(CH, "U1"), f"ask {AGENT} what is it?")
    assert "need the embedding model" in reply.text


async def test_first_reply_and_never_modes(bot: PaperBot, engine: RecordingEngine) -> None:
    admin = Requester(CH, "U-admin", can_manage_channel=True)
    assert "threads: first_reply" in (await bot.handle(admin, "settings threads:first_reply")).text
    posts = await post(bot, [VIDEO], ["m1"])
    assert await bot.threads_to_open(CH, posts) == []
    first = await bot.on_thread_message(msg("nice one", event="e1"))
    assert isinstance(first.opening, ThreadOpening) and first.opening.arxiv_ids == (VIDEO,) and first.answer is None
    second = await bot.on_thread_message(msg("agreed", user="U2", event="e2"))
    assert second.opening is None  # opened once

    await bot.handle(admin, "settings threads:never")
    posts = await post(bot, [VTHINK], ["m2"])
    assert await bot.threads_to_open(CH, posts) == []
    quiet = await bot.on_thread_message(msg("what is this?", thread="m2", mention=True, event="e3"))
    assert quiet.opening is None and quiet.answer is not None  # no thread opened, still answered


async def test_messages_map_to_papers_and_count_once(bot: PaperBot, engine: RecordingEngine) -> None:
    posts = await post(bot, [VIDEO, VTHINK], ["m1", "m1"])
    [opening] = await bot.threads_to_open(CH, posts)
    await bot.thread_opened(CH, opening, "t1", ["r1", "r2"])
    unknown = await bot.on_thread_message(msg("hi", thread="elsewhere", event="x"))
    assert unknown.opening is None and unknown.answer is None

    asked = await bot.on_thread_message(msg("what does paper 2 do?", thread="t1", mention=True, event="e1"))
    assert isinstance(asked.answer, TextReply) and engine.asked == [(VTHINK, "what does paper 2 do?")]
    text = asked.answer.text
    assert text.startswith("About 2511.04460 “V-Thinker") and "“We introduce something.” (abstract)" in text
    assert "[extractive answer]" in text and "Note: abstract only" in text
    retried = await bot.on_thread_message(msg("what does paper 2 do?", thread="t1", mention=True, event="e1"))
    assert retried.answer is None and len(engine.asked) == 1  # a retried delivery is not answered twice

    await bot.on_thread_message(msg(f"about {VIDEO}: is Sora-2 used?", thread="t1", mention=True, event="e2"))
    assert engine.asked[-1][0] == VIDEO  # named by id
    await bot.on_thread_message(msg("How does the image-interactive thinking with LMMs work?", thread="t1",
                                    mention=True, event="e3"))
    assert engine.asked[-1][0] == VTHINK  # the best match of title and abstract
    activity = await bot.store.thread_activity_for_channel(CH)
    assert [(a.arxiv_id, a.kind.value) for a in activity] == [(VTHINK, "question"), (VIDEO, "question"), (VTHINK, "question")]

    await bot.on_thread_message(msg("cool", thread="t1", user="U2", event="e4"))  # names no paper: both
    assert sorted(a.arxiv_id for a in await bot.store.thread_activity_for_channel(CH) if a.user_id == "U2") == [VTHINK, VIDEO]


async def test_a_reply_to_the_root_maps_through_the_root_message(bot: PaperBot) -> None:
    [opening] = await bot.threads_to_open(CH, await post(bot, [VIDEO], ["m1"]))
    await bot.thread_opened(CH, opening, "thread-9")
    response = await bot.on_thread_message(msg("hello", thread="thread-9", event="e1"))
    assert response.opening is None
    assert [a.arxiv_id for a in await bot.store.thread_activity_for_channel(CH)] == [VIDEO]


async def test_thread_activity_is_a_taste_signal_and_is_forgotten(bot: PaperBot) -> None:
    [opening] = await bot.threads_to_open(CH, await post(bot, [VIDEO], ["m1"]))
    await bot.thread_opened(CH, opening, "m1")
    member = Requester(CH, "U1")
    assert (await bot.taste.member_profile(member)).empty
    for n in range(3):  # three replies: one member's interest in one paper
        await bot.on_thread_message(msg(f"reply {n}", event=f"e{n}"))
    [signal] = (await bot.taste.member_profile(member)).signals
    assert signal.arxiv_id == VIDEO and signal.weight == 0.5 and signal.kind == "reaction"
    assert [s.arxiv_id for s in (await bot.taste.channel_profile(CH)).signals] == [VIDEO]
    other = Requester(ChannelRef("slack", "T2", "C1"), "U1")
    assert (await bot.taste.member_profile(other)).empty  # another workspace learns nothing

    await bot.handle(member, "forget me confirm")
    assert (await bot.taste.member_profile(member)).empty
    await bot.on_thread_message(msg("again", user="U2", event="e9"))
    await bot.handle(Requester(CH, "U-admin", can_manage_channel=True), "forget channel confirm")
    assert (await bot.taste.channel_profile(CH)).empty


async def test_activity_weight_and_decay(store: SqlStore) -> None:
    now = [NOW]
    bot = PaperBot(store, clock=lambda: now[0], embedder=HashEmbedder(), taste_options={"activity_weight": 2.0})
    [opening] = await bot.threads_to_open(CH, await post(bot, [VIDEO], ["m1"]))
    await bot.thread_opened(CH, opening, "m1")
    now[0] = NOW - timedelta(days=30)
    await bot.on_thread_message(msg("old", event="e1"))
    [signal] = (await bot.taste.channel_profile(CH)).signals
    assert signal.weight == 2.0 and signal.at == NOW - timedelta(days=30)  # decays from when it was said
    zero = PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder(), taste_options={"activity_weight": 0.0})
    assert (await zero.taste.channel_profile(CH)).empty


async def test_without_an_embedder_a_question_picks_the_paper_by_its_content_words(store: SqlStore, engine: RecordingEngine) -> None:
    bot = PaperBot(store, clock=lambda: NOW, discussion=engine)  # type: ignore[arg-type]
    [opening] = await bot.threads_to_open(CH, await post(bot, [VTHINK, VIDEO], ["m1", "m1"]))
    await bot.thread_opened(CH, opening, "m1")
    # stop words ("with", "the", "of", "is") appear in both abstracts; "video generation" only in one
    await bot.on_thread_message(msg("@paperbot what is the role of video generation in this, with the images?",
                                    mention=True, event="q1"))
    assert engine.asked[-1][0] == VIDEO
