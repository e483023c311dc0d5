"""Store contract: reactions — add, duplicates, removal across a message's papers, persistence."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain import Reaction
from bot.errors import NotFoundError
from storage.store import SqlStore
from tests.harness.builders import CHANNEL, NOON, OTHER_CHANNEL, paper, post, reaction

A, B, C = "2511.00001", "2511.00002", "2511.00003"


@pytest.fixture
async def digest(store: SqlStore) -> SqlStore:
    """Message m1 carries A and B; message m2 carries C."""
    await store.upsert_papers([paper(A), paper(B), paper(C)])
    await store.record_posts([post(A, "m1", position=0), post(B, "m1", position=1), post(C, "m2")])
    return store


async def test_add_then_duplicate(digest: SqlStore) -> None:
    assert await digest.add_reaction(reaction(A)) is True
    assert await digest.add_reaction(reaction(A)) is False
    assert await digest.add_reaction(reaction(A, at=NOON + timedelta(hours=1))) is False  # same key, other time
    assert await digest.add_reaction(reaction(A, user="U2")) is True
    assert await digest.add_reaction(reaction(A, emoji="🔥")) is True
    assert await digest.add_reaction(reaction(B)) is True
    got = await digest.reactions_for_message(CHANNEL, "m1")
    assert len(got) == 4 and all(type(r) is Reaction for r in got)
    assert got[0] == reaction(A)


async def test_unicode_emoji_round_trip(digest: SqlStore) -> None:
    emojis = ["👍🏽", "❤️", "👨‍👩‍👧‍👦", "🇺🇦", ":custom_emoji:", "<:party:1234567890>"]
    for emoji in emojis:
        assert await digest.add_reaction(reaction(A, emoji=emoji)) is True
    assert sorted(r.emoji for r in await digest.reactions_for_message(CHANNEL, "m1")) == sorted(emojis)
    assert await digest.remove_reaction(CHANNEL, "m1", "U1", "👍🏽") == 1
    assert "👍🏽" not in {r.emoji for r in await digest.reactions_for_message(CHANNEL, "m1")}
    assert "👍" not in {r.emoji for r in await digest.reactions_for_message(CHANNEL, "m1")}


async def test_remove_takes_the_emoji_off_every_paper_of_the_message_only(digest: SqlStore) -> None:
    for r in [reaction(A), reaction(B), reaction(C, "m2"), reaction(A, user="U2"), reaction(A, emoji="🔥")]:
        assert await digest.add_reaction(r)
    assert await digest.remove_reaction(CHANNEL, "m1", "U1", "👍") == 2
    assert await digest.remove_reaction(CHANNEL, "m1", "U1", "👍") == 0
    left = {(r.message_id, r.arxiv_id, r.user_id, r.emoji) for r in await digest.reactions_for_channel(CHANNEL)}
    assert left == {("m2", C, "U1", "👍"), ("m1", A, "U2", "👍"), ("m1", A, "U1", "🔥")}
    assert await digest.add_reaction(reaction(A)) is True  # can react again after removing


async def test_reactions_for_channel_and_message(digest: SqlStore) -> None:
    await digest.upsert_papers([paper("2511.00009")])
    await digest.record_posts([post("2511.00009", "m1", channel=OTHER_CHANNEL)])
    await digest.add_reaction(reaction(C, "m2", at=NOON + timedelta(minutes=2)))
    await digest.add_reaction(reaction(A, at=NOON))
    await digest.add_reaction(reaction("2511.00009", channel=OTHER_CHANNEL))
    in_channel = await digest.reactions_for_channel(CHANNEL)
    assert [(r.message_id, r.arxiv_id) for r in in_channel] == [("m1", A), ("m2", C)]  # oldest first
    assert all(r.channel == CHANNEL for r in in_channel)
    assert in_channel[1].created_at == NOON + timedelta(minutes=2)
    assert [r.arxiv_id for r in await digest.reactions_for_message(CHANNEL, "m2")] == [C]
    assert [r.channel for r in await digest.reactions_for_message(OTHER_CHANNEL, "m1")] == [OTHER_CHANNEL]
    assert await digest.reactions_for_message(CHANNEL, "nope") == []


async def test_reaction_must_refer_to_a_stored_post(digest: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        await digest.add_reaction(reaction(A, "m-unknown"))
    with pytest.raises(NotFoundError):
        await digest.add_reaction(reaction(C, "m1"))  # C is a paper we posted, but not in m1
    with pytest.raises(NotFoundError):
        await digest.add_reaction(reaction(A, channel=OTHER_CHANNEL))
    assert await digest.reactions_for_channel(CHANNEL) == []


async def test_reactions_survive_closing_and_reopening(db_url: str, digest: SqlStore) -> None:
    await digest.add_reaction(reaction(A, emoji="🚀"))
    await digest.add_reaction(reaction(B, user="U2"))
    before = await digest.reactions_for_channel(CHANNEL)
    await digest.close()
    async with SqlStore.connect(db_url) as reopened:
        assert await reopened.reactions_for_channel(CHANNEL) == before
        assert await reopened.add_reaction(reaction(A, emoji="🚀")) is False
        assert [p.arxiv_id for p in await reopened.posts_for_message(CHANNEL, "m1")] == [A, B]
