"""Saved papers on Slack, through slack-bolt against the fake: :bookmark: saves, `/papers saved`
answers privately (ephemeral) in one message within Slack's limit; `/papers export` uploads the file
to the member's DM with the bot (conversations.open → files.upload v2 into that DM) and the channel
gets only an ephemeral note; when the upload is refused (no files:write, DMs closed) the code block's
BibTeX is shown inline with a one-line reason, copied out as Slack shows it (only &, <, > escaped)."""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy

from adapters.slack.limits import MESSAGE_TEXT
from bot.domain import ChannelRef
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, running_slack, send_event
from tests.harness.running_slack import reaction_event as reaction_body
from tests.harness.slack_fake import TEAM
from tests.harness.slack_workspaces import CHANNEL2, TEAM2, command_in, in_team, install, two_workspace_slack
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)
DM = "D" + MEMBER.lstrip("U")[:10]  # the fake's conversations.open answer for the member


async def _save_first(h: SlackHarness) -> str:
    await h.command("today 2")
    history = await eventually(lambda: h.bot.history(CH))
    first = [p.post.message_id for p in reversed(history)][0]
    assert await send_event(h, reaction_body("EvS1", first, "bookmark")) == 200
    await eventually(lambda: h.bot.store.count_papers_reacted_by("slack", TEAM, MEMBER, "🔖"))
    return first


async def _answer(h: SlackHarness, text: str, key: str) -> dict[str, Any]:
    before = len(h.fake.responses)
    await h.command(text, key=key)
    await h.fake.wait_for(lambda: len(h.fake.responses) > before)
    answer = h.fake.responses[-1]
    assert answer["response_type"] == "ephemeral" and len(answer["text"]) <= MESSAGE_TEXT
    return answer


def _inline_bibtex(text: str) -> str:
    block = html.unescape(text.split("```\n", 1)[1].rsplit("\n```", 1)[0])  # what the client shows
    assert "\u200b" not in block
    return block


async def test_the_export_goes_to_the_members_dm_and_the_channel_gets_only_a_note(tmp_path: Path) -> None:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        first = await _save_first(h)
        saved = await _answer(h, "saved", "r2")
        assert saved["text"].startswith("Your saved papers (1):") and "<https://arxiv.org/abs/" in saved["text"]
        posted_before = len(h.fake.calls_to("chat.postMessage"))

        note = await _answer(h, "export bibtex", "r3")
        [opened] = h.fake.calls_to("conversations.open")
        assert opened.params["users"] == MEMBER
        [shared] = h.fake.shared_files
        assert shared["channel"] == DM and shared["title"].startswith("paperbot-saved-") and shared["title"].endswith(".bib")
        assert note["text"] == f"Sent to your DMs with paperbot: {shared['title']} (1 entry)."
        assert shared["initial_comment"] == "BibTeX export of your 1 saved paper."
        [entry] = bibtexparser.parse_string(shared["data"].decode("utf-8")).entries
        assert entry["archivePrefix"] == "arXiv" and entry["eprint"] in saved["text"]
        assert len(h.fake.calls_to("chat.postMessage")) == posted_before  # nothing in the channel
        assert CHANNEL not in {s["channel"] for s in h.fake.shared_files}

        await _answer(h, "export ris", "r4")
        ris = h.fake.shared_files[-1]
        [record] = rispy.loads(ris["data"].decode("utf-8"))
        assert ris["channel"] == DM and ris["title"].endswith(".ris") and entry["eprint"] in str(record)

        assert await send_event(h, reaction_body("EvS2", first, "bookmark", added=False)) == 200
        await eventually(lambda: _none_saved(h))
        assert "no saved papers yet" in (await _answer(h, "saved", "r5"))["text"]
        assert "no saved papers to export yet" in (await _answer(h, "export bibtex", "r6"))["text"]
        assert len(h.fake.shared_files) == 2  # nothing to export: no empty file


@pytest.mark.parametrize(("method", "error", "reason"), [
    ("files.getUploadURLExternal", "missing_scope", "the Slack app needs the files:write scope"),
    ("conversations.open", "cannot_dm_bot", "I could not send you a direct message"),
])
async def test_a_refused_dm_upload_falls_back_to_the_inline_page_with_the_reason(
        tmp_path: Path, method: str, error: str, reason: str) -> None:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        await _save_first(h)
        h.fake.failures[method] = [(200, {}, {"ok": False, "error": error})]
        answer = await _answer(h, "export bibtex", "r3")
        first_line = answer["text"].split("\n", 1)[0]
        assert reason in first_line and first_line.endswith("so here it is a page at a time instead.")
        assert error not in answer["text"] and "Traceback" not in answer["text"]
        [entry] = bibtexparser.parse_string(_inline_bibtex(answer["text"])).entries
        assert entry["archivePrefix"] == "arXiv"
        assert not h.fake.shared_files


async def test_the_dm_upload_uses_the_members_workspace_token(tmp_path: Path) -> None:
    async with two_workspace_slack(tmp_path) as h:
        fake = h.fake
        token1, token2 = await install(h, TEAM), await install(h, TEAM2)
        assert await command_in(h, "today 2", TEAM2, CHANNEL2, "one") == 200
        second = ChannelRef("slack", TEAM2, CHANNEL2)
        history = await eventually(lambda: h.bot.history(second))
        ts = history[-1].post.message_id
        assert await send_event(h, in_team(reaction_body("EvW1", ts, "bookmark"), TEAM2, CHANNEL2)) == 200
        await eventually(lambda: h.bot.store.count_papers_reacted_by("slack", TEAM2, MEMBER, "🔖"))
        answered = len(fake.responses)
        assert await command_in(h, "export bibtex", TEAM2, CHANNEL2, "two") == 200
        await fake.wait_for(lambda: len(fake.responses) > answered)
        assert fake.responses[-1]["text"].startswith("Sent to your DMs with paperbot: ")
        [shared] = fake.shared_files
        assert shared["channel"] == DM
        for method in ("conversations.open", "files.getUploadURLExternal", "files.completeUploadExternal"):
            assert {c.token for c in fake.calls_to(method)} == {token2}, method
        assert token1 != token2


async def _none_saved(h: SlackHarness) -> bool:
    return await h.bot.store.count_papers_reacted_by("slack", TEAM, MEMBER, "🔖") == 0
