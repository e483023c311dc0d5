"""Reactions teach the channel and the member who gave them — and nobody else. Real MiniLM model.

The store is a real SQLite file with the bundled sample; the ranking is the digest path
(``DigestUseCases.today`` → ``TasteUseCases.rank`` → ``rank_personal``).
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from bot.app import PaperBot
from bot.domain import ChannelRef, ReactionEvent, Requester
from bot.taste.onnx_embedder import OnnxEmbedder
from bot.taste.reasons import LIKE_THRESHOLD
from tests.harness.builders import record_digest
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample_bot import sample_bot

C1 = ChannelRef("slack", "T1", "C1")
C2 = ChannelRef("slack", "T1", "C2")
ELSEWHERE = ChannelRef("slack", "T2", "C1")
U1 = "U1"
U2 = "U2"


@pytest.fixture(scope="module")
def embedder(real_embedder: OnnxEmbedder) -> OnnxEmbedder:
    assert real_embedder.dimension == 384
    return real_embedder


@pytest.fixture
async def bot(tmp_path: Path, embedder: OnnxEmbedder, head_schemas: HeadSchemas) -> AsyncIterator[PaperBot]:
    async with sample_bot(head_schemas, tmp_path / "taste.sqlite3", embedder) as bot:
        yield bot


async def full_order(bot: PaperBot, channel: ChannelRef, member: str | None = None) -> list[str]:
    day = await bot.store.latest_announced_day()
    n = len(await bot.store.papers_announced_between(day, day))
    requester = Requester(channel, member) if member else None
    digest = await bot.digests.today(channel, count=min(n, 25), member=requester)
    return [item.paper.arxiv_id for item in digest.items]


async def pick_pair(bot: PaperBot) -> tuple[str, str]:
    """A liked paper A and B, A's nearest neighbour of the day, B as close as possible to the middle of the trending order."""
    order = await full_order(bot, C1)
    vectors = await bot.store.embeddings(bot.taste.model, order)

    def nearest(a: str) -> str:
        return max((i for i in order if i != a), key=lambda i: float(np.dot(vectors[i], vectors[a])))

    a = min(order, key=lambda a: abs(order.index(nearest(a)) - len(order) // 2))
    return a, nearest(a)


async def post_and_react(bot: PaperBot, channel: ChannelRef, arxiv_id: str, user: str, emoji: str, added: bool = True) -> None:
    paper = await bot.store.get_paper(arxiv_id)
    from bot.domain import Digest, RankedPaper

    await record_digest(bot.store, channel, Digest("t", (RankedPaper(paper, 0, ""),), day=paper.announced_on), [f"m-{arxiv_id}"])
    await bot.on_reaction(ReactionEvent(channel, f"m-{arxiv_id}", user, emoji, added))


async def test_a_like_moves_similar_papers_up_for_that_channel_and_member_only(bot: PaperBot) -> None:
    a, b = await pick_pair(bot)
    before = {key: await full_order(bot, *key) for key in [(C1,), (C2,), (C1, U1), (C1, U2), (ELSEWHERE, U1)]}
    await post_and_react(bot, C1, a, U1, "👍")

    assert (await full_order(bot, C1)).index(b) < before[(C1,)].index(b)  # the channel learned
    assert (await full_order(bot, C1, U1)).index(b) < before[(C1, U1)].index(b)  # so did the member
    assert (await full_order(bot, C2, U1)).index(b) < before[(C2,)].index(b)  # the member's profile follows them
    assert await full_order(bot, C2) == before[(C2,)]  # another channel did not
    assert await full_order(bot, C1, U2) == before[(C1, U2)]  # another member did not
    assert await full_order(bot, ELSEWHERE, U1) == before[(ELSEWHERE, U1)]  # nor the same user id in another workspace
    top = (await bot.digests.today(C1, count=5)).items
    vectors = await bot.store.embeddings(bot.taste.model, [a, *(i.paper.arxiv_id for i in top)])
    named = [i for i in top if "(liked before)" in i.why and i.paper.arxiv_id != a]
    assert all(float(vectors[a] @ vectors[i.paper.arxiv_id]) >= LIKE_THRESHOLD for i in named)  # only when really close


async def test_a_dislike_moves_similar_papers_down(bot: PaperBot) -> None:
    a, b = await pick_pair(bot)
    before = await full_order(bot, C1)
    await post_and_react(bot, C1, a, U1, "👎")
    assert (await full_order(bot, C1)).index(b) > before.index(b)
    assert await full_order(bot, C2) == before


async def test_removing_the_reaction_undoes_it(bot: PaperBot) -> None:
    a, _ = await pick_pair(bot)
    before = await full_order(bot, C1)
    await post_and_react(bot, C1, a, U1, "❤️")
    assert await full_order(bot, C1) != before
    await bot.on_reaction(ReactionEvent(C1, f"m-{a}", U1, "❤️", added=False))
    assert await full_order(bot, C1) == before


async def test_emoji_outside_the_table_teach_nothing(bot: PaperBot) -> None:
    a, _ = await pick_pair(bot)
    before = await full_order(bot, C1)
    await post_and_react(bot, C1, a, U1, "👀")
    assert await full_order(bot, C1) == before


async def test_a_topic_phrase_ranks_matching_papers_and_says_why(bot: PaperBot) -> None:
    manager = Requester(C1, U1, can_manage_channel=True)
    before = await bot.digests.today(C1, count=3)
    await bot.handle(manager, 'subscribe 09:00 topics:"video understanding, robotics"')
    digest = await bot.digests.today(C1, count=3)
    assert [i.paper.arxiv_id for i in digest.items] != [i.paper.arxiv_id for i in before.items]
    assert all(item.why.endswith("topic 'video understanding'") for item in digest.items[:2])
    assert sum("video" in item.paper.title.lower() for item in digest.items) >= 2
