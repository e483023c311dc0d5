"""`/papers why <id> [mine]` on the bundled sample with the real model: a paper's rank taken apart —
relevance in words and number, the nearest rated papers and topics with their strength words, the
trending part with its numbers, the blend weight — and the plain errors."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.commands import parse_command
from bot.domain import ChannelRef, Requester
from bot.errors import NotFoundError, UsageError
from bot.replies import TextReply
from bot.taste.onnx_embedder import OnnxEmbedder
from bot.taste.reasons import short, strength
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import VIDEO, VTHINK
from tests.harness.sample_bot import sample_bot

C1 = ChannelRef("slack", "T1", "C1")
MANAGER = Requester(C1, "U1", can_manage_channel=True)
MEMBER = Requester(C1, "U2")


@pytest.fixture
async def bot(tmp_path: Path, real_embedder: OnnxEmbedder, head_schemas: HeadSchemas) -> AsyncIterator[PaperBot]:
    async with sample_bot(head_schemas, tmp_path / "why.sqlite3", real_embedder) as bot:
        yield bot


async def why(bot: PaperBot, requester: Requester, text: str) -> str:
    reply = await bot.handle(requester, f"why {text}")
    assert isinstance(reply, TextReply) and reply.ephemeral
    return reply.text


async def test_a_channel_without_signals_ranks_by_trending_and_says_with_which_numbers(bot: PaperBot) -> None:
    paper = await bot.store.get_paper(VIDEO)
    assert paper is not None and paper.upvotes
    text = await why(bot, MEMBER, VIDEO)
    assert text.startswith(f"Why {VIDEO} ")
    assert "Relevance: none yet" in text
    assert f"{paper.upvotes} upvote" in text and "popularity" in text
    assert "Blend: 70% relevance, 30% trending" in text  # the default [taste] trending = 0.3
    assert "#" in text and "papers of Nov 7" in text


async def test_topic_author_and_a_close_like_are_each_named_with_their_strength(bot: PaperBot) -> None:
    await bot.handle(MANAGER, 'subscribe 09:00 topics:"video reasoning"')
    text = await why(bot, MEMBER, VIDEO)
    assert "topic 'video reasoning' (0." in text and "Relevance: " in text and "Relevance: none" not in text

    author = (await bot.store.get_paper(VIDEO)).authors[0]  # type: ignore[union-attr]
    await bot.handle(MANAGER, f'follow author:"{author}"')
    text = await why(bot, MEMBER, VIDEO)
    assert f"By followed author {author}" in text and "by followed author" in text  # the digest line says it too

    await bot.handle(MANAGER, f"like {VTHINK}")
    vectors = await bot.store.embeddings(bot.taste.model, [VIDEO, VTHINK])
    close = float(vectors[VIDEO] @ vectors[VTHINK])
    liked = await bot.store.get_paper(VTHINK)
    text = await why(bot, MEMBER, VIDEO)
    assert f"{strength(close).capitalize()} \"{short(liked.title)}\", liked here ({close:.2f})" in text  # type: ignore[union-attr]


async def test_mine_explains_the_members_own_ranking(bot: PaperBot) -> None:
    await bot.handle(MANAGER, f"like {VTHINK}")  # the manager's own profile too; not the other member's
    assert "you liked (0." in await why(bot, MANAGER, f"{VIDEO} mine")
    assert "you liked" not in await why(bot, MEMBER, f"{VIDEO} mine")
    assert "for you:" in await why(bot, MEMBER, f"{VIDEO} mine")


async def test_plain_errors(bot: PaperBot) -> None:
    with pytest.raises(UsageError, match="give exactly one paper"):
        parse_command("why")
    with pytest.raises(NotFoundError, match="2501.00001 is not stored here"):
        await why(bot, MEMBER, "2501.00001")
