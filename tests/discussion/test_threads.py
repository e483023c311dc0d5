"""Discussion threads through ``PaperBot``: openings, thread mode, messages, questions, activity.

A real SQLite file with the bundled sample; a small deterministic embedder and a recording
answer engine where the model is not the point (the real engine answers in tests/cli). The
fixtures (``store``, ``engine``, ``bot``) are in this folder's conftest. The core opens and
answers through a transport: here an in-memory one with a thread per paper message.
"""
from __future__ import annotations

from datetime import timedelta

from bot.app import PaperBot
from bot.discussion.openings import thread_name
from bot.discussion.threads import ThreadMessage, ThreadOpening
from bot.domain import ChannelRef, Digest, Paper, Post, RankedPaper, Requester
from bot.ports import Sent
from bot.replies import TextReply
from storage.store import SqlStore
from tests.harness.answer_engines import RecordingEngine
from tests.harness.builders import record_digest
from tests.harness.embedders import HashEmbedder
from tests.harness.platforms import ThreadedPlatform
from tests.harness.sample import AGENT, NOW, VIDEO, VTHINK
from tests.harness.sample import CHANNEL as CH


async def post(bot: PaperBot, ids: list[str], message_ids: list[str], channel: ChannelRef = CH) -> list[Post]:
    papers = [await bot.store.get_paper(i) for i in ids]
    digest = Digest("t", tuple(RankedPaper(p, 1.0, "why") for p in papers if p is not None))
    return await record_digest(bot.store, channel, digest, message_ids)


def msg(text: str, *, thread: str = "m1", user: str = "U1", mention: bool = False, event: str | None = None,
        root: str | None = None) -> ThreadMessage:
    return ThreadMessage(CH, thread, user, text, mention, event, root)


async def open_threads(bot: PaperBot, chat: ThreadedPlatform, posts: list[Post], **thread_ids: str) -> list[tuple[str, str]]:
    """The core opens the threads of freshly recorded posts; (root message, thread name) of each it opened.
    ``thread_ids``: the id a root message's thread gets (default ``t-<root>``)."""
    chat.thread_ids.update(thread_ids)
    before = len(chat.threads)
    await bot.discussions.open_threads(chat, CH, posts, Sent(posts[0].message_id, tuple(p.message_id for p in posts)))
    return [(root, name) for _, root, name in chat.threads[before:]]


async def test_always_opens_one_thread_per_root_message(bot: PaperBot) -> None:
    chat = ThreadedPlatform()
    posts = await post(bot, [VIDEO, VTHINK, AGENT], ["m1", "m1", "m2"])  # m1 carries two papers
    assert [root for root, _ in await open_threads(bot, chat, posts[:2])] == ["m1"]
    assert [(r.arxiv_id, r.thread_id) for r in await bot.store.threads_for(CH, "m1")] == [(VIDEO, "t-m1"), (VTHINK, "t-m1")]
    first, second = chat.posted_in("t-m1")
    assert first.startswith("[1] Thinking with Video") and "summary of 2511.04570" in first and second.startswith("[2] V-Thinker")
    assert "https://arxiv.org/abs/2511.04570" in first and "https://arxiv.org/pdf/2511.04570" in first
    assert "https://huggingface.co/papers/2511.04570" in first
    assert "GitHub tongjingqi/Thinking-with-Video ★ 309" in first and "▲ 242 upvotes" in first and "💬 5 comments" in first
    [(_, _, name)] = chat.threads
    assert name.startswith("Thinking with Video") and name.endswith("(+1 more)") and len(name) <= 100
    assert [root for root, _ in await open_threads(bot, chat, posts)] == ["m2"]  # never twice
    assert chat.posted_in("t-m2")[0].startswith("Scaling Agent Learning")  # alone: no number


def test_thread_names_are_short_and_never_ping() -> None:
    paper = Paper("2511.00001", "@everyone look <@123> " + "very long title " * 20)
    name = thread_name([paper])
    assert len(name) <= 100 and "@everyone" not in name and "<@" not in name


async def test_without_an_engine_the_summary_is_extractive(store: SqlStore) -> None:
    bot = PaperBot(store, clock=lambda: NOW)
    chat = ThreadedPlatform()
    await open_threads(bot, chat, await post(bot, [AGENT], ["m1"]))
    [opening] = chat.posted_in("t-m1")
    assert "Summary: " in opening
    reply = await bot.handle(Requester(CH, "U1"), f"ask {AGENT} what is it?")
    assert "need the embedding model" in reply.text


async def test_first_reply_and_never_modes(bot: PaperBot, engine: RecordingEngine) -> None:
    admin = Requester(CH, "U-admin", can_manage_channel=True)
    chat = ThreadedPlatform()
    assert "threads: first_reply" in (await bot.handle(admin, "settings threads:first_reply")).text
    posts = await post(bot, [VIDEO], ["m1"])
    assert await open_threads(bot, chat, posts) == []
    first = await bot.on_thread_message(msg("nice one", event="e1"), chat)
    assert isinstance(first.opening, ThreadOpening) and first.opening.arxiv_ids == (VIDEO,) and first.answer is None
    assert chat.posted_in("m1")[0].startswith("Thinking with Video")  # the opening, in the member's thread
    second = await bot.on_thread_message(msg("agreed", user="U2", event="e2"), chat)
    assert second.opening is None and len(chat.posted_in("m1")) == 1  # opened once

    await bot.handle(admin, "settings threads:never")
    posts = await post(bot, [VTHINK], ["m2"])
    assert await open_threads(bot, chat, posts) == []
    quiet = await bot.on_thread_message(msg("what is this?", thread="m2", mention=True, event="e3"), chat)
    assert quiet.opening is None and quiet.answer is not None  # no thread opened, still answered
    assert chat.threads == [] and chat.posted_in("m2") == [quiet.answer.text]


