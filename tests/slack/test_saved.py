"""Saved papers on Slack, through slack-bolt against the fake: :bookmark: saves, `/papers saved` and
`/papers export bibtex` answer privately (ephemeral) in one message within Slack's limit, and the
code block's BibTeX is the file's, copied out as Slack shows it (only &, <, > escaped)."""
from __future__ import annotations

import html
from pathlib import Path

import bibtexparser

from adapters.slack.limits import MESSAGE_TEXT
from bot.domain import ChannelRef
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, MEMBER, SlackHarness, running_slack, send_event
from tests.harness.running_slack import reaction_event as reaction_body
from tests.harness.slack_fake import TEAM
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)


async def test_bookmark_then_saved_and_export_are_private_and_bounded(tmp_path: Path) -> None:
    async with running_slack(tmp_path, "http", embedder=HashEmbedder()) as h:
        await h.command("today 2")
        history = await eventually(lambda: h.bot.history(CH))
        first = [p.post.message_id for p in reversed(history)][0]
        assert await send_event(h, reaction_body("EvS1", first, "bookmark")) == 200
        await eventually(lambda: h.bot.store.count_papers_reacted_by("slack", TEAM, MEMBER, "🔖"))

        before = len(h.fake.responses)
        await h.command("saved", key="r2")
        await h.fake.wait_for(lambda: len(h.fake.responses) > before)
        saved = h.fake.responses[-1]
        assert saved["response_type"] == "ephemeral" and len(saved["text"]) <= MESSAGE_TEXT
        assert saved["text"].startswith("Your saved papers (1):") and "<https://arxiv.org/abs/" in saved["text"]

        before = len(h.fake.responses)
        await h.command("export bibtex", key="r3")
        await h.fake.wait_for(lambda: len(h.fake.responses) > before)
        export = h.fake.responses[-1]
        assert export["response_type"] == "ephemeral" and len(export["text"]) <= MESSAGE_TEXT
        block = html.unescape(export["text"].split("```\n", 1)[1].rsplit("\n```", 1)[0])  # what the client shows
        assert "\u200b" not in block
        [entry] = bibtexparser.parse_string(block).entries
        assert entry["archivePrefix"] == "arXiv" and entry["eprint"] in saved["text"]

        assert await send_event(h, reaction_body("EvS2", first, "bookmark", added=False)) == 200
        await eventually(lambda: _none_saved(h))
        before = len(h.fake.responses)
        await h.command("saved", key="r4")
        await h.fake.wait_for(lambda: len(h.fake.responses) > before)
        assert "no saved papers yet" in h.fake.responses[-1]["text"]


async def _none_saved(h: SlackHarness) -> bool:
    return await h.bot.store.count_papers_reacted_by("slack", TEAM, MEMBER, "🔖") == 0
