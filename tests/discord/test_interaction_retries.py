"""A 429 (or 5xx) on an interaction's answer is tried again; a final failure still tells the caller.

discord.py waits out a 429 only when it carries ``Via`` (Discord's own rate limit); one without it
(Cloudflare's) is raised at once, which used to leave the answer at "thinking…" for good. The fake
answers such a 429 on the first response, the edit of the placeholder, or a followup; the bot tries
again after its ``Retry-After``, within the 3 s of the first response and the token's 15 minutes.
"""
from __future__ import annotations

from datetime import date

import pytest

from bot.domain import ChannelRef, Paper
from tests.harness.discord_fake import APP_ID, CHANNEL_ID, GUILD_ID, MANAGE_CHANNELS, FakeDiscord, Interaction, Recorded
from tests.harness.running_discord import Running
from tests.harness.tally import FAULTS
from tests.harness.waiting import eventually

pytestmark = pytest.mark.faults

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
EDIT = rf"/webhooks/{APP_ID}/[^/]+/messages/@original"
FOLLOWUP = rf"/webhooks/{APP_ID}/[^/]+"
CALLBACK = r"/interactions/\d+/[^/]+/callback"
CLOUDFLARE_429 = {"message": "You are being rate limited.", "retry_after": 0.2, "global": False}


def rate_limit(fake: FakeDiscord, method: str, path: str, *, times: int = 1, wait: str = "0.2") -> None:
    """Answer the next ``times`` matching requests with a 429 that has no ``Via`` header."""
    fake.fail_next(method, path, 429, body=CLOUDFLARE_429, headers={"Retry-After": wait}, times=times)
    FAULTS.injected(times)


def requests(fake: FakeDiscord, it: Interaction, method: str) -> list[Recorded]:
    return [r for r in fake.requests if it.token in r.path and r.method == method]


def webhook_posts(fake: FakeDiscord, it: Interaction) -> list[Recorded]:
    """Followups (not the first response, which is POSTed to /interactions/…/callback)."""
    return [r for r in requests(fake, it, "POST") if r.path.startswith("/webhooks/")]


def ephemeral_notes(fake: FakeDiscord, it: Interaction) -> list[Recorded]:
    return [r for r in webhook_posts(fake, it) if r.body and r.body.get("flags", 0) & 64]


async def test_a_429_without_via_on_the_edit_is_waited_out_and_the_answer_shown(running: Running) -> None:
    fake = running.fake
    rate_limit(fake, "PATCH", EDIT)
    it = await fake.slash("subscribe", [{"name": "at", "type": 3, "value": "08:30"}], permissions=MANAGE_CHANNELS)
    await eventually(lambda: len(requests(fake, it, "PATCH")) == 2)
    refused, shown = requests(fake, it, "PATCH")
    assert shown.at - refused.at >= 0.2 and "08:30" in shown.body["content"]
    assert await running.bot.store.get_subscription(CHANNEL) is not None
    assert requests(fake, it, "DELETE") == []  # nothing left at "thinking…", nothing removed


async def test_a_digest_whose_edit_and_followup_hit_429s_is_posted_and_recorded_once(running: Running) -> None:
    fake, store = running.fake, running.bot.store
    rate_limit(fake, "PATCH", EDIT)
    rate_limit(fake, "POST", FOLLOWUP)
    it = await fake.slash("today", [{"name": "count", "type": 4, "value": 3}])
    await eventually(lambda: len(store_posts := [m for m in fake.messages.values() if m["embeds"]]) == 3 and store_posts)
    await eventually(lambda: _recorded(running, 3))
    posted = [m["id"] for m in fake.messages.values() if m["embeds"]]
    FAULTS.posts(expected=3, sent=len(set(posted)), duplicated=len(posted) - len(set(posted)))
    for message_id in posted:
        assert len(await store.posts_for_message(CHANNEL, message_id)) == 1
    assert len(requests(fake, it, "PATCH")) == 2 and len(webhook_posts(fake, it)) == 3


async def _recorded(running: Running, count: int) -> bool:
    return len(await running.bot.store.recent_posts(CHANNEL, 50)) >= count


async def test_a_429_on_the_first_response_is_retried_within_discords_3_seconds(running: Running) -> None:
    fake = running.fake
    rate_limit(fake, "POST", CALLBACK, wait="0.3")
    it = await fake.slash("help")
    await eventually(lambda: ephemeral_notes(fake, it))  # help: deferred, then shown to the caller only
    [callback] = it.responses
    assert callback.at - it.created < 3.0 and callback.body["type"] == 5
    assert len([r for r in requests(fake, it, "POST") if r.path.endswith("/callback")]) == 2  # refused, then taken


async def test_an_edit_that_keeps_failing_ends_in_a_short_ephemeral_note(running: Running) -> None:
    fake = running.fake
    rate_limit(fake, "PATCH", EDIT, times=10, wait="0.05")
    it = await fake.slash("subscribe", [{"name": "at", "type": 3, "value": "09:30"}], permissions=MANAGE_CHANNELS)
    await eventually(lambda: ephemeral_notes(fake, it))
    [note] = ephemeral_notes(fake, it)
    assert note.body["content"] == "Discord did not take the answer just now; please try again in a moment."
    assert len(requests(fake, it, "PATCH")) == 4  # tried a bounded number of times


async def test_a_digest_whose_edit_keeps_failing_says_so_without_internals(running: Running) -> None:
    fake = running.fake
    await running.bot.store.upsert_papers([Paper(arxiv_id="2511.99003", title="T", announced_on=date(2025, 11, 8),
                                                 sources=frozenset({"sample"}))])
    rate_limit(fake, "PATCH", EDIT, times=10, wait="0.05")
    it = await fake.slash("today", [{"name": "count", "type": 4, "value": 1}])
    await eventually(lambda: ephemeral_notes(fake, it))
    [note] = ephemeral_notes(fake, it)
    assert note.body["content"] == "Discord did not take the answer just now; please try again in a moment."
    assert CHANNEL_ID not in note.body["content"] and "429" not in note.body["content"]