async def test_messages_map_to_papers_and_count_once(bot: PaperBot, engine: RecordingEngine) -> None:
    chat = ThreadedPlatform()
    posts = await post(bot, [VIDEO, VTHINK], ["m1", "m1"])
    await open_threads(bot, chat, posts, m1="t1")
    unknown = await bot.on_thread_message(msg("hi", thread="elsewhere", event="x"), chat)
    assert unknown.opening is None and unknown.answer is None

    asked = await bot.on_thread_message(msg("what does paper 2 do?", thread="t1", mention=True, event="e1"), chat)
    assert isinstance(asked.answer, TextReply) and engine.asked == [(VTHINK, "what does paper 2 do?")]
    text = asked.answer.text
    assert text.startswith("About 2511.04460 “V-Thinker") and "“We introduce something.” (abstract)" in text
    assert "[extractive answer]" in text and "Note: abstract only" in text
    assert chat.posted_in("t1")[-1] == text  # posted in the thread by the core
    retried = await bot.on_thread_message(msg("what does paper 2 do?", thread="t1", mention=True, event="e1"), chat)
    assert retried.answer is None and len(engine.asked) == 1  # a retried delivery is not answered twice
    assert chat.posted_in("t1")[-1] == text and len(chat.posted_in("t1")) == 3  # two openings and one answer

    await bot.on_thread_message(msg(f"about {VIDEO}: is Sora-2 used?", thread="t1", mention=True, event="e2"), chat)
    assert engine.asked[-1][0] == VIDEO  # named by id
    await bot.on_thread_message(msg("How does the image-interactive thinking with LMMs work?", thread="t1",
                                    mention=True, event="e3"), chat)
    assert engine.asked[-1][0] == VTHINK  # the best match of title and abstract
    activity = await bot.store.thread_activity_for_channel(CH)
    assert [(a.arxiv_id, a.kind.value) for a in activity] == [(VTHINK, "question"), (VIDEO, "question"), (VTHINK, "question")]

    await bot.on_thread_message(msg("cool", thread="t1", user="U2", event="e4"), chat)  # names no paper: both
    assert sorted(a.arxiv_id for a in await bot.store.thread_activity_for_channel(CH) if a.user_id == "U2") == [VTHINK, VIDEO]


async def test_a_reply_to_the_root_maps_through_the_root_message(bot: PaperBot) -> None:
    chat = ThreadedPlatform()
    await open_threads(bot, chat, await post(bot, [VIDEO], ["m1"]), m1="thread-9")
    response = await bot.on_thread_message(msg("hello", thread="thread-9", event="e1"), chat)
    assert response.opening is None
    assert [a.arxiv_id for a in await bot.store.thread_activity_for_channel(CH)] == [VIDEO]


async def test_thread_activity_is_a_taste_signal_and_is_forgotten(bot: PaperBot) -> None:
    chat = ThreadedPlatform()
    await open_threads(bot, chat, await post(bot, [VIDEO], ["m1"]), m1="m1")
    member = Requester(CH, "U1")
    assert (await bot.taste.member_profile(member)).empty
    for n in range(3):  # three replies: one member's interest in one paper
        await bot.on_thread_message(msg(f"reply {n}", event=f"e{n}"), chat)
    [signal] = (await bot.taste.member_profile(member)).signals
    assert signal.arxiv_id == VIDEO and signal.weight == 0.5 and signal.kind == "reaction"
    assert [s.arxiv_id for s in (await bot.taste.channel_profile(CH)).signals] == [VIDEO]
    other = Requester(ChannelRef("slack", "T2", "C1"), "U1")
    assert (await bot.taste.member_profile(other)).empty  # another workspace learns nothing

    await bot.handle(member, "forget me confirm")
    assert (await bot.taste.member_profile(member)).empty
    await bot.on_thread_message(msg("again", user="U2", event="e9"), chat)
    await bot.handle(Requester(CH, "U-admin", can_manage_channel=True), "forget channel confirm")
    assert (await bot.taste.channel_profile(CH)).empty


async def test_activity_weight_and_decay(store: SqlStore) -> None:
    now = [NOW]
    bot = PaperBot(store, clock=lambda: now[0], embedder=HashEmbedder(), taste_options={"activity_weight": 2.0})
    chat = ThreadedPlatform()
    await open_threads(bot, chat, await post(bot, [VIDEO], ["m1"]), m1="m1")
    now[0] = NOW - timedelta(days=30)
    await bot.on_thread_message(msg("old", event="e1"), chat)
    [signal] = (await bot.taste.channel_profile(CH)).signals
    assert signal.weight == 2.0 and signal.at == NOW - timedelta(days=30)  # decays from when it was said
    zero = PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder(), taste_options={"activity_weight": 0.0})
    assert (await zero.taste.channel_profile(CH)).empty


async def test_without_an_embedder_a_question_picks_the_paper_by_its_content_words(store: SqlStore, engine: RecordingEngine) -> None:
    bot = PaperBot(store, clock=lambda: NOW, discussion=engine)  # type: ignore[arg-type]
    chat = ThreadedPlatform()
    await open_threads(bot, chat, await post(bot, [VTHINK, VIDEO], ["m1", "m1"]), m1="m1")
    # stop words ("with", "the", "of", "is") appear in both abstracts; "video generation" only in one
    await bot.on_thread_message(msg("@paperbot what is the role of video generation in this, with the images?",
                                    mention=True, event="q1"), chat)
    assert engine.asked[-1][0] == VIDEO
