from dataclasses import replace

import pytest

from bot.domain import ReactionEvent
from bot.errors import StoreUnavailableError
from bot.usecases.reactions import ReactionOutcome
from tests.harness.builders import record_digest
from tests.harness.sample import CHANNEL, OTHER_CHANNEL


async def posted(bot, member):
    digest = (await bot.handle(member, "today 3")).digest
    await record_digest(bot.store, CHANNEL, digest, ["100", "101", "102"])
    return digest


async def test_reaction_on_a_post_is_stored_once_and_removed(bot, member, store) -> None:
    digest = await posted(bot, member)
    add = ReactionEvent(CHANNEL, "101", "U1", "👍", added=True)
    result = await bot.on_reaction(add)
    assert result.outcome is ReactionOutcome.STORED
    assert [p.arxiv_id for p in result.posts] == [digest.items[1].paper.arxiv_id]
    assert (await bot.on_reaction(add)).outcome is ReactionOutcome.DUPLICATE
    stored = await store.reactions_for_channel(CHANNEL)
    assert [(r.user_id, r.emoji, r.arxiv_id, r.message_id) for r in stored] == [("U1", "👍", digest.items[1].paper.arxiv_id, "101")]

    remove = ReactionEvent(CHANNEL, "101", "U1", "👍", added=False)
    assert (await bot.on_reaction(remove)).outcome is ReactionOutcome.REMOVED
    assert await store.reactions_for_channel(CHANNEL) == []
    assert (await bot.on_reaction(remove)).outcome is ReactionOutcome.NOTHING_TO_REMOVE


async def test_retried_platform_events_count_once(bot, member, store) -> None:
    await posted(bot, member)
    event = ReactionEvent(CHANNEL, "100", "U1", "🔥", added=True, event_id="Ev123")
    assert (await bot.on_reaction(event)).outcome is ReactionOutcome.STORED
    assert (await bot.on_reaction(event)).outcome is ReactionOutcome.DUPLICATE
    assert len(await store.reactions_for_channel(CHANNEL)) == 1


async def test_reactions_elsewhere_are_ignored(bot, member, store) -> None:
    await posted(bot, member)
    assert (await bot.on_reaction(ReactionEvent(CHANNEL, "999", "U1", "👍", True))).outcome is ReactionOutcome.NOT_OUR_POST
    assert (await bot.on_reaction(ReactionEvent(OTHER_CHANNEL, "100", "U1", "👍", True))).outcome is ReactionOutcome.NOT_OUR_POST
    assert await store.reactions_for_channel(CHANNEL) == []


async def test_emoji_variants_are_one_reaction_and_members_are_distinct(bot, member, store) -> None:
    await posted(bot, member)
    await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍🏽", True))
    assert (await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍", True))).outcome is ReactionOutcome.DUPLICATE
    await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U2", "👍", True))
    await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U1", "❤️", True))
    reactions = await store.reactions_for_channel(CHANNEL)
    assert sorted((r.user_id, r.emoji) for r in reactions) == [("U1", "❤"), ("U1", "👍"), ("U2", "👍")]
    # Removing U1's 👍 (any skin tone) leaves the others.
    await bot.on_reaction(ReactionEvent(CHANNEL, "100", "U1", "👍🏿", False))
    assert sorted((r.user_id, r.emoji) for r in await store.reactions_for_channel(CHANNEL)) == [("U1", "❤"), ("U2", "👍")]


async def test_a_reaction_whose_insert_fails_is_applied_when_the_platform_retries_it(bot, member, store, monkeypatch) -> None:
    """Dedupe, lookup and insert are one unit of work: a failed insert leaves the event id unseen,
    so the platform's retry of the same event is applied instead of dropped as a duplicate."""
    from storage.store import SqlStore

    await posted(bot, member)
    real_add = SqlStore.add_reaction
    calls = []

    async def fails_once(self, reaction):
        calls.append(reaction)
        if len(calls) == 1:
            raise ConnectionResetError("the database went away")
        return await real_add(self, reaction)

    monkeypatch.setattr(SqlStore, "add_reaction", fails_once)
    event = ReactionEvent(CHANNEL, "100", "U1", "👍", added=True, event_id="Ev-blip")
    with pytest.raises(StoreUnavailableError) as err:  # said in one line, for people and for the log
        await bot.on_reaction(event)
    assert "try again" in str(err.value) and "the database went away" in err.value.detail
    assert await store.reactions_for_channel(CHANNEL) == []
    assert (await bot.on_reaction(event)).outcome is ReactionOutcome.STORED  # the retry
    assert [r.emoji for r in await store.reactions_for_channel(CHANNEL)] == ["👍"]
    assert (await bot.on_reaction(event)).outcome is ReactionOutcome.DUPLICATE  # and only once


async def test_a_reaction_in_a_place_counts_where_its_message_is_recorded(bot, member, store) -> None:
    """In a place that belongs to a channel (a forum's post), a message recorded as the channel's (what a
    command in the post published) counts for the channel; one recorded where it is counts there."""
    digest = await posted(bot, member)  # recorded as CHANNEL's
    await record_digest(store, OTHER_CHANNEL, digest, ["200", "201", "202"])  # recorded where they are
    in_place = ReactionEvent(OTHER_CHANNEL, "101", "U1", "👍", added=True, belongs_to=CHANNEL)
    assert (await bot.on_reaction(in_place)).outcome is ReactionOutcome.STORED
    assert [r.message_id for r in await store.reactions_for_channel(CHANNEL)] == ["101"]
    assert (await bot.on_reaction(ReactionEvent(OTHER_CHANNEL, "201", "U1", "👍", True, belongs_to=CHANNEL))).outcome \
        is ReactionOutcome.STORED
    assert [r.message_id for r in await store.reactions_for_channel(OTHER_CHANNEL)] == ["201"]
    assert (await bot.on_reaction(replace(in_place, added=False))).outcome is ReactionOutcome.REMOVED
    assert await store.reactions_for_channel(CHANNEL) == []
