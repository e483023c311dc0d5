"""What a click on a posted paper's controls means, on the real stores (SQLite file, PostgreSQL).

The click toggles the member's own reaction row; its id makes a retried click count once, and a
click whose write failed leaves its id unseen so that the retry applies it.
"""
from __future__ import annotations

import pytest

from bot.domain import ChannelRef, Post, PostKind, ReactionEvent
from bot.errors import StoreUnavailableError
from bot.usecases.feedback import ALREADY, NO_TASTE, NOT_OURS, Click, Control, FeedbackUseCases, parse_control_value
from bot.usecases.reactions import ReactionUseCases
from storage.store import SqlStore
from tests.harness.builders import paper
from tests.harness.store_faults import fail_first

CH = ChannelRef("slack", "T1", "C1")


@pytest.fixture
async def feedback(store: SqlStore) -> FeedbackUseCases:
    await store.upsert_papers([paper("2511.00001")])
    await store.record_posts([Post(CH, "m1", "2511.00001", PostKind.ON_DEMAND)])
    return FeedbackUseCases(store, ReactionUseCases(store), taste=None)


async def emoji_of(store: SqlStore, user: str) -> list[str]:
    return sorted(r.emoji for r in await store.reactions_for_message(CH, "m1") if r.user_id == user)


async def test_a_click_toggles_the_members_own_reaction_row(feedback: FeedbackUseCases, store: SqlStore) -> None:
    answer = await feedback.click(Click(CH, "m1", "U1", Control.UP, click_id="k1"))
    assert answer.on is True and await emoji_of(store, "U1") == ["👍"]
    assert (await feedback.click(Click(CH, "m1", "U1", Control.UP, click_id="k1"))).text == ALREADY  # a retry of it
    assert await emoji_of(store, "U1") == ["👍"]
    await ReactionUseCases(store).record(ReactionEvent(CH, "m1", "U2", "👍", added=True))
    rows = {r.user_id: r for r in await store.reactions_for_message(CH, "m1")}
    assert (rows["U1"].arxiv_id, rows["U1"].emoji) == (rows["U2"].arxiv_id, rows["U2"].emoji)  # the reaction's row
    assert (await feedback.click(Click(CH, "m1", "U1", Control.UP, click_id="k2"))).on is False
    assert await emoji_of(store, "U1") == [] and await emoji_of(store, "U2") == ["👍"]
    assert (await feedback.click(Click(CH, "m1", "U1", Control.SAVE, click_id="k3"))).on is True
    assert await emoji_of(store, "U1") == ["🔖"]


@pytest.mark.faults
async def test_a_click_whose_write_failed_is_applied_by_its_retry(
        feedback: FeedbackUseCases, store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_first(monkeypatch, "add_reaction")
    with pytest.raises(StoreUnavailableError):
        await feedback.click(Click(CH, "m1", "U1", Control.DOWN, click_id="k1"))
    assert await emoji_of(store, "U1") == []
    assert (await feedback.click(Click(CH, "m1", "U1", Control.DOWN, click_id="k1"))).on is True  # the same click again
    assert await emoji_of(store, "U1") == ["👎"]


async def test_a_message_that_is_not_ours_and_more_like_this_without_personalization(
        feedback: FeedbackUseCases) -> None:
    assert (await feedback.click(Click(CH, "other", "U1", Control.UP, click_id="k1"))).text == NOT_OURS
    assert (await feedback.click(Click(CH, "m1", "U1", Control.SIMILAR))).text == NO_TASTE
    assert parse_control_value("up:2511.00001") == (Control.UP, "2511.00001")
    assert parse_control_value("delete:x") is None and parse_control_value("") is None
