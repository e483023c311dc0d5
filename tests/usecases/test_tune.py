"""`/papers tune` through the core: chosen, posted and recorded like a digest, and its ratings teach.

A real SQLite file with the bundled sample, the real MiniLM model, and the console's transport
(one numbered post per paper, so a reaction is on one paper).
"""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from adapters.console.platform import ConsolePlatform
from bot.app import PaperBot
from bot.domain import ChannelRef, Digest, ReactionEvent, Requester
from bot.errors import NotFoundError, UsageError
from bot.replies import DigestReply, Posted
from bot.taste.embedder import paper_text
from bot.taste.onnx_embedder import OnnxEmbedder
from bot.usecases.tune import CHANNEL_NOTE, MEMBER_NOTE, POOL_DAYS
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.databases import sqlite_url
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import NOW, load_sample, sample_papers

HERE = ChannelRef("console", "local", "lab")
THERE = ChannelRef("console", "local", "other")


@pytest.fixture(scope="module")
def sample_vectors(real_embedder: OnnxEmbedder) -> dict[str, np.ndarray]:
    """The sample's vectors, embedded once for the module (each test's store gets them saved)."""
    papers = sample_papers()
    return dict(zip((p.arxiv_id for p in papers), real_embedder.encode_sync([paper_text(p) for p in papers])))


@pytest.fixture
async def bot(tmp_path: Path, real_embedder: OnnxEmbedder, sample_vectors: dict[str, np.ndarray],
              head_schemas: HeadSchemas) -> AsyncIterator[PaperBot]:
    url = await head_schemas.sqlite(tmp_path / "tune.sqlite3")
    store = SqlStore.connect(url)
    await load_sample(store)
    await store.save_embeddings(real_embedder.model_name, sample_vectors)
    bot = PaperBot(store, clock=lambda: NOW, embedder=real_embedder)
    yield bot
    await store.close()


@pytest.fixture
def platform(bot: PaperBot) -> ConsolePlatform:
    return ConsolePlatform(lambda line: None, bot.next_post_number)


async def tune(bot: PaperBot, platform: ConsolePlatform, text: str = "tune", *, user: str = "ada",
               channel: ChannelRef = HERE) -> tuple[Digest, tuple[str, ...]]:
    posted = await bot.handle(Requester(channel, user), text, platform)
    assert isinstance(posted, Posted) and isinstance(posted.publication, DigestReply)
    return posted.publication.digest, posted.message_ids


def ids(digest: Digest) -> list[str]:
    return [i.paper.arxiv_id for i in digest.items]


async def test_the_candidates_are_posted_and_recorded_like_a_digest(bot: PaperBot, platform: ConsolePlatform) -> None:
    digest, messages = await tune(bot, platform)
    assert len(digest.items) == 7 == len(set(ids(digest))) == len(messages)
    assert digest.note == CHANNEL_NOTE and "React 👍 or 👎 on each — tomorrow's digest learns from them" in digest.note
    assert digest.title == "Tune this channel: 7 different papers of the week to rate"
    for message_id, arxiv_id in zip(messages, ids(digest)):
        [post] = await bot.store.posts_for_message(HERE, message_id)
        assert post.arxiv_id == arxiv_id
    days = {i.paper.announced_on for i in digest.items}
    assert len(days) >= 2  # from the week, not only the latest day


async def test_a_like_on_a_tune_post_changes_the_next_ranking(bot: PaperBot, platform: ConsolePlatform) -> None:
    day = await bot.store.latest_announced_day()
    everything = len(await bot.store.papers_announced_between(day, day))
    before = ids(await bot.digests.today(HERE, count=min(everything, 25)))
    digest, messages = await tune(bot, platform)
    liked = ids(digest)[0]
    result = await bot.on_reaction(ReactionEvent(HERE, messages[0], "ada", "👍", True))
    assert [p.arxiv_id for p in result.posts] == [liked]
    after = ids(await bot.digests.today(HERE, count=min(everything, 25)))
    assert after != before
    # the day's paper closest to the liked one moved up
    vectors = await bot.store.embeddings(bot.taste.model, [liked, *before])
    nearest = max((a for a in before if a != liked), key=lambda a: float(vectors[a] @ vectors[liked]))
    assert after.index(nearest) < before.index(nearest)
    # another channel learned nothing
    assert ids(await bot.digests.today(THERE, count=min(everything, 25))) == before


