"""Saved papers on Discord, through discord.py against the fake: 🔖 saves, `/papers saved` and
`/papers export bibtex` are ephemeral followups within 2,000 characters (the public "thinking…"
removed), and the code block holds BibTeX that parses; removing the 🔖 unsaves."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import bibtexparser
import pytest

from bot.domain import ChannelRef
from tests.harness.discord_fake import BOT_ID, CHANNEL_ID, GUILD_ID, OTHER_USER, FakeDiscord, Recorded
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
MAX_CONTENT = 2000


@pytest.fixture
async def hashed(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), dev_guild_id=int(GUILD_ID)) as started:
        yield started


def answers(fake: FakeDiscord, token: str) -> list[Recorded]:
    return [r for r in fake.requests if token in r.path and "/webhooks/" in r.path and r.method in ("PATCH", "POST")]


async def private_answer(fake: FakeDiscord, subcommand: str, options: list[dict] | None = None) -> str:
    it = await fake.slash(subcommand, options)
    await eventually(lambda: answers(fake, it.token))
    [followup] = answers(fake, it.token)
    assert followup.method == "POST" and followup.body["flags"] & 64  # ephemeral
    assert fake.find("DELETE", f"{it.token}/messages/@original")  # the public "thinking…" is removed
    content: str = followup.body["content"]
    assert len(content) <= MAX_CONTENT
    return content


async def _saves(running: Running) -> int:
    return await running.bot.store.count_papers_reacted_by("discord", GUILD_ID, OTHER_USER, "🔖")


async def test_bookmark_saved_and_export_are_ephemeral_and_bounded(hashed: Running) -> None:
    fake, store = hashed.fake, hashed.bot.store
    it = await fake.slash("today", [{"name": "count", "type": 4, "value": 2}])
    await eventually(lambda: len(answers(fake, it.token)) == 2)
    message_id = [m for m in fake.messages if fake.messages[m]["embeds"]][0]
    await eventually(lambda: store.posts_for_message(CHANNEL, message_id))
    await fake.react(message_id, "🔖", author_id=BOT_ID)
    await eventually(lambda: _saves(hashed))

    listing = await private_answer(fake, "saved")
    assert listing.startswith("Your saved papers (1):") and "https://arxiv.org/abs/" in listing

    export = await private_answer(fake, "export", [{"name": "format", "type": 3, "value": "bibtex"}])
    block = export.split("```\n", 1)[1].rsplit("\n```", 1)[0]
    [entry] = bibtexparser.parse_string(block).entries
    assert entry["archivePrefix"] == "arXiv" and f"https://arxiv.org/abs/{entry['eprint']}" in listing
    ris = await private_answer(fake, "export", [{"name": "format", "type": 3, "value": "ris"},
                                                {"name": "page", "type": 4, "value": 1}])
    assert "TY  - GEN" in ris and "ER  - " in ris

    await fake.react(message_id, "🔖", added=False)
    await eventually(lambda: _none(hashed))
    assert "no saved papers yet" in await private_answer(fake, "saved")


async def _none(running: Running) -> bool:
    return await _saves(running) == 0
