"""SlackPlatform maps Slack failures to DeliveryError subclasses; `paperbot run`'s start_all starts Slack."""
from __future__ import annotations

import asyncio

import pytest

from adapters.slack.app import build_client
from adapters.slack.platform import SlackPlatform
from bot.config import config_from_dict
from bot.domain import ChannelRef
from bot.errors import ChannelUnavailableError, RateLimitedError, TransientDeliveryError
from paperbot import platforms
from tests.harness.running_slack import CHANNEL, SlackHarness, free_port
from tests.harness.slack_fake import TEAM
from tests.harness.transport_calls import find_tagged, send_digest, send_text
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived", "account_inactive", "missing_scope"])
async def test_permanent_errors_mean_channel_unavailable(http_slack: SlackHarness, error: str) -> None:
    http_slack.fake.failures["chat.postMessage"] = [(200, {}, {"ok": False, "error": error})]
    with pytest.raises(ChannelUnavailableError) as info:
        await send_text(http_slack.runner.platform, CH, "hello")
    assert error in info.value.detail and error not in str(info.value)  # the code for the log, words for people


async def test_rate_limit_after_retries_is_rate_limited_error(http_slack: SlackHarness) -> None:
    http_slack.fake.failures["chat.postMessage"] = [(429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"})] * 5
    with pytest.raises(RateLimitedError) as info:
        await send_text(http_slack.runner.platform, CH, "hello")
    assert info.value.retry_after == 0


async def test_server_errors_and_unreachable_slack_are_transient(http_slack: SlackHarness) -> None:
    http_slack.fake.failures["chat.postMessage"] = [(503, {}, {"ok": False, "error": "service_unavailable"})]
    with pytest.raises(TransientDeliveryError):
        await send_text(http_slack.runner.platform, CH, "hello")
    config = config_from_dict({"slack": {"bot_token": "xoxb-x", "base_url": f"http://127.0.0.1:{free_port()}/api/", "timeout_seconds": 2}}, environ={})
    with pytest.raises(TransientDeliveryError):
        await send_text(SlackPlatform(build_client(config.slack)), CH, "hello")


async def test_send_digest_returns_one_thread_reply_id_per_paper(http_slack: SlackHarness) -> None:
    digest = await http_slack.bot.scheduled_digest(CH, 3)
    ids = await send_digest(http_slack.runner.platform, CH, digest)
    assert len(ids) == 3 and len(set(ids)) == 3


async def test_not_in_channel_tells_the_user_to_invite_the_bot(http_slack: SlackHarness) -> None:
    fake = http_slack.fake
    fake.failures["chat.postMessage"] = [(200, {}, {"ok": False, "error": "not_in_channel"})]
    await http_slack.command("today")
    await fake.wait_for(lambda: fake.responses)
    assert fake.responses[0]["response_type"] == "ephemeral" and "/invite" in fake.responses[0]["text"]


async def test_start_all_starts_slack_from_config(http_slack: SlackHarness) -> None:
    data = {"slack": {"bot_token": "xoxb-x", "signing_secret": "s", "mode": "http", "http_host": "127.0.0.1",
                      "http_port": free_port(), "base_url": http_slack.fake.base_url}}
    config = config_from_dict(data, environ={})
    tasks = platforms.start_all(config, http_slack.bot)
    try:
        assert [t.get_name() for t in tasks] == ["slack"]
        # The scheduler reaches Slack's send path through the same registry.
        assert "slack" in platforms.chat_platforms()

        async def listening() -> bool:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", config.slack.http_port)
            except OSError:
                return False
            writer.close()
            return True

        assert await eventually(listening)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_tagged_send_is_found_again_after_a_restart(http_slack: SlackHarness) -> None:
    platform = http_slack.runner.platform
    digest = await http_slack.bot.scheduled_digest(CH, 3)
    ids = await send_digest(platform, CH, digest, "paperbot-outbox-7")
    await send_text(platform, CH, "something else in between")
    assert await find_tagged(platform, CH, "paperbot-outbox-7") == ids
    assert await find_tagged(platform, CH, "paperbot-outbox-8") is None
    note = await send_text(platform, CH, "no papers today", "paperbot-outbox-9")
    assert await find_tagged(platform, CH, "paperbot-outbox-9") == [note]


async def test_a_digest_cut_short_maps_missing_papers_to_the_digest_message(http_slack: SlackHarness) -> None:
    fake = http_slack.fake
    platform = http_slack.runner.platform
    digest = await http_slack.bot.scheduled_digest(CH, 3)
    ids = await send_digest(platform, CH, digest, "paperbot-outbox-1")
    parent = fake.messages[CHANNEL][0]["ts"]
    fake.messages[CHANNEL] = [m for m in fake.messages[CHANNEL] if m["ts"] != ids[2]]  # the crash lost reply 3
    assert await find_tagged(platform, CH, "paperbot-outbox-1") == [ids[0], ids[1], parent]


async def test_the_runner_shares_one_keep_alive_session_and_closes_it(http_slack: SlackHarness) -> None:
    client = http_slack.runner.slack.client
    session = client.session
    assert session is not None and not session.closed  # slack_sdk would open one per call without it
    await send_text(http_slack.runner.platform, CH, "one")
    await send_text(http_slack.runner.platform, CH, "two")
    assert client.session is session and session.timeout.total == client.timeout
    await http_slack.runner.stop()
    assert session.closed
    await http_slack.runner.start()  # the fixture stops it again
