"""Socket Mode envelopes, reactions → signals (deduplicated by event_id), harmless titles, 429 retry.

Slash commands, reaction events and retries are the recorded shapes of
``tests/fixtures/payloads/slack/`` (``tests.harness.running_slack`` fills them in).
"""
from __future__ import annotations

import json
from datetime import date

from bot.domain import ChannelRef, Paper
from bot.usecases.ingest import store_papers
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, send_event
from tests.harness.running_slack import reaction_event as reaction_body
from tests.harness.slack_fake import TEAM
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)


def command_payload(h: SlackHarness, text: str) -> dict:
    return h.command_payload(text)


async def post_digest(h: SlackHarness, count: int = 2) -> list[str]:
    await h.command(f"today {count}")
    history = await eventually(lambda: h.bot.history(CH))
    assert len(history) == count
    return [p.post.message_id for p in reversed(history)]


async def reactions(h: SlackHarness, ts: str):
    return await h.bot.store.reactions_for_message(CH, ts)


async def test_socket_mode_envelope_is_acked_then_answered(socket_slack: SlackHarness) -> None:
    fake = socket_slack.fake
    await fake.send_envelope("slash_commands", command_payload(socket_slack, "today 2"), "env-1")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-1" for a in fake.acks))
    await fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) == 3)
    assert fake.calls_to("apps.connections.open")
    history = await eventually(lambda: socket_slack.bot.history(CH))
    assert len(history) == 2


async def test_socket_mode_reaction_event(socket_slack: SlackHarness) -> None:
    fake = socket_slack.fake
    await fake.send_envelope("slash_commands", command_payload(socket_slack, "today 1"), "env-1")
    history = await eventually(lambda: socket_slack.bot.history(CH))
    ts = history[0].post.message_id
    await fake.send_envelope("events_api", reaction_body("Ev1", ts, "fire"), "env-2")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-2" for a in fake.acks))
    stored = await eventually(lambda: reactions(socket_slack, ts))
    assert [r.emoji for r in stored] == ["🔥"]


async def test_a_socket_mode_redelivery_does_not_bring_a_removed_reaction_back(socket_slack: SlackHarness) -> None:
    """Over Socket Mode a redelivery is the same envelope payload with ``retry_attempt``/``retry_reason``."""
    fake = socket_slack.fake
    await fake.send_envelope("slash_commands", command_payload(socket_slack, "today 1"), "env-1")
    ts = (await eventually(lambda: socket_slack.bot.history(CH)))[0].post.message_id
    await fake.send_envelope("events_api", reaction_body("EvS1", ts, "fire"), "env-2")
    assert [r.emoji for r in await eventually(lambda: reactions(socket_slack, ts))] == ["🔥"]
    await fake.send_envelope("events_api", reaction_body("EvS2", ts, "fire", added=False), "env-3")
    await eventually(lambda: _empty(socket_slack, ts))
    await fake.send_envelope("events_api", reaction_body("EvS1", ts, "fire"), "env-4", retry_attempt=1, retry_reason="timeout")
    await fake.send_envelope("events_api", reaction_body("EvS3", ts, "+1"), "env-5")  # a later event, as a barrier
    await eventually(lambda: _has(socket_slack, ts, "👍"))
    assert {a.get("envelope_id") for a in fake.acks} >= {"env-2", "env-3", "env-4", "env-5"}
    assert [r.emoji for r in await reactions(socket_slack, ts)] == ["👍"]


async def test_reaction_added_then_removed_and_retries_count_once(http_slack: SlackHarness) -> None:
    first, second = await post_digest(http_slack)
    assert await send_event(http_slack, reaction_body("Ev1", first, "+1")) == 200
    stored = await eventually(lambda: reactions(http_slack, first))
    assert [(r.emoji, r.user_id) for r in stored] == [("👍", MEMBER)]

    # skin tones are one signal; a reaction on the other paper stays on that paper
    assert await send_event(http_slack, reaction_body("Ev2", second, "thumbsup::skin-tone-3")) == 200
    assert [r.emoji for r in await eventually(lambda: reactions(http_slack, second))] == ["👍"]

    assert await send_event(http_slack, reaction_body("Ev3", first, "+1", added=False)) == 200
    assert await eventually(lambda: _empty(http_slack, first))
    # Slack re-delivers Ev1 (a retry): the same event_id must not bring the signal back
    assert await send_event(http_slack, reaction_body("Ev1", first, "+1"), retry=1) == 200
    await send_event(http_slack, reaction_body("Ev4", second, "heart"))  # a later event, as a barrier
    await eventually(lambda: _has(http_slack, second, "❤️"))
    assert await reactions(http_slack, first) == []


async def _empty(h: SlackHarness, ts: str) -> bool:
    return await reactions(h, ts) == []


async def _has(h: SlackHarness, ts: str, emoji: str) -> bool:
    return any(r.emoji.startswith(emoji[0]) for r in await reactions(h, ts))


async def test_duplicate_event_id_is_one_signal(http_slack: SlackHarness) -> None:
    (ts,) = await post_digest(http_slack, 1)
    for retry in (None, 1, 2):
        assert await send_event(http_slack, reaction_body("EvDup", ts, "heart", user="U0OTHER"), retry=retry) == 200
    await eventually(lambda: reactions(http_slack, ts))
    await send_event(http_slack, reaction_body("EvLater", ts, "+1"))
    await eventually(lambda: _has(http_slack, ts, "👍"))
    assert len([r for r in await reactions(http_slack, ts) if r.user_id == "U0OTHER"]) == 1


async def test_reaction_on_a_message_the_bot_did_not_post_is_ignored(http_slack: SlackHarness) -> None:
    assert await send_event(http_slack, reaction_body("EvX", "1.000", "+1")) == 200
    assert await reactions(http_slack, "1.000") == []


EVIL = "Attention <!channel> is <@U123ABC> all <#C999|x> you <http://evil.example|click> need @here & *more*"


async def test_a_title_with_broadcast_syntax_is_posted_harmlessly(http_slack: SlackHarness) -> None:
    await store_papers(http_slack.bot.store, [Paper(
        arxiv_id="2511.99999", title=EVIL, abstract="<!everyone> ping <@U1> &amp;", authors=("<!here> Mallory",),
        announced_on=date(2025, 11, 7), github_repo="javascript:alert(1)|<!channel>", sources=frozenset({"sample"}),
    )])
    await http_slack.command("paper 2511.99999")
    fake = http_slack.fake
    await fake.wait_for(lambda: fake.calls_to("chat.postMessage"))
    sent = json.dumps(fake.calls_to("chat.postMessage")[0].params, ensure_ascii=False)
    for bad in ("<!channel>", "<!here>", "<!everyone>", "<@U123ABC>", "<@U1>", "<#C999", "<http://evil", "javascript:", "@here", "*more*"):
        assert bad not in sent, bad
    assert "&lt;!channel&gt;" in sent and "&amp;" in sent
    # the single paper is recorded, so reactions on it count
    assert await eventually(lambda: http_slack.bot.history(CH))


async def test_a_429_with_retry_after_is_retried(http_slack: SlackHarness) -> None:
    fake = http_slack.fake
    fake.failures["chat.postMessage"] = [(429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"})]
    await post_digest(http_slack, 1)
    attempts = fake.calls_to("chat.postMessage", ok_only=False)
    assert [c.status for c in attempts] == [429, 200, 200]