async def test_a_second_run_offers_other_papers_rated_or_not(bot: PaperBot, platform: ConsolePlatform) -> None:
    first, messages = await tune(bot, platform)
    await bot.on_reaction(ReactionEvent(HERE, messages[1], "ada", "👎", True))
    second, _ = await tune(bot, platform, "tune 5")  # the first set is mostly unrated: not shown again
    assert len(second.items) == 5 and not set(ids(first)) & set(ids(second))
    third, _ = await tune(bot, platform, "tune 10")
    assert not (set(ids(first)) | set(ids(second))) & set(ids(third))
    # elsewhere the same papers may be offered: nothing was posted or rated there
    elsewhere, _ = await tune(bot, platform, channel=THERE)
    assert set(ids(elsewhere)) & set(ids(first))


async def test_mine_leaves_out_what_the_member_rated_in_any_channel(bot: PaperBot, platform: ConsolePlatform) -> None:
    there, messages = await tune(bot, platform, channel=THERE)
    for message_id in messages:
        await bot.on_reaction(ReactionEvent(THERE, message_id, "ada", "👍", True))
    mine, _ = await tune(bot, platform, "tune mine")
    assert mine.note == MEMBER_NOTE and mine.title.startswith("Tune your ranking: ")
    assert not set(ids(mine)) & set(ids(there))
    # the channel's own tune may offer them: this channel did not see or rate them
    grace, _ = await tune(bot, platform, channel=ChannelRef("console", "local", "third"), user="grace")
    assert set(ids(grace)) & set(ids(there))


async def test_topic_phrases_seed_the_first_candidates(bot: PaperBot, platform: ConsolePlatform) -> None:
    await bot.handle(Requester(HERE, "ada", can_manage_channel=True), 'subscribe 09:00 topics:"video generation"')
    digest, _ = await tune(bot, platform)
    first = digest.items[0]
    assert first.why == "near your topic “video generation”"
    assert "video" in (first.paper.title + first.paper.abstract).lower()
    shares = [re.fullmatch(r"like (\d+) of the week's (\d+) unseen papers", i.why) for i in digest.items[1:]]
    assert all(shares)
    [pool] = {int(m.group(2)) for m in shares if m}
    assert 0 < sum(int(m.group(1)) for m in shares if m) < pool  # the topic's pick stands for the others


async def test_when_everything_was_seen_it_says_so(bot: PaperBot, platform: ConsolePlatform) -> None:
    for _ in range(20):
        try:
            await tune(bot, platform, "tune 10")
        except NotFoundError as exc:
            assert "Nothing new to rate: this channel has seen or rated every paper of the week" in str(exc)
            break
    else:
        pytest.fail("the week's papers never ran out")
    latest = await bot.store.latest_announced_day()
    week = await bot.store.papers_announced_between(latest - timedelta(days=POOL_DAYS - 1), latest)
    assert len(await bot.store.posted_paper_ids(HERE)) == len(week)


async def test_without_personalization_it_is_refused(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "plain.sqlite3")
    await upgrade(url)
    store = SqlStore.connect(url)
    try:
        await load_sample(store)
        bot = PaperBot(store, clock=lambda: NOW)
        with pytest.raises(UsageError, match="personalization is off"):
            await bot.handle(Requester(HERE, "ada"), "tune")
    finally:
        await store.close()


@pytest.mark.parametrize("text, said", [
    ("tune 11", "count '11' is not accepted: give a whole number from 1 to 10."),
    ("tune 0", "count '0' is not accepted"),
    ("tune everything", "'everything' is not accepted here: it is not the word mine or a count (1–10)."),
    ("tune mine mine mine", "'mine' is not accepted here"),
])
def test_bad_arguments_get_the_usage(text: str, said: str) -> None:
    from bot.commands import parse_command

    with pytest.raises(UsageError) as error:
        parse_command(text)
    assert said in str(error.value) and "Usage: /papers tune [mine] [count]" in str(error.value)
