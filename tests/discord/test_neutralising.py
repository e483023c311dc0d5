"""Untrusted text cannot forge a link, ping, or format anything on any Discord surface.

``discord.utils.escape_markdown`` escapes only the first ``[label](url)`` of a string (its pattern is
greedy), so the adapter's neutraliser does its own escaping: every ``[`` (no masked link can start),
``<`` (no mention, channel, command, emoji or timestamp markup), the backslash and every markdown
special; ``@everyone``/``@here`` and ``<@…>`` forms are broken with a zero-width space. The checks
below (``live_markup``, ``live_mentions`` in the fake) are what the hostile suite applies to every
rendered string.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from adapters.discord.embeds import paper_embed
from adapters.discord.text import fit, fit_plain, neutralise, plain
from bot.discussion.openings import thread_name
from bot.domain import ChannelRef, Paper
from bot.sources.huggingface import parse_daily_papers
from tests.harness.discord_fake import CHANNEL_ID, GUILD_ID, FakeDiscord, live_markup, live_mentions
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.waiting import eventually

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
FORGED = "[a](x) [Free Nitro](https://evil.example)"


@pytest.fixture
async def searching(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), sync_commands=False) as started:
        yield started


def test_every_masked_link_in_a_string_is_escaped_not_only_the_first() -> None:
    out = neutralise(FORGED + " and [third](https://evil.example/3)")
    assert out.count("\\[") == 3 and live_markup(out) == []
    assert "https://evil.example" in out  # shown as what it is: a plain address, not a label


@pytest.mark.parametrize("text", [
    "[a](x) [b](https://evil.example)", "![img](https://evil.example/i.png)", "[x](<https://evil.example>)",
    "<https://evil.example>", "<@123> <@!4> <@&5> <#6> </papers today:7> <:e:8> <a:e:9> <t:1700000000:R>",
    "@everyone @here", "**b** __u__ *i* _i_ ~~s~~ ||x|| `c` ```block```", "> quote", ">>> quote", "# h1",
    "### h3", "-# subtext", "- item", "* item", "1. item", "\\[escaped?](https://evil.example)",
    "\\\\[double](https://evil.example)", "a\u200b@everyone", "@\u200beveryone", "[[nested](x)](y)",
])
def test_no_markup_or_mention_survives_in_markdown_surfaces(text: str) -> None:
    for rendered in (neutralise(text), fit(text, 60), neutralise(f"prefix {text} suffix")):
        assert live_markup(rendered) == [], rendered
        assert live_mentions(rendered) == [], rendered


def test_plain_surfaces_break_mentions_without_visible_backslashes() -> None:
    out = plain("@everyone [Free Nitro](https://evil.example) <@123> **bold**")
    assert live_mentions(out) == [] and "\\" not in out and "**bold**" in out
    assert "](" not in out  # not a link even where markdown would be rendered
    assert len(fit_plain("x" * 500, 100)) <= 100


def test_urls_stay_clickable_and_are_never_escaped() -> None:
    out = neutralise("code https://github.com/some_org/my_repo_name and https://x.example/a*b")
    assert "https://github.com/some_org/my_repo_name" in out
    assert live_markup(out) == []


async def test_a_search_for_forged_links_shows_them_as_text_in_the_public_digest(searching: Running) -> None:
    fake, store = searching.fake, searching.bot.store
    await store.upsert_papers([Paper(arxiv_id="2511.99998", title="Nitro for researchers", abstract="free nitro",
                                     authors=("A",), announced_on=date(2025, 11, 8), sources=frozenset({"sample"}))])
    it = await fake.slash("search", [{"name": "query", "type": 3, "value": FORGED}])
    await eventually(lambda: fake.find("PATCH", it.token))
    [edit] = fake.find("PATCH", it.token)
    header = edit.body["content"]
    assert "\\[Free Nitro](<https://evil.example>)" in header and live_markup(header) == [], header


THREAD_TITLE = "Contact x@y.org: @everyone @here <@123> a@\u2060b"
THREAD_NAME = "Contact x@\u2060y.org: @\u2060everyone @\u2060here ‹@\u2060123› a@\u2060b"


def test_a_thread_name_keeps_its_at_signs_readable_and_never_pings() -> None:
    # the core's word joiner after "@" used to become a space when the adapter cleaned the name again
    name = fit_plain(thread_name([Paper("2511.00001", THREAD_TITLE)]), 100)
    assert name == THREAD_NAME and live_mentions(name) == [] and live_mentions(plain(name)) == []


async def test_a_thread_opened_on_discord_is_named_as_written_with_no_live_mention(searching: Running) -> None:
    message = await searching.fake.say(CHANNEL_ID, "a member's message")
    await searching.runner.platform.open_thread(CHANNEL, message["id"], thread_name([Paper("2511.00001", THREAD_TITLE)]))
    [started] = searching.fake.find("POST", f"/channels/{CHANNEL_ID}/messages/{message['id']}/threads")
    assert started.body["name"] == THREAD_NAME and live_mentions(started.body["name"]) == []


# a source's title or author hiding "@everyone" behind an invisible character: stored, the character
# becomes a space (or stays a word joiner after "@"), so no rendering revives the mention
FETCHED_PINGS = ["@ev\u200beryone read this", "@\u200deveryone", "@\u200ceveryone", "@\u2060everyone", "a@\u200bhere"]


@pytest.mark.parametrize("text", FETCHED_PINGS)
def test_a_fetched_title_hiding_a_mention_cannot_ping_once_rendered(text: str) -> None:
    (paper,) = parse_daily_papers([{"paper": {"id": "2511.00001", "title": text, "summary": text,
                                              "authors": [{"name": text}]}}], origin="test")
    embed = paper_embed(paper)
    shown = [embed.title or "", embed.description or "", *(field.value or "" for field in embed.fields)]
    shown += [fit_plain(thread_name([paper]), 100), plain(paper.title), neutralise(paper.title)]
    assert all(live_mentions(s) == [] for s in shown), shown
    assert "@" in (embed.title or "")  # the title shown, not dropped
