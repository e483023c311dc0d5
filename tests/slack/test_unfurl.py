"""Pasted paper links on Slack: ``link_shared`` → ``chat.unfurl`` with the paper's card, the member's
message recorded with their 🔗 interest, the composer preview, redeliveries, hostile links and
``links:thread`` — real slack-bolt over signed HTTP, the fake Slack, paperbot's own composition root."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain import ChannelRef, Paper, PostKind
from bot.errors import StoreUnavailableError
from bot.usecases.links import LINK_EMOJI
from storage.store import SqlStore
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import (
    ADMIN,
    CHANNEL,
    MEMBER,
    SlackHarness,
    block_actions,
    control,
    link_shared_event,
    running_slack,
    send_click,
    send_event,
)
from tests.harness.sample import VIDEO, VTHINK
from tests.harness.slack_fake import TEAM, Call, block_kit_problems
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)
TS = "1762689601.000100"
ARXIV = f"https://arxiv.org/abs/{VIDEO}v1"
HF = f"https://huggingface.co/papers/{VTHINK}"


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", threads="never", embedder=HashEmbedder()) as harness:
        yield harness


def cards(call: Call) -> dict[str, Any]:
    value = call.params["unfurls"]
    found: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return found


async def links_of(h: SlackHarness, user: str = MEMBER) -> list[tuple[str, str]]:
    return [(r.message_id, r.arxiv_id) for r in await h.bot.store.reactions_by_member("slack", TEAM, user)
            if r.emoji == LINK_EMOJI]


async def test_a_pasted_paper_link_is_unfurled_and_counts_as_interest(slack: SlackHarness) -> None:
    urls = [ARXIV, HF, f"https://arxiv.org.evil.com/abs/{VIDEO}", "https://arxiv.org/list/cs.LG/recent"]
    assert await send_event(slack, link_shared_event("EvL1", TS, urls)) == 200
    (call,) = slack.fake.calls_to("chat.unfurl")  # ok_only: Slack would have taken the card
    assert (call.params["channel"], call.params["ts"]) == (CHANNEL, TS)
    shown = cards(call)
    assert set(shown) == {ARXIV, HF}  # the lookalike and the listing are left to Slack
    video = shown[ARXIV]["blocks"]
    assert block_kit_problems(video) == []
    card = video[0]["text"]["text"]
    assert card.startswith("*<https://arxiv.org/abs/2511.04570|Thinking with Video")
    assert "▲" in card  # HF upvotes, known for the sample's papers
    assert len(card) <= 800
    assert video[1]["elements"][0]["text"] == f"arXiv {VIDEO}"
    posts = await slack.bot.store.posts_for_message(CH, TS)
    assert sorted((p.arxiv_id, p.kind) for p in posts) == [(VTHINK, PostKind.LINKED), (VIDEO, PostKind.LINKED)]
    assert sorted(await links_of(slack)) == [(TS, VTHINK), (TS, VIDEO)]
    assert slack.fake.calls_to("chat.postMessage") == []  # nothing posted: the card is on the member's message


async def test_a_redelivery_and_a_second_paste_count_once(slack: SlackHarness) -> None:
    body = link_shared_event("EvL2", TS, [ARXIV])
    assert await send_event(slack, body) == 200
    assert await send_event(slack, body, retry=1) == 200
    assert await links_of(slack) == [(TS, VIDEO)]
    # the same paper pasted again later by the same member: no second interest
    assert await send_event(slack, link_shared_event("EvL3", "1762689700.000100", [f"https://arxiv.org/pdf/{VIDEO}"])) == 200
    assert await links_of(slack) == [(TS, VIDEO)]
    assert len(slack.fake.calls_to("chat.unfurl")) == 2  # the redelivery was acknowledged at once (EventGate)


async def test_the_composer_preview_shows_the_card_and_records_nothing(slack: SlackHarness) -> None:
    body = link_shared_event("EvL4", TS, [HF], source="composer")
    assert await send_event(slack, body) == 200
    (call,) = slack.fake.calls_to("chat.unfurl")
    assert call.params["source"] == "composer" and call.params["unfurl_id"] == body["event"]["unfurl_id"]
    assert "channel" not in call.params and set(cards(call)) == {HF}
    assert await links_of(slack) == [] and await slack.bot.store.recent_posts(CH) == []


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    "https://arxiv.org/abs/2511.04570%00",
    f"https://arxiv.org:444/abs/{VIDEO}",
    "https://arxiv.org/abs/2511.0457O",
    "https://huggingface.co/papers/" + "9" * 5000,
])
async def test_hostile_links_get_no_card(slack: SlackHarness, url: str) -> None:
    assert await send_event(slack, link_shared_event("EvL5", TS, [url])) == 200
    assert slack.fake.calls_to("chat.unfurl", ok_only=False) == []
    assert await links_of(slack) == []


async def test_links_thread_opens_the_discussion_under_the_members_message(slack: SlackHarness) -> None:
    slack.fake.member_messages.add((CHANNEL, TS))
    assert (await slack.command("settings links:thread", user=ADMIN))[0] == 200
    await eventually(lambda: slack.fake.responses)
    assert "links: thread" in slack.fake.responses[-1]["text"]
    assert await send_event(slack, link_shared_event("EvL6", TS, [ARXIV])) == 200
    opening = slack.fake.thread(CHANNEL, TS)
    assert opening and VIDEO in opening[0]["text"]
    (call,) = slack.fake.calls_to("chat.unfurl")
    assert cards(call)[ARXIV]["blocks"][1]["elements"][0]["text"] == "Discussion in this message's thread."
    # the same paper pasted elsewhere in the channel: no second thread, the card links to the first
    later = "1762689800.000100"
    assert await send_event(slack, link_shared_event("EvL7", later, [ARXIV], user=ADMIN)) == 200
    assert slack.fake.thread(CHANNEL, later) == []
    second = cards(slack.fake.calls_to("chat.unfurl")[-1])[ARXIV]["blocks"][1]["elements"][0]["text"]
    assert second == f"Discussion continues <https://lab.slack.com/archives/{CHANNEL}/p{TS.replace('.', '')}|in its thread>."
    # a link pasted inside a thread opens none of its own
    reply = "1762689900.000100"
    assert await send_event(slack, link_shared_event("EvL8", reply, [HF], thread_ts=later)) == 200
    assert slack.fake.thread(CHANNEL, reply) == []


async def test_a_failed_write_is_not_acknowledged_and_the_redelivery_records_it_once(
        slack: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    original = SqlStore.add_reaction
    failures = [StoreUnavailableError("the database is unavailable right now (OperationalError: database is locked)")]

    async def add_reaction_once(store: SqlStore, *args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await original(store, *args, **kwargs)

    monkeypatch.setattr(SqlStore, "add_reaction", add_reaction_once)
    body = link_shared_event("EvL9", TS, [ARXIV])
    assert await send_event(slack, body) == 503  # Slack will deliver it again
    assert await slack.bot.store.posts_for_message(CH, TS) == [] and await links_of(slack) == []  # one unit of work
    assert await send_event(slack, body, retry=1) == 200
    assert await links_of(slack) == [(TS, VIDEO)]
    assert [p.arxiv_id for p in await slack.bot.store.posts_for_message(CH, TS)] == [VIDEO]


async def test_a_hostile_paper_gets_a_neutralised_card_within_limits(slack: SlackHarness) -> None:
    hostile = Paper("2511.99003", "<!channel> *Attention* <https://evil.example|click>" + " x" * 3000,
                    abstract="<@U0ADMIN> " * 2000, authors=tuple(f"<!here> Author {i}" for i in range(400)),
                    sources=frozenset({"sample"}))
    await slack.bot.store.upsert_papers([hostile])
    url = "https://arxiv.org/abs/2511.99003"
    assert await send_event(slack, link_shared_event("EvL10", TS, [url])) == 200
    (call,) = slack.fake.calls_to("chat.unfurl")
    blocks = cards(call)[url]["blocks"]
    assert block_kit_problems(blocks) == []
    card = blocks[0]["text"]["text"]
    assert "<!channel>" not in card and "<!here>" not in card and "<@U0ADMIN>" not in card
    assert "<https://evil.example" not in card and len(card) <= 800


async def test_the_card_carries_the_controls_and_a_click_is_the_members_reaction_on_their_message(
        slack: SlackHarness) -> None:
    """A posted link's card has 👍 👎 🔖 Save / More like this; a click names the member's message (the
    paper's recorded post), so it is stored as their reaction there, and a second click undoes it."""
    assert await send_event(slack, link_shared_event("EvL9", TS, [ARXIV])) == 200
    (call,) = slack.fake.calls_to("chat.unfurl")
    blocks = cards(call)[ARXIV]["blocks"]
    assert block_kit_problems(blocks) == []
    assert [e["action_id"] for e in blocks[-1]["elements"]] == ["paperbot_up", "paperbot_down", "paperbot_save",
                                                                "paperbot_similar"]
    card = {"ts": TS, "blocks": blocks}  # what Slack shows under the member's message

    async def thumbs_up(key: str) -> None:
        answered = len(slack.fake.responses)
        body = block_actions(card, control(card, "paperbot_up"), response_url=slack.fake.response_url(key), user=ADMIN)
        status, elapsed = await send_click(slack, body)
        assert status == 200 and elapsed < 3.0
        await slack.fake.wait_for(lambda: len(slack.fake.responses) > answered)

    await thumbs_up("u1")
    mine = [(r.arxiv_id, r.emoji) for r in await slack.bot.store.reactions_for_message(CH, TS) if r.user_id == ADMIN]
    assert mine == [(VIDEO, "👍")]
    await thumbs_up("u2")  # again: undone
    assert [r for r in await slack.bot.store.reactions_for_message(CH, TS) if r.user_id == ADMIN] == []


async def test_the_composer_preview_has_no_controls(slack: SlackHarness) -> None:
    assert await send_event(slack, link_shared_event("EvLA", TS, [ARXIV], source="composer")) == 200
    (call,) = slack.fake.calls_to("chat.unfurl")
    assert all(b["type"] != "actions" for b in cards(call)[ARXIV]["blocks"])  # no message yet: nothing to rate
