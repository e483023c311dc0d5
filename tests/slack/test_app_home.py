"""The App Home: the real slack-bolt app publishes a member's own page (views.publish) when they open
the Home tab — their likes, dislikes, topics, saved papers (🔖) and DM digest — and its buttons
(DM digest on/off, unsave, forget me behind a confirm dialog) change that state and publish it again.
Titles from the internet are neutralised and the page stays within Slack's view limits."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.home import LEFT_OUT, home_view
from adapters.slack.limits import SECTION_TEXT
from bot.domain import ChannelRef, Paper, Post, PostKind, Reaction, Requester
from bot.usecases.home import MAX_SAVED, Button, HomeAction, HomeView, Item, Section
from bot.usecases.ingest import store_papers
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, running_slack
from tests.harness.running_slack import reaction_event as reaction_body
from tests.harness.sample import NOW
from tests.harness.slack_fake import TEAM, view_problems
from tests.harness.slack_views import home_button, home_opened, send_event, send_interaction
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)
ME = Requester(ChannelRef("slack", TEAM, "home"), MEMBER)


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as harness:
        yield harness


def texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() if isinstance(v, (dict, list)) for t in texts(v)]
    if isinstance(node, list):
        return [t for item in node for t in texts(item)]
    return []


def buttons(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page's buttons by action_id (the last one of each: unsave buttons share theirs)."""
    found: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        for element in [block.get("accessory") or {}, *(block.get("elements") or [])]:
            if element.get("type") == "button":
                found[element["action_id"]] = element
    return found


async def published(h: SlackHarness, after: int = 0) -> dict[str, Any]:
    """The page published for MEMBER by the (after+1)-th views.publish."""
    await h.fake.wait_for(lambda: len(h.fake.calls_to("views.publish")) > after)
    call = h.fake.calls_to("views.publish")[after]
    assert call.params["user_id"] == MEMBER
    view: dict[str, Any] = json.loads(call.params["view"]) if isinstance(call.params["view"], str) else call.params["view"]
    assert view["type"] == "home" and view_problems(view) == []
    return view


async def posted_digest(h: SlackHarness, count: int = 3) -> list[str]:
    await h.command(f"today {count}")
    history = await eventually(lambda: h.bot.history(CH))
    assert len(history) == count
    return [p.post.message_id for p in reversed(history)]


async def test_opening_the_home_tab_publishes_the_members_likes_saved_papers_and_dm_state(slack: SlackHarness) -> None:
    first, second, third = await posted_digest(slack)
    for n, (ts, emoji) in enumerate([(first, "+1"), (second, "-1"), (third, "bookmark")]):
        assert await send_event(slack, reaction_body(f"EvR{n}", ts, emoji)) == 200
    await eventually(lambda: slack.bot.store.reactions_by_member("slack", TEAM, MEMBER))
    await eventually(lambda: _count(slack, 3))
    saved_paper = (await slack.bot.history(CH))[0]  # newest first: the third post
    assert await send_event(slack, home_opened("EvH1")) == 200
    view = await published(slack)
    shown = "\n".join(texts(view))
    assert "👍 1 liked · 👎 1 not for you · 🔖 1 saved" in shown
    assert "Topics in what you liked:" in shown
    assert saved_paper.paper is not None and saved_paper.paper.arxiv_id in shown
    assert "Off: no personal digest" in shown
    assert set(buttons(view)) == {"paperbot_home:unsave", "paperbot_home:dm_on", "paperbot_home:forget"}
    assert buttons(view)["paperbot_home:unsave"]["value"] == saved_paper.paper.arxiv_id


async def _count(h: SlackHarness, n: int) -> bool:
    return len(await h.bot.store.reactions_by_member("slack", TEAM, MEMBER)) == n


async def test_the_messages_tab_publishes_nothing(slack: SlackHarness) -> None:
    assert await send_event(slack, home_opened("EvH2", tab="messages")) == 200
    assert await send_event(slack, home_opened("EvH3")) == 200  # a barrier: the home tab after it
    await published(slack)
    assert len(slack.fake.calls_to("views.publish")) == 1


async def test_the_dm_buttons_switch_the_digest_in_the_members_timezone_and_republish(slack: SlackHarness) -> None:
    slack.fake.users[MEMBER]["tz"] = "Europe/Paris"
    status, _ = await send_interaction(slack, home_button("paperbot_home:dm_on"))
    assert status == 200
    view = await published(slack)
    dm = await slack.bot.personal.dm(ME)
    assert dm is not None and dm.timezone == "Europe/Paris" and f"{dm.post_time:%H:%M}" == "09:00"
    shown = "\n".join(texts(view))
    assert "On. Your personal digest" in shown and "Europe/Paris" in shown
    assert "paperbot_home:dm_off" in buttons(view) and "paperbot_home:dm_on" not in buttons(view)

    status, _ = await send_interaction(slack, home_button("paperbot_home:dm_off"))
    assert status == 200
    view = await published(slack, after=1)
    assert await slack.bot.personal.dm(ME) is None
    assert "Your personal digest is off." in "\n".join(texts(view))
    assert "paperbot_home:dm_on" in buttons(view)


