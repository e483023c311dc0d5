"""A paused subscription says why in people's words, for every way a platform refuses, on both platforms.

Every Slack code that pauses (adapters/slack/errors.py ``UNAVAILABLE``) and every Discord refusal
(adapters/discord/platform.py ``KINDS``, plus an unlisted 403/404 and a 401) becomes a sentence that
names no code, has no zero-width space, ends in one full stop — and reads the same way once shown by
``/papers schedule``, ``dm`` and ``recap`` (a reason that ends with a period gets no second one).
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from types import SimpleNamespace

import discord
import pytest
from slack_sdk.errors import SlackApiError

from adapters.discord.platform import KINDS as DISCORD_KINDS
from adapters.discord.platform import delivery_error as discord_error
from adapters.slack.commands import bounded
from adapters.slack.errors import KINDS as SLACK_KINDS
from adapters.slack.errors import UNAVAILABLE
from adapters.slack.errors import delivery_error as slack_error
from bot.domain import ChannelRef
from bot.errors import ChannelUnavailableError
from bot.scheduling.personal_ports import DmSubscription, Member, RecapSubscription
from bot.scheduling.schedule import ScheduleOptions
from bot.scheduling.unreachable import WORDS, Unreachable
from bot.scheduling.usecases import describe
from bot.usecases.personal_digests import describe_dm, describe_recap

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def slack_refusal(code: str) -> ChannelUnavailableError:
    response = SimpleNamespace(data={"ok": False, "error": code}, status_code=200, headers={})
    error = slack_error(SlackApiError(f"The request to the Slack API failed: {code}", response), "posting to C1")
    assert isinstance(error, ChannelUnavailableError), code
    return error


def discord_refusal(status: int, code: int) -> ChannelUnavailableError:
    response = SimpleNamespace(status=status, reason="refused")
    kind = {400: discord.HTTPException, 401: discord.HTTPException, 403: discord.Forbidden, 404: discord.NotFound}[status]
    error = discord_error(kind(response, {"code": code, "message": f"Discord says {code}"}), "posting to 123")  # type: ignore[arg-type]
    assert isinstance(error, ChannelUnavailableError), (status, code)
    return error


DISCORD_STATUS = {50001: 403, 50013: 403, 50007: 403, 40066: 400, 40067: 400}  # the rest come with 404
REFUSALS: list[tuple[str, ChannelUnavailableError, str]] = [
    *((f"slack {code}", slack_refusal(code), code) for code in sorted(UNAVAILABLE)),
    *((f"discord {code}", discord_refusal(DISCORD_STATUS.get(code, 404), code), str(code)) for code in sorted(DISCORD_KINDS)),
    ("discord 403 unlisted", discord_refusal(403, 40001), "40001"),
    ("discord 404 unlisted", discord_refusal(404, 10008), "10008"),
    ("discord 401", discord_refusal(401, 0), "401"),
]


def people_problems(text: str, code: str) -> list[str]:
    problems = []
    if code in text:
        problems.append(f"shows the platform's code {code!r}")
    if any(z in text for z in ZERO_WIDTH):
        problems.append("has a zero-width character")
    if ".." in text.replace("…", ""):
        problems.append("has a doubled period")
    if "_" in text:
        problems.append("has an engineer's identifier")
    return problems


@pytest.mark.parametrize(("name", "error", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_every_refusal_is_a_sentence_for_people_with_its_code_in_the_detail(
        name: str, error: ChannelUnavailableError, code: str) -> None:
    words = str(error)
    assert words in WORDS.values(), name
    assert people_problems(words, code) == []
    assert code in error.detail  # for the log


def test_the_codes_people_hit_most_are_told_what_happened() -> None:
    assert str(slack_refusal("not_in_channel")) == WORDS[Unreachable.NOT_IN_CHANNEL]
    assert str(slack_refusal("channel_not_found")) == WORDS[Unreachable.CHANNEL_GONE]
    assert str(slack_refusal("is_archived")) == WORDS[Unreachable.CHANNEL_GONE]
    assert str(slack_refusal("missing_scope")) == WORDS[Unreachable.NO_PERMISSION]
    assert str(slack_refusal("restricted_action")) == WORDS[Unreachable.NO_PERMISSION]
    assert str(discord_refusal(403, 50001)) == str(discord_refusal(403, 50013)) == WORDS[Unreachable.NO_PERMISSION]
    assert str(discord_refusal(404, 10003)) == WORDS[Unreachable.CHANNEL_GONE]
    assert str(discord_refusal(403, 40001)) == WORDS[Unreachable.OTHER]
    assert str(discord_refusal(400, 40067)) == WORDS[Unreachable.TAG_REQUIRED]  # a forum requiring a tag
    assert set(SLACK_KINDS) <= UNAVAILABLE  # a kind for a code that never pauses would be dead


@pytest.mark.parametrize("kind", list(Unreachable))
def test_every_kind_reads_well_where_it_is_shown_on_both_platforms(kind: Unreachable) -> None:
    reason = WORDS[kind]
    assert reason.endswith(".") and not reason.endswith("..")
    channel = ChannelRef("slack", "T1", "C1")
    shown = [
        describe(ScheduleOptions(paused_reason=reason, paused_at=AT)),
        describe_dm(DmSubscription(Member("slack", "T1", "U1"), time(8), "UTC", paused_reason=reason, paused_at=AT)),
        describe_recap(RecapSubscription(channel, 5, time(16), "UTC", paused_reason=reason, paused_at=AT)),
    ]
    for text in shown:
        assert reason in text and "Paused since 2026-12-01 09:00 UTC: " in text and "resume" in text
        assert people_problems(text, "\x00") == [], text
        assert people_problems(bounded(text), "\x00") == [], "as Slack shows it"


def test_a_reason_stored_before_with_a_period_of_its_own_gets_no_second_one() -> None:
    text = describe(ScheduleOptions(paused_reason="the bot was removed from #papers.", paused_at=AT))
    assert "removed from #papers. Run /papers subscribe again to resume." in text and ".." not in text
