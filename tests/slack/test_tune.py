"""`/papers tune` through the real slack-bolt against the fake Slack: a header with the instruction and
one message per candidate, recorded like a digest's posts; a reaction on one is a stored signal the
ranking reads; a second run posts other papers, and `mine` leaves out what the member rated. No
Slack-specific code: the core posts."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain import ChannelRef
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, running_slack, send_event
from tests.harness.running_slack import reaction_event as reaction_body
from tests.harness.slack_fake import TEAM
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as harness:
        yield harness


async def tune(h: SlackHarness, text: str, posted_before: int, count: int, key: str) -> list[str]:
    """Run `/papers <text>`; the newly recorded posts' arXiv ids, in order."""
    assert (await h.command(text, key=key))[0] == 200
    history = await eventually(lambda: _at_least(h, posted_before + count), timeout=15)
    return [p.post.arxiv_id for p in reversed(history[:count])]


async def _at_least(h: SlackHarness, n: int):
    history = await h.bot.history(CH, limit=50)
    return history if len(history) >= n else None


async def test_tune_posts_rateable_candidates_and_a_second_run_posts_others(http: SlackHarness) -> None:
    first = await tune(http, "tune 3", 0, 3, "r1")
    assert len(set(first)) == 3
    texts = " ".join(m.get("text", "") + str(m.get("blocks", "")) for m in http.fake.messages[CHANNEL])
    assert "Tune this channel: 3 different papers of the week to rate" in texts
    assert "React 👍 or 👎 on each — tomorrow's digest learns from them" in texts

    ts = (await http.bot.history(CH))[0].post.message_id  # the third candidate's message
    assert await send_event(http, reaction_body("EvT1", ts, "+1")) == 200
    [reaction] = await eventually(lambda: http.bot.store.reactions_for_message(CH, ts))
    assert (reaction.arxiv_id, reaction.user_id, reaction.emoji) == (first[2], MEMBER, "👍")
    profile = await http.bot.taste.channel_profile(CH)
    assert [s.arxiv_id for s in profile.signals] == [first[2]]

    second = await tune(http, "tune 3", 3, 3, "r2")
    assert not set(first) & set(second)
    mine = await tune(http, "tune mine 4", 6, 4, "r3")
    assert not set(mine) & (set(first) | set(second))
