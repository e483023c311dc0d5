"""An event is acknowledged only once it is stored (issue 4): a database failure leaves it for Slack to redeliver.

bolt acknowledged every event before its listener ran, so a reaction whose write failed (SQLite
locked past its busy timeout, PostgreSQL down for 10 s: StoreUnavailableError) was lost: Slack
never sends an acknowledged event again. Now the write fails the request (HTTP 503, no Socket
Mode ack) and Slack's redelivery — the recorded ``X-Slack-Retry-Num`` headers, the Socket Mode
``retry_attempt`` envelope — stores it once. `/papers` is still acknowledged at once however
slow its work (its work is bolt's lazy listener).
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.discussion.threads import ActivityKind
from bot.domain import ChannelRef
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, message_event, reaction_event, running_slack, send_event
from tests.harness.slack_fake import TEAM
from tests.harness.store_faults import fail_first
from tests.harness.tally import FAULTS
from tests.harness.waiting import eventually

pytestmark = pytest.mark.faults

CH = ChannelRef("slack", TEAM, CHANNEL)


async def post_one(h: SlackHarness, *, over_socket: bool = False) -> str:
    if over_socket:
        await h.fake.send_envelope("slash_commands", h.command_payload("today 1"), "env-cmd")
    else:
        assert (await h.command("today 1"))[0] == 200
    message_id: str = (await eventually(lambda: h.bot.history(CH)))[0].post.message_id
    return message_id


async def stored(h: SlackHarness, ts: str) -> list[str]:
    return [r.emoji for r in await h.bot.store.reactions_for_message(CH, ts)]


async def test_over_http_a_failed_write_is_not_acknowledged_and_the_redelivery_stores_it_once(
        http: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    ts = await post_one(http)
    fail_first(monkeypatch, "add_reaction")
    body = reaction_event("EvDb1", ts, "fire")
    assert await send_event(http, body) == 503  # Slack will deliver it again
    assert await stored(http, ts) == []
    assert await send_event(http, body, retry=1) == 200  # the recorded redelivery headers
    assert await send_event(http, body, retry=2) == 200  # a late duplicate: dropped by event id
    assert await stored(http, ts) == ["🔥"]
    FAULTS.reactions(sent=1, stored=len(await stored(http, ts)))


async def test_over_socket_mode_the_envelope_is_acked_only_after_the_write(
        socket: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = socket.fake
    ts = await post_one(socket, over_socket=True)
    calls = fail_first(monkeypatch, "add_reaction")
    body = reaction_event("EvDb2", ts, "fire")
    await fake.send_envelope("events_api", body, "env-r1")
    await eventually(lambda: len(calls) == 1)
    await asyncio.sleep(0.2)
    assert "env-r1" not in {a.get("envelope_id") for a in fake.acks}  # no ack: Slack redelivers it
    await fake.send_envelope("events_api", body, "env-r2", retry_attempt=1, retry_reason="timeout")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-r2" for a in fake.acks))
    assert await stored(socket, ts) == ["🔥"]
    await fake.send_envelope("events_api", body, "env-r3", retry_attempt=2, retry_reason="timeout")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-r3" for a in fake.acks))
    assert await stored(socket, ts) == ["🔥"]
    FAULTS.reactions(sent=1, stored=len(await stored(socket, ts)))


async def test_slacks_last_redelivery_is_acknowledged_and_kept_for_the_cores_retry(
        http: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing follows Slack's third redelivery: it is handed to PaperBot.keep_for_retry, not dropped."""
    ts = await post_one(http)
    fail_first(monkeypatch, "add_reaction", times=2)  # this delivery and the core's immediate first try
    assert await send_event(http, reaction_event("EvDb3", ts, "+1"), retry=3) == 200
    assert await eventually(lambda: stored(http, ts), timeout=6) == ["👍"]  # the core's retry, about 1 s later
    FAULTS.reactions(sent=1, stored=len(await stored(http, ts)))


async def test_a_write_slower_than_slacks_deadline_is_acked_then_kept_if_it_fails(
        http: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database waiting on a lock past Slack's 3 s: acknowledged at the deadline (no Slack timeout),
    and the failure that comes later goes to the core's retry instead of being lost."""
    gate = http.runner.slack.threads.gate
    gate.deadline = 0.3
    ts = await post_one(http)
    fail_first(monkeypatch, "add_reaction", delay=0.6)
    started = time.monotonic()
    assert await send_event(http, reaction_event("EvDb4", ts, "fire")) == 200
    assert time.monotonic() - started < 0.55
    assert await eventually(lambda: stored(http, ts), timeout=6) == ["🔥"]
    FAULTS.reactions(sent=1, stored=len(await stored(http, ts)))


async def test_a_thread_message_the_database_failed_is_redelivered_and_recorded_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_slack(tmp_path, "http", threads="always", embedder=HashEmbedder()) as h:
        assert (await h.command("today 1"))[0] == 200
        await eventually(lambda: h.bot.history(CH))
        parent = h.fake.messages[CHANNEL][0]["ts"]
        await eventually(lambda: h.bot.store.threads_for(CH, parent))
        fail_first(monkeypatch, "add_thread_activity")
        body = message_event("EvDbM", text="great paper", ts="1762689601.000200", thread_ts=parent)
        assert await send_event(h, body) == 503
        assert await h.bot.store.thread_activity_for_channel(CH) == []
        assert await send_event(h, body, retry=1) == 200
        [activity] = await h.bot.store.thread_activity_for_channel(CH)
        assert (activity.user_id, activity.kind) == (MEMBER, ActivityKind.REPLY)


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_slow_papers_work_is_still_acknowledged_at_once(tmp_path: Path, mode: str) -> None:
    """The ack is its own listener; the work (here a 1.5 s permission lookup) runs after it."""
    async with running_slack(tmp_path, mode, embedder=HashEmbedder()) as h:
        fake = h.fake
        fake.delays["users.info"] = 1.5
        started = time.monotonic()
        if mode == "http":
            status, elapsed = await h.command("subscribe 08:30 Europe/Paris", user=MEMBER)
            assert status == 200 and elapsed < 1.0
        else:
            await fake.send_envelope("slash_commands", h.command_payload("subscribe 08:30 Europe/Paris"), "env-slow")
            await fake.wait_for(lambda: any(a.get("envelope_id") == "env-slow" for a in fake.acks))
            assert time.monotonic() - started < 1.0
        assert not fake.responses  # the work is still going on
        await fake.wait_for(lambda: fake.responses, timeout=5)
        assert time.monotonic() - started >= 1.5
