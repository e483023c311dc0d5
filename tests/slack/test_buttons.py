"""The controls on every posted paper (👍 👎 Save, More like this), clicked through the real slack-bolt.

A click is the member's own reaction (👍, 👎, 🔖 for Save): the same row a reaction stores and the
taste reads; a second click undoes it; members are independent; the answer is ephemeral and
Slack's request is answered well within its 3 s; a click the database failed is not acknowledged
(HTTP 503, no Socket Mode ack) and says so to the clicker in words.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.slack.buttons import FEEDBACK_ID, NOT_RECORDED, SAVE_ID, SIMILAR_ID, reply_blocks
from bot.domain import ChannelRef, Post, PostKind
from bot.errors import StoreUnavailableError, store_words
from storage.store import SqlStore
from tests.harness.running_slack import (
    ADMIN,
    CHANNEL,
    MEMBER,
    SlackHarness,
    block_actions,
    control,
    reaction_event,
    send_click,
    send_event,
)
from tests.harness.slack_fake import TEAM, block_kit_problems
from tests.harness.store_faults import fail_first
from tests.harness.waiting import eventually

PASSING = store_words(StoreUnavailableError("down"), NOT_RECORDED)  # a passing outage, as the clicker reads it

CH = ChannelRef("slack", TEAM, CHANNEL)
MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"


async def posted_reply(h: SlackHarness, text: str = "today 1", key: str = "r0") -> dict[str, Any]:
    """Post a digest and return the per-paper reply message the core recorded (what carries the controls)."""
    assert (await h.command(text, key=key))[0] == 200
    post = (await eventually(lambda: h.bot.history(CH)))[0].post
    return next(m for m in h.fake.messages[CHANNEL] if m["ts"] == post.message_id)


async def click(h: SlackHarness, message: dict[str, Any], action_id: str, side: str | None = None, *,
                user: str = MEMBER, key: str = "c1") -> tuple[int, dict[str, Any]]:
    """Click a control; the HTTP status and the ephemeral answer posted to the response_url."""
    answered = len(h.fake.responses)
    body = block_actions(message, control(message, action_id, side), response_url=h.fake.response_url(key), user=user)
    status, elapsed = await send_click(h, body)
    assert elapsed < 3.0, f"Slack waits 3 s for the acknowledgement; this one took {elapsed:.2f} s"
    await h.fake.wait_for(lambda: len(h.fake.responses) > answered)
    return status, h.fake.responses[-1]


async def mine(h: SlackHarness, ts: str, user: str = MEMBER) -> list[str]:
    return sorted(r.emoji for r in await h.bot.store.reactions_for_message(CH, ts) if r.user_id == user)


def test_the_manifest_turns_interactivity_on() -> None:
    assert yaml.safe_load(MANIFEST.read_text())["settings"]["interactivity"]["is_enabled"] is True


async def test_every_posted_paper_carries_the_four_controls_within_block_kit_limits(http: SlackHarness) -> None:
    reply = await posted_reply(http, "today 3")
    kinds = [b["type"] for b in reply["blocks"]]
    assert kinds == ["section", "context_actions", "actions"]
    feedback = reply["blocks"][1]["elements"][0]
    assert feedback["type"] == "feedback_buttons"
    assert [feedback["positive_button"]["text"]["text"], feedback["negative_button"]["text"]["text"]] == ["👍", "👎"]
    assert [e["text"]["text"] for e in reply["blocks"][2]["elements"]] == ["🔖 Save", "More like this"]
    posts = {p.post.message_id for p in await http.bot.history(CH)}
    carrying = [m for m in http.fake.messages[CHANNEL] if m["ts"] in posts]
    assert len(carrying) == len(posts) >= 3  # every recorded post, the digest's replies and any paper post
    for message in carrying:
        assert any(b["type"] == "context_actions" for b in message["blocks"])
        assert block_kit_problems(message["blocks"], message["text"]) == []
    assert not [c for c in http.fake.calls_to("chat.postMessage", ok_only=False) if c.status != 200]


async def test_a_click_is_the_reactions_signal_a_second_undoes_it_and_members_are_independent(
        http: SlackHarness) -> None:
    reply = await posted_reply(http)
    ts = reply["ts"]
    status, answer = await click(http, reply, FEEDBACK_ID, "positive_button")
    assert status == 200
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "👍 saved as yours" in answer["text"] and "again to undo" in answer["text"]
    assert await mine(http, ts) == ["👍"]

    # the same row a reaction stores: another member's 👍 reaction looks exactly alike to the taste
    assert await send_event(http, reaction_event("EvB1", ts, "+1", user=ADMIN)) == 200
    rows = await http.bot.store.reactions_for_message(CH, ts)
    by_user = {r.user_id: r for r in rows}
    assert (by_user[MEMBER].arxiv_id, by_user[MEMBER].emoji) == (by_user[ADMIN].arxiv_id, by_user[ADMIN].emoji)
    assert http.bot.reactions.emoji.weight(by_user[MEMBER].emoji) > 0

    status, answer = await click(http, reply, FEEDBACK_ID, "positive_button", key="c2")
    assert status == 200 and "taken back" in answer["text"]
    assert await mine(http, ts) == []
    assert await mine(http, ts, ADMIN) == ["👍"]  # the other member's is untouched

    status, answer = await click(http, reply, FEEDBACK_ID, "negative_button", user=ADMIN, key="c3")
    assert status == 200 and "👎" in answer["text"]
    assert await mine(http, ts, ADMIN) == ["👍", "👎"] and await mine(http, ts) == []


async def test_save_is_the_members_bookmark_and_shows_in_their_saved_list(http: SlackHarness) -> None:
    reply = await posted_reply(http)
    post = (await http.bot.history(CH))[0].post
    status, answer = await click(http, reply, SAVE_ID)
    assert status == 200 and "Saved to your reading list" in answer["text"]
    saved = [r.arxiv_id for r in await http.bot.store.reactions_by_member("slack", TEAM, MEMBER) if r.emoji == "🔖"]
    assert saved == [post.arxiv_id]
    assert [r for r in await http.bot.store.reactions_by_member("slack", TEAM, ADMIN)] == []
    await click(http, reply, SAVE_ID, key="c2")
    assert [r for r in await http.bot.store.reactions_by_member("slack", TEAM, MEMBER) if r.emoji == "🔖"] == []


async def test_more_like_this_answers_only_the_clicker_with_similar_papers(http: SlackHarness) -> None:
    assert http.bot.taste is not None
    await http.bot.taste.backfill()
    reply = await posted_reply(http)
    post = (await http.bot.history(CH))[0].post
    before = len(http.fake.calls_to("chat.postMessage"))
    status, answer = await click(http, reply, SIMILAR_ID)
    assert status == 200 and answer["response_type"] == "ephemeral"
    assert "More like" in answer["text"]
    sections = [b for b in answer["blocks"] if b["type"] == "section"]
    assert len(sections) == 5 and all(f"abs/{post.arxiv_id}|" not in s["text"]["text"] for s in sections)
    assert block_kit_problems(answer["blocks"], answer["text"]) == []
    assert len(http.fake.calls_to("chat.postMessage")) == before  # nothing posted in the channel
    assert await http.bot.store.reactions_for_message(CH, reply["ts"]) == []  # and nothing recorded


async def test_a_click_on_a_post_from_before_a_restart_still_works(http: SlackHarness) -> None:
    """Nothing about a posted message is kept in memory: a click on a post recorded by an earlier
    process (here: recorded directly, never sent by this one) is matched by its action id alone."""
    await posted_reply(http)
    arxiv_id = (await http.bot.history(CH))[0].post.arxiv_id
    old = "1600000000.000001"
    await http.bot.store.record_posts([Post(CH, old, arxiv_id, PostKind.ON_DEMAND)])
    message = {"type": "message", "ts": old, "text": "old", "blocks": reply_blocks("old", arxiv_id)}
    status, answer = await click(http, message, SAVE_ID)
    assert status == 200 and "Saved" in answer["text"]
    assert await mine(http, old) == ["🔖"]


@pytest.mark.faults
async def test_a_click_the_database_failed_is_not_acknowledged_and_says_so(
        http: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    reply = await posted_reply(http)
    fail_first(monkeypatch, "add_reaction")
    status, answer = await click(http, reply, FEEDBACK_ID, "positive_button")
    assert status == 503  # Slack shows the click did not go through
    assert answer["text"] == PASSING and "saved as yours" not in answer["text"]
    assert await mine(http, reply["ts"]) == []
    status, answer = await click(http, reply, FEEDBACK_ID, "positive_button", key="c2")  # the member clicks again
    assert status == 200 and "saved as yours" in answer["text"]
    assert await mine(http, reply["ts"]) == ["👍"]


@pytest.mark.faults
async def test_over_socket_mode_a_click_is_acked_after_the_write_and_not_when_it_failed(
        socket: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = socket.fake
    await fake.send_envelope("slash_commands", socket.command_payload("today 1"), "env-cmd")
    post = (await eventually(lambda: socket.bot.history(CH)))[0].post
    reply = next(m for m in fake.messages[CHANNEL] if m["ts"] == post.message_id)
    calls = fail_first(monkeypatch, "add_reaction")
    body = block_actions(reply, control(reply, SAVE_ID), response_url=fake.response_url("s1"))
    await fake.send_envelope("interactive", body, "env-click-1")
    await eventually(lambda: len(calls) == 1)
    await fake.wait_for(lambda: any(r.get("text") == PASSING for r in fake.responses))
    await asyncio.sleep(0.2)
    assert "env-click-1" not in {a.get("envelope_id") for a in fake.acks}
    body = block_actions(reply, control(reply, SAVE_ID), response_url=fake.response_url("s2"))
    await fake.send_envelope("interactive", body, "env-click-2")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-click-2" for a in fake.acks))
    assert await mine(socket, reply["ts"]) == ["🔖"]
    await fake.wait_for(lambda: any("Saved" in str(r.get("text")) for r in fake.responses))


async def test_a_slow_write_is_acknowledged_in_time_and_answered_when_done(
        http: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database waiting on a lock past 2.5 s: Slack still gets its answer within 3 s, the member theirs later."""
    reply = await posted_reply(http)
    real = SqlStore.add_reaction

    async def slow(self: SqlStore, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(2.8)
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(SqlStore, "add_reaction", slow)
    answered = len(http.fake.responses)
    body = block_actions(reply, control(reply, SAVE_ID), response_url=http.fake.response_url("slow"))
    status, elapsed = await send_click(http, body)
    assert status == 200 and 2.4 < elapsed < 3.0
    await http.fake.wait_for(lambda: len(http.fake.responses) > answered)
    assert "Saved" in http.fake.responses[-1]["text"]
    assert await mine(http, reply["ts"]) == ["🔖"]