async def test_unsave_removes_the_members_bookmark_and_forget_me_asks_first(slack: SlackHarness) -> None:
    [ts] = await posted_digest(slack, 1)
    assert await send_event(slack, reaction_body("EvS1", ts, "bookmark")) == 200
    assert await send_event(slack, reaction_body("EvS2", ts, "+1")) == 200
    await eventually(lambda: _count(slack, 2))
    paper = (await slack.bot.history(CH))[0].paper
    assert paper is not None

    # someone else's button value cannot unsave for MEMBER anything but MEMBER's own bookmark
    status, _ = await send_interaction(slack, home_button("paperbot_home:unsave", paper.arxiv_id))
    assert status == 200
    view = await published(slack)
    assert f"Unsaved {paper.arxiv_id}." in "\n".join(texts(view))
    assert [r.emoji for r in await slack.bot.store.reactions_by_member("slack", TEAM, MEMBER)] == ["👍"]
    assert "Nothing saved yet" in "\n".join(texts(view))

    forget = buttons(view)["paperbot_home:forget"]
    assert forget["style"] == "danger" and forget["confirm"]["confirm"]["text"] == "Erase it"
    assert "cannot be undone" in forget["confirm"]["text"]["text"]
    status, _ = await send_interaction(slack, home_button("paperbot_home:forget"))
    assert status == 200
    view = await published(slack, after=1)
    assert "Done: erased everything you taught the bot" in "\n".join(texts(view))
    assert await slack.bot.store.reactions_by_member("slack", TEAM, MEMBER) == []


async def test_a_forged_button_is_answered_in_words(slack: SlackHarness) -> None:
    status, _ = await send_interaction(slack, home_button("paperbot_home:unsave", "<!channel> not-a-paper"))
    assert status == 200
    shown = "\n".join(texts(await published(slack)))
    assert "not a saved paper's id" in shown and "<!channel>" not in shown
    status, _ = await send_interaction(slack, home_button("paperbot_home:launch"))
    assert status == 200
    assert "not one of paperbot's" in "\n".join(texts(await published(slack, after=1)))


HOSTILE = "<!channel> *bold* <http://evil.example|click> @here " + "x" * 5000


async def test_hostile_titles_are_neutralised_and_the_page_is_bounded(slack: SlackHarness) -> None:
    day = date(2025, 11, 7)
    papers = [Paper(f"2511.9{n:04d}", f"{HOSTILE} {n}", "abstract", announced_on=day,
                    ai_keywords=("<!here>", "_under_ *star*")) for n in range(MAX_SAVED + 10)]
    await store_papers(slack.bot.store, papers)
    for n, paper in enumerate(papers):
        ts = f"1700000100.{n:06d}"
        await slack.bot.store.record_posts([Post(CH, ts, paper.arxiv_id, PostKind.ON_DEMAND, posted_at=NOW)])
        await slack.bot.store.add_reaction(Reaction(CH, ts, paper.arxiv_id, MEMBER, "🔖", NOW))
        await slack.bot.store.add_reaction(Reaction(CH, ts, paper.arxiv_id, MEMBER, "👍", NOW))
    assert await send_event(slack, home_opened("EvH4")) == 200
    view = await published(slack)  # the fake refuses a view past Slack's limits: this one was accepted
    assert len(view["blocks"]) <= 100
    shown = texts(view)
    assert all(len(t) <= SECTION_TEXT for t in shown)
    joined = "\n".join(shown)
    assert "<!channel>" not in joined and "<!here>" not in joined and "<http://evil" not in joined
    assert "&lt;!channel&gt;" in joined
    assert "@\u200bhere" in joined
    assert f"🔖 {len(papers)} saved" in joined and "…and 10 more." in joined
    assert len(buttons_all(view, "paperbot_home:unsave")) == MAX_SAVED


def buttons_all(view: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    return [b["accessory"] for b in view["blocks"] if (b.get("accessory") or {}).get("action_id") == action_id]


async def test_over_socket_mode_the_home_tab_and_its_buttons_work_too(socket_slack: SlackHarness) -> None:
    fake = socket_slack.fake
    await fake.send_envelope("events_api", home_opened("EvH5"), "env-h1")
    view = await published(socket_slack)
    assert "paperbot_home:dm_on" in buttons(view)
    await fake.send_envelope("interactive", home_button("paperbot_home:dm_on"), "env-h2")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-h2" for a in fake.acks))
    view = await published(socket_slack, after=1)
    assert "paperbot_home:dm_off" in buttons(view)
    dm = await socket_slack.bot.personal.dm(ME)
    assert dm is not None and dm.timezone == "UTC"  # Slack did not say the member's zone


def test_a_page_longer_than_slack_allows_is_cut_to_100_blocks_and_says_so() -> None:
    items = tuple(Item(f"{HOSTILE} {n}", "https://arxiv.org/abs/2511.00001", "2511.00001",
                       Button(HomeAction.UNSAVE, "Unsave " * 40, "2511.00001" * 500)) for n in range(300))
    view = home_view(HomeView("Your papers " * 40, (Section("Saved " * 100, ("line " * 2000,), items=items),),
                              notice="<!channel> " * 1000))
    assert len(view["blocks"]) == 100 and view_problems(view) == []
    assert view["blocks"][-1]["elements"][0]["text"] == LEFT_OUT
    assert "<!channel>" not in json.dumps(view)
