"""Saved papers on Discord, through discord.py against the fake: 🔖 saves; `/papers saved` is an
ephemeral followup within 2,000 characters (the public "thinking…" removed); `/papers export` is an
ephemeral attachment (flags 64) that bibtexparser / rispy read back, a later page asked for by number
is shown inline, and an upload Discord refuses (413 / 40005) falls back to the inline page with the
reason; removing the 🔖 unsaves."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import bibtexparser
import pytest
import rispy

from adapters.discord.saved import size_words
from bot.domain import ChannelRef
from tests.harness.discord_fake import BOT_ID, CHANNEL_ID, GUILD_ID, OTHER_USER, FakeDiscord, Recorded
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
MAX_CONTENT = 2000
BIBTEX = [{"name": "format", "type": 3, "value": "bibtex"}]
RIS = [{"name": "format", "type": 3, "value": "ris"}]


@pytest.fixture
async def hashed(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), dev_guild_id=int(GUILD_ID)) as started:
        yield started


async def private_followup(fake: FakeDiscord, subcommand: str, options: list[dict] | None = None) -> Recorded:
    """The one ephemeral followup answering ``subcommand``, after the public "thinking…" was removed."""
    it = await fake.slash(subcommand, options)
    await eventually(lambda: fake.webhook_calls(it.token))
    [followup] = fake.webhook_calls(it.token)
    assert followup.method == "POST" and followup.body["flags"] & 64  # ephemeral
    assert fake.find("DELETE", f"{it.token}/messages/@original")  # the public "thinking…" is removed
    assert len(followup.body.get("content") or "") <= MAX_CONTENT
    return followup


async def private_answer(fake: FakeDiscord, subcommand: str, options: list[dict] | None = None) -> str:
    followup = await private_followup(fake, subcommand, options)
    assert "files" not in followup.body
    content: str = followup.body["content"]
    return content


async def _saves(running: Running) -> int:
    return await running.bot.store.count_papers_reacted_by("discord", GUILD_ID, OTHER_USER, "🔖")


async def _save_one(running: Running) -> str:
    fake, store = running.fake, running.bot.store
    it = await fake.slash("today", [{"name": "count", "type": 4, "value": 2}])
    await eventually(lambda: len(fake.webhook_calls(it.token)) == 2)
    message_id = [m for m in fake.messages if fake.messages[m]["embeds"]][0]
    await eventually(lambda: store.posts_for_message(CHANNEL, message_id))
    await fake.react(message_id, "🔖", author_id=BOT_ID)
    await eventually(lambda: _saves(running))
    return message_id


async def test_saved_is_ephemeral_and_the_export_is_an_ephemeral_file_that_parses(hashed: Running) -> None:
    fake = hashed.fake
    message_id = await _save_one(hashed)

    listing = await private_answer(fake, "saved")
    assert listing.startswith("Your saved papers (1):") and "https://arxiv.org/abs/" in listing

    export = await private_followup(fake, "export", BIBTEX)
    [(name, data)] = export.body["files"].items()
    assert name.startswith("paperbot-saved-") and name.endswith(".bib")
    assert export.body["attachments"][0]["filename"] == name
    assert export.body["content"] == "BibTeX export of your 1 saved paper."
    [entry] = bibtexparser.parse_string(data.decode("utf-8")).entries
    assert entry["archivePrefix"] == "arXiv" and f"https://arxiv.org/abs/{entry['eprint']}" in listing

    ris = await private_followup(fake, "export", [*RIS, {"name": "page", "type": 4, "value": 1}])
    [(name, data)] = ris.body["files"].items()
    [record] = rispy.loads(data.decode("utf-8"))
    assert name.endswith(".ris") and record["type_of_reference"] == "GEN"
    assert entry["eprint"] in str(record)

    page_two = await private_answer(fake, "export", [*BIBTEX, {"name": "page", "type": 4, "value": 2}])
    assert page_two.startswith("There is only 1 page here")  # a page by number: inline, no file

    await fake.react(message_id, "🔖", added=False)
    await eventually(lambda: _none(hashed))
    assert "no saved papers yet" in await private_answer(fake, "saved")
    assert "no saved papers to export yet" in await private_answer(fake, "export", BIBTEX)  # no empty file


async def test_an_attachment_discord_refuses_as_too_large_falls_back_to_the_inline_page(hashed: Running) -> None:
    fake = hashed.fake
    await _save_one(hashed)
    fake.fail_next("POST", r"/webhooks/\d+/token-\d+", 413,
                   body={"message": "Request entity too large", "code": 40005})
    it = await fake.slash("export", BIBTEX)
    await eventually(lambda: len(fake.webhook_calls(it.token)) == 2)
    refused, inline = fake.webhook_calls(it.token)
    assert "files" in refused.body and "files" not in inline.body  # the upload was tried, then the pages
    assert inline.body["flags"] & 64 and len(inline.body["content"]) <= MAX_CONTENT
    content: str = inline.body["content"]
    first_line = content.split("\n", 1)[0]
    assert first_line == "Discord would not take a file this large, so here it is a page at a time instead."
    assert "40005" not in content and "413" not in content
    block = content.split("```\n", 1)[1].rsplit("\n```", 1)[0]
    [entry] = bibtexparser.parse_string(block).entries
    assert entry["archivePrefix"] == "arXiv"


async def _none(running: Running) -> bool:
    return await _saves(running) == 0


async def test_a_file_over_the_interactions_attachment_limit_is_not_sent_but_shown_inline(hashed: Running) -> None:
    fake = hashed.fake
    await _save_one(hashed)
    fake.attachment_size_limit = 100  # bytes: far less than one BibTeX entry
    it = await fake.slash("export", BIBTEX)
    await eventually(lambda: fake.webhook_calls(it.token))
    [inline] = fake.webhook_calls(it.token)
    assert "files" not in inline.body and inline.body["flags"] & 64
    first_line = inline.body["content"].split("\n", 1)[0]
    assert first_line == "The file is larger than the 100 bytes Discord lets me attach here, so here it is a page at a time instead."
    assert not [r for r in fake.requests if r.body and "files" in r.body]  # no upload was tried


def test_sizes_are_worded_as_people_read_them() -> None:
    assert [size_words(n) for n in (10 * 1024 * 1024, 25 * 1024 * 1024, 512 * 1024, 100)] == [
        "10 MB", "25 MB", "512 KB", "100 bytes"]


async def test_an_upload_discord_fails_once_is_sent_again_whole(hashed: Running) -> None:
    fake = hashed.fake
    await _save_one(hashed)
    fake.fail_next("POST", r"/webhooks/\d+/token-\d+", 503)
    it = await fake.slash("export", BIBTEX)
    await eventually(lambda: len(fake.webhook_calls(it.token)) == 2)
    failed, sent = fake.webhook_calls(it.token)
    assert failed.body["files"] and sent.body["flags"] & 64
    assert sent.body["files"] == failed.body["files"]  # the whole file again, not an empty one
    [(_, data)] = sent.body["files"].items()
    [entry] = bibtexparser.parse_string(data.decode("utf-8")).entries
    assert entry["archivePrefix"] == "arXiv"
