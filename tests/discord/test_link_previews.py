"""No message the bot sends unfurls a link taken from a paper or a person (an invite in an abstract
would show as an invite card, a project page as the attacker's rich preview).

Messages without the bot's embeds carry the SUPPRESS_EMBEDS flag; content sent with the bot's embeds,
and every edit, writes its URLs ``<url>``. The fake's ``unfurled`` says what Discord would preview; every
Discord test also fails on any preview when its fake closes (``tests.harness.running_discord``).
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from adapters.discord.previews import fitted, unfurl_free
from adapters.discord.text import fit_lines
from bot.domain import ChannelRef, Paper
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, SUPPRESS_EMBEDS, FakeDiscord, live_markup, unfurled
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, post_paper, start_running
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
INVITE = "https://discord.gg/freenitro"
PAPER = Paper(
    arxiv_id="2511.99002", title=f"Routing for retrieval {INVITE}",
    abstract="We route tokens. Our method is faster than dense attention.",
    authors=("Ada Lovelace",), announced_on=date(2025, 11, 8), upvotes=3,
    github_repo="https://github.com/attacker/repo", project_page="https://attacker.example/page",
    sources=frozenset({"sample"}),
)


def test_what_discord_would_unfurl() -> None:
    assert unfurled({"content": f"see {INVITE}."}) == [INVITE]
    assert unfurled({"content": f"see {INVITE}.", "flags": SUPPRESS_EMBEDS}) == []
    assert unfurled({"content": f"see <{INVITE}>."}) == []


def test_urls_are_written_as_links_that_do_not_unfurl() -> None:
    out = unfurl_free(f"see {INVITE}, and <https://kept.example> and https://x.example/a).")
    assert out == f"see <{INVITE}>, and <https://kept.example> and <https://x.example/a>)."
    assert unfurled({"content": out}) == [] and live_markup(out) == []
    assert unfurl_free(out) == out  # written once, however often it passes


def test_written_urls_still_fit_the_message() -> None:
    text = " ".join(f"https://e.example/{n}" for n in range(200))
    out = fitted(lambda room: fit_lines(text, room), 2000)
    assert len(out) <= 2000 and unfurled({"content": out}) == []


@pytest.fixture
async def threads_always(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as started:
        yield started


async def test_a_papers_opening_previews_none_of_its_links(threads_always: Running) -> None:
    fake = threads_always.fake
    message_id = await post_paper(threads_always, PAPER)
    await eventually(lambda: fake.in_channel(message_id))
    [opening] = fake.in_channel(message_id)  # the thread's id is the message's id
    assert INVITE in opening["content"] and "attacker.example/page" in opening["content"]
    assert opening["flags"] & SUPPRESS_EMBEDS
    assert fake.link_previews() == []


async def test_a_digest_headline_links_without_a_preview(threads_always: Running) -> None:
    fake = threads_always.fake
    await threads_always.bot.store.upsert_papers([PAPER])
    it = await fake.slash("search", [{"name": "query", "type": 3, "value": f"routing {INVITE}"}])
    await eventually(lambda: fake.find("PATCH", it.token))
    edit = fake.find("PATCH", it.token)[0]  # the headline (with the first paper's embed): an edit takes no flag
    assert f"<{INVITE}>" in edit.body["content"]
    assert unfurled(edit.body) == [] and fake.link_previews() == []
