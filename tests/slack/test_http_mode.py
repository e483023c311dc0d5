"""HTTP mode: signed slash commands through bolt's aiohttp app; bad signatures refused."""
from __future__ import annotations

import json
import time

from bot.domain import ChannelRef
from tests.harness.running_slack import ADMIN, CHANNEL, CREATOR, MEMBER, SlackHarness
from tests.harness.slack_fake import TEAM
from tests.harness.waiting import eventually


async def test_signed_slash_command_acks_fast_then_posts_a_block_kit_digest(http_slack: SlackHarness) -> None:
    status, elapsed = await http_slack.command("today 3")
    assert status == 200 and elapsed < 3.0
    fake = http_slack.fake
    await fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) == 4)
    digest, *replies = fake.calls_to("chat.postMessage")
    assert digest.params["channel"] == CHANNEL
    blocks = digest.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    assert blocks[0]["type"] == "header" and len(blocks) <= 50
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 3 and all("arxiv.org/abs/" in s["text"]["text"] for s in sections)
    assert digest.params["text"]  # plain-text fallback
    assert all(r.params["thread_ts"] == "1700000000.000001" for r in replies)
    channel = ChannelRef("slack", TEAM, CHANNEL)
    history = await eventually(lambda: http_slack.bot.history(channel))
    assert sorted(p.post.message_id for p in history) == ["1700000000.000002", "1700000000.000003", "1700000000.000004"]


async def test_bad_or_stale_signature_is_refused_with_401(http_slack: SlackHarness) -> None:
    body = http_slack.command_form("today")
    wrong = http_slack.signed(body, content_type="application/x-www-form-urlencoded", secret="not-the-secret")
    assert (await http_slack.post(body, wrong))[0] == 401
    stale = http_slack.signed(body, content_type="application/x-www-form-urlencoded", timestamp=int(time.time()) - 600)
    assert (await http_slack.post(body, stale))[0] == 401
    assert http_slack.fake.calls_to("chat.postMessage") == []


async def test_url_verification_echoes_the_challenge(http_slack: SlackHarness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    status, text, _ = await http_slack.post(body, http_slack.signed(body, content_type="application/json"))
    assert status == 200 and "abc123" in text


async def test_usage_error_is_a_short_ephemeral_message(http_slack: SlackHarness) -> None:
    status, _ = await http_slack.command("frobnicate now")
    assert status == 200
    fake = http_slack.fake
    await fake.wait_for(lambda: fake.responses)
    answer = fake.responses[0]
    assert answer["response_type"] == "ephemeral"
    assert "frobnicate" in answer["text"] and "today" in answer["text"]


async def test_non_admin_subscribe_is_refused_and_admin_or_creator_allowed(http_slack: SlackHarness) -> None:
    fake = http_slack.fake
    channel = ChannelRef("slack", TEAM, CHANNEL)
    await http_slack.command("subscribe 08:30 Europe/Paris", user=MEMBER, key="member")
    await fake.wait_for(lambda: len(fake.responses) == 1)
    assert fake.responses[0]["response_type"] == "ephemeral"
    assert "admin" in fake.responses[0]["text"] and "created this channel" in fake.responses[0]["text"]
    assert await http_slack.bot.store.get_subscription(channel) is None

    await http_slack.command("subscribe 08:30 Europe/Paris", user=CREATOR, key="creator")
    await fake.wait_for(lambda: len(fake.responses) == 2)
    assert fake.responses[1]["text"].startswith("Subscribed")
    await http_slack.command("unsubscribe", user=ADMIN, key="admin")
    await fake.wait_for(lambda: len(fake.responses) == 3)
    assert fake.responses[2]["text"].startswith("Unsubscribed")
    assert await http_slack.bot.store.get_subscription(channel) is None


async def test_only_manage_commands_look_up_permissions(http_slack: SlackHarness) -> None:
    fake = http_slack.fake
    await http_slack.command("help")
    await fake.wait_for(lambda: fake.responses)
    assert fake.calls_to("users.info") == [] and fake.calls_to("conversations.info") == []


async def test_the_ack_does_not_wait_for_slow_work(http_slack: SlackHarness) -> None:
    fake = http_slack.fake
    fake.delays["users.info"] = 1.5  # the permission lookup (work) is slow; the ack must not be
    status, elapsed = await http_slack.command("subscribe", user=ADMIN)
    assert status == 200 and elapsed < 1.0
    await fake.wait_for(lambda: fake.responses)
    assert fake.responses[0]["text"].startswith("Subscribed")


async def test_an_admin_or_the_creator_may_forget_the_channel_and_a_member_may_not(http_slack: SlackHarness) -> None:
    """The declaration says `forget channel` manages the channel, so Slack looks the permission up."""
    fake = http_slack.fake
    await http_slack.command("forget channel confirm", user=MEMBER, key="member")
    await fake.wait_for(lambda: len(fake.responses) == 1)
    assert "Only people who manage this channel" in fake.responses[0]["text"]
    for n, user in enumerate((ADMIN, CREATOR), start=2):
        await http_slack.command("forget channel confirm", user=user, key=f"manager-{n}")
        await fake.wait_for(lambda: len(fake.responses) == n)
        assert fake.responses[-1]["text"].startswith("Done: erased everything this channel taught the bot")
    calls = len(fake.calls_to("users.info"))
    await http_slack.command("forget me", user=MEMBER, key="me")  # your own data: no lookup
    await fake.wait_for(lambda: len(fake.responses) == 4)
    assert len(fake.calls_to("users.info")) == calls and "This erases everything you taught" in fake.responses[-1]["text"]
