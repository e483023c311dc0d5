"""`/papers ask` and `/papers settings threads:` through ``PaperBot.handle``."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.app import PaperBot
from bot.arxiv_ids import ArxivId
from bot.commands import help_text, parse_command
from bot.commands.discussion import AskCommand
from bot.domain import Requester
from bot.errors import NotFoundError, PermissionDeniedError, UsageError
from storage.store import SqlStore
from tests.harness.answer_engines import RecordingEngine
from tests.harness.sample import CHANNEL as CH
from tests.harness.sample import VIDEO

ADMIN = Requester(CH, "U-admin", can_manage_channel=True)
MEMBER = Requester(CH, "U-member")


def test_ask_parsing() -> None:
    assert parse_command("ask 2511.04570v2 what's the dataset? it's \"big\"") == AskCommand(
        ArxivId("2511.04570", 2), "what's the dataset? it's \"big\"")
    assert parse_command("/papers ask https://arxiv.org/abs/2511.04570 why").paper == ArxivId("2511.04570")
    for bad, says in (("ask", "which paper"), ("ask not-a-paper why?", "'not-a-paper' is not an arXiv id"),
                      ("ask 2511.04570", "ask a question after the paper"), ("ask 2511.04570   ", "ask a question"),
                      ('ask 2611.00005 ""', "question is empty"), ("ask 2611.00005 ' '", "question is empty"),
                      ('ask 2611.00005 " ?  "', "question is empty"), ("ask 2611.00005 “”", "question is empty")):
        with pytest.raises(UsageError, match=says) as info:
            parse_command(bad)
        assert "/papers ask <arXiv id or URL> <question>" in str(info.value)
    assert "/papers ask" in help_text() and "threads:always|first_reply|never" in help_text()


async def test_ask_answers_through_the_engine(bot: PaperBot, engine: RecordingEngine) -> None:
    reply = await bot.handle(MEMBER, f"ask {VIDEO} what's Sora-2 for?")
    assert engine.asked == [(VIDEO, "what's Sora-2 for?")]
    assert reply.text.startswith("About 2511.04570 “Thinking with Video") and "(abstract)" in reply.text
    with pytest.raises(NotFoundError):
        await bot.handle(MEMBER, "ask 2511.99999 anything?")


async def test_ask_says_when_the_version_named_is_not_the_one_stored(bot: PaperBot, store: SqlStore) -> None:
    stored = await store.get_paper(VIDEO)
    assert stored is not None
    await store.upsert_papers([replace(stored, version=2)])
    reply = await bot.handle(MEMBER, f"ask {VIDEO}v99 what's Sora-2 for?")
    assert reply.text.endswith("\n(v99 is not known; answering from v2, the latest stored.)")
    assert "v99" not in (await bot.handle(MEMBER, f"ask {VIDEO}v2 what's Sora-2 for?")).text


async def test_asking_about_a_paper_is_interest_for_the_member_and_the_channel(bot: PaperBot) -> None:
    assert (await bot.taste.member_profile(MEMBER)).empty
    await bot.handle(MEMBER, f"ask {VIDEO} what's Sora-2 for?")
    await bot.handle(MEMBER, f"ask {VIDEO} and how is it scored?")  # two questions: one interest
    [signal] = (await bot.taste.member_profile(MEMBER)).signals
    assert signal.arxiv_id == VIDEO and signal.weight > 0
    assert [s.arxiv_id for s in (await bot.taste.channel_profile(CH)).signals] == [VIDEO]
    [activity, _] = await bot.store.thread_activity_for_channel(CH)
    assert activity.thread_id == "" and activity.kind.value == "question"
    await bot.handle(MEMBER, "forget me confirm")
    assert (await bot.taste.member_profile(MEMBER)).empty


async def test_thread_mode_setting(bot: PaperBot) -> None:
    shown = (await bot.handle(MEMBER, "settings")).text
    assert "trending weight" in shown and "threads: always" in shown
    with pytest.raises(PermissionDeniedError):
        await bot.handle(MEMBER, "settings threads:never")
    with pytest.raises(UsageError, match="threads must be one of always, first_reply, never"):
        await bot.handle(ADMIN, "settings threads:sometimes")
    updated = (await bot.handle(ADMIN, "settings threads:first-reply trending:0.5")).text
    assert "Updated." in updated and "threads: first_reply" in updated and "0.50" in updated
    assert "threads: first_reply" in (await bot.handle(MEMBER, "settings")).text


async def test_thread_mode_without_personalization(store) -> None:
    bot = PaperBot(store, thread_mode="never")
    assert "threads: never" in (await bot.handle(MEMBER, "settings")).text
    assert "threads: always" in (await bot.handle(ADMIN, "settings threads:always")).text
    with pytest.raises(UsageError, match="personalization is off"):
        await bot.handle(ADMIN, "settings trending:0.2")
