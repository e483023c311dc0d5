"""What Slack's refusals mean (issue 1b) and a permission lookup that never grants on a broken answer (issue 8).

A message Slack refuses as rendered (``invalid_blocks``, ``msg_too_long``…) is RejectedMessageError:
the scheduled delivery fails without pausing the channel, and `/papers` says so honestly instead of
"invite me". Only the real channel codes mean unavailable; an unknown code is transient. The
permission lookup denies, in one log line, when Slack's answer is not the Web API's JSON.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from adapters.slack.commands import NOT_IN_CHANNEL, REJECTED, SLACK_DOWN
from bot.clock import ManualClock as Clock
from bot.domain import ChannelRef, Subscription
from bot.errors import ChannelUnavailableError, RejectedMessageError, TransientDeliveryError
from paperbot.scheduling import build_scheduler
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import ADMIN, CHANNEL, MEMBER, SlackHarness, running_slack
from tests.harness.slack_fake import TEAM
from tests.harness.transport_calls import send_text

CH = ChannelRef("slack", TEAM, CHANNEL)
DUE = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
REFUSED_AS_RENDERED = ["invalid_blocks", "msg_too_long", "msg_blocks_too_long", "invalid_arguments",
                       "too_many_attachments", "no_text", "invalid_metadata_format"]


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as harness:
        yield harness


def refuse(h: SlackHarness, code: str, times: int = 1) -> None:
    h.fake.failures["chat.postMessage"] = [(200, {}, {"ok": False, "error": code})] * times


@pytest.mark.parametrize("code", REFUSED_AS_RENDERED)
async def test_a_message_refused_as_rendered_is_rejected_not_a_lost_channel(slack: SlackHarness, code: str) -> None:
    refuse(slack, code)
    with pytest.raises(RejectedMessageError, match=code):
        await send_text(slack.runner.platform, CH, "hello")


@pytest.mark.parametrize("code", ["something_slack_adds_next_year", "internal_error", "fatal_error"])
async def test_an_unknown_or_server_code_is_transient(slack: SlackHarness, code: str) -> None:
    refuse(slack, code)
    with pytest.raises(TransientDeliveryError):
        await send_text(slack.runner.platform, CH, "hello")


@pytest.mark.parametrize(("status", "body"), [(502, "<html>Bad gateway</html>"), (200, "not json at all")])
async def test_an_answer_that_is_not_the_web_apis_json_is_transient(slack: SlackHarness, status: int, body: str) -> None:
    slack.fake.failures["chat.postMessage"] = [(status, {}, body)]
    with pytest.raises(TransientDeliveryError):
        await send_text(slack.runner.platform, CH, "hello")
    slack.fake.failures["chat.postMessage"] = [(502, {"Content-Type": "application/json"}, "{broken")]
    with pytest.raises(TransientDeliveryError):
        await send_text(slack.runner.platform, CH, "hello")


@pytest.mark.parametrize("code", ["channel_not_found", "not_in_channel", "is_archived", "channel_is_archived",
                                  "restricted_action"])
async def test_only_channel_codes_mean_unavailable(slack: SlackHarness, code: str) -> None:
    refuse(slack, code)
    with pytest.raises(ChannelUnavailableError):
        await send_text(slack.runner.platform, CH, "hello")


async def test_on_demand_a_refused_digest_is_said_honestly_not_invite_me(slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    refuse(slack, "invalid_blocks")
    with caplog.at_level(logging.ERROR, logger="adapters.slack.commands"):
        assert (await slack.command("today 2"))[0] == 200
        await slack.fake.wait_for(lambda: slack.fake.responses)
    [answer] = slack.fake.responses
    assert answer == {"text": REJECTED, "response_type": "ephemeral"} and "/invite" not in answer["text"]
    assert "invalid_blocks" not in answer["text"]  # no internals for people; the log has them
    assert any("invalid_blocks" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


@pytest.mark.parametrize(("code", "said"), [("not_in_channel", NOT_IN_CHANNEL), ("internal_error", SLACK_DOWN)])
async def test_on_demand_other_failures_are_worded_for_people(slack: SlackHarness, code: str, said: str) -> None:
    refuse(slack, code)
    await slack.command("today 1")
    await slack.fake.wait_for(lambda: slack.fake.responses)
    assert slack.fake.responses[0]["text"] == said


async def test_a_scheduled_digest_refused_as_rendered_fails_without_pausing_the_channel(slack: SlackHarness) -> None:
    store = slack.bot.store
    await store.save_subscription(Subscription(CH, time(9), "UTC", count=2, created_at=DUE - timedelta(days=1)))
    scheduler = build_scheduler(slack.config, store, {"slack": slack.runner.platform}, clock=Clock(DUE),  # type: ignore[arg-type]
                                taste=slack.bot.taste, publisher=slack.bot.publisher)
    assert (await scheduler.planner.plan_due()).planned == 1
    refuse(slack, "invalid_blocks")
    report = await scheduler.tick()
    assert report.delivery.failed == 1 and report.delivery.paused == 0
    schedule = await store.get_schedule(CH)
    assert schedule is not None and schedule.paused_at is None and schedule.paused_reason is None


# ---- issue 8: the permission lookup ---------------------------------------------------------------------

Answer = tuple[int, dict[str, str], dict[str, object] | str]
BROKEN_ANSWERS: list[Answer] = [
    (405, {}, "<html><body>405 Method Not Allowed</body></html>"),  # a proxy's page, text/plain
    (502, {"Content-Type": "application/json"}, "<html>502 Bad Gateway"),  # claims JSON, is not
    (502, {"Content-Type": "text/html"}, "<html>502 Bad Gateway</html>"),
    (200, {}, {"ok": True, "user": "not an object"}),
]


@pytest.mark.parametrize("answer", BROKEN_ANSWERS)
@pytest.mark.parametrize("user", [MEMBER, ADMIN])
async def test_a_broken_permission_answer_denies_in_one_log_line(slack: SlackHarness, caplog: pytest.LogCaptureFixture,
                                                                 answer: Answer, user: str) -> None:
    slack.fake.failures["users.info"] = [answer]
    slack.fake.failures["conversations.info"] = [answer]
    with caplog.at_level(logging.INFO):
        await slack.command("subscribe 08:30 Europe/Paris", user=user)
        await slack.fake.wait_for(lambda: slack.fake.responses)
    assert "Only people who manage this channel" in slack.fake.responses[0]["text"]  # denied, never granted
    assert await slack.bot.store.get_subscription(CH) is None
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    lookups = [r for r in caplog.records if r.name == "adapters.slack.permissions"]
    assert len(lookups) <= 1 and all("\n" not in r.getMessage() and len(r.getMessage()) < 200 for r in lookups)
