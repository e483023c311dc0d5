"""Every message the bot sends on Discord stays within Discord's documented limits, however hostile
the paper: content ≤ 2,000; ≤ 10 embeds and 6,000 characters across them; title 256, description
4,096, field name 256 and value 1,024, footer 2,048, author name 256; thread names ≤ 100. A paper's
thread opening is at most 2 messages and an answer at most 4, never cut inside a URL (one over 512
characters is dropped, not cut).

The real discord.py against the fake Discord, which refuses an over-limit body as Discord does
(400 50035) and lists what the bot rendered that Discord would refuse or render live
(``FakeDiscord.rendering_problems``): digests, `/papers paper`, openings, answers, recaps
(``DiscordPlatform.post`` to a channel) and ephemeral errors all go through it.
"""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.domain import ChannelRef, Digest, Paper, RankedPaper
from bot.replies import TextReply
from bot.scheduling.ports import OutboxItem
from bot.scheduling.recap import render_recap
from tests.harness.discord_fake import BOT_ID, CHANNEL_ID, GUILD_ID, FakeDiscord, Recorded
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.tally import HOSTILE
from tests.harness.transport_calls import send_digest
from tests.harness.waiting import eventually

pytestmark = pytest.mark.hostile

CHANNEL = ChannelRef("discord", GUILD_ID, CHANNEL_ID)
TODAY = date(2025, 11, 8)  # after the sample's last day: the hostile papers are today's
EVIL = "@everyone <@123> <@&4> <#5> </papers today:6> [Free Nitro](https://evil.example) **b** `c` ||s|| "
LONG_REPO = "https://github.com/" + "r" * 100_000
URL_RE = re.compile(r"https?://[^\s<>()\[\]`\"'\\|*~{}]+")


def hostile_paper(n: int) -> Paper:
    """100 kB fields, 3 kB URLs, thousands of authors, every mention and markdown form."""
    return Paper(
        arxiv_id=f"2511.{99100 + n}", title=(EVIL + "title ") * 1500, abstract=(EVIL + "An abstract sentence. ") * 1200,
        ai_summary=(EVIL + "summary ") * 1500, authors=tuple(f"{EVIL}Author {i}" for i in range(3000)),
        github_repo="https://github.com/" + "g" * 3000, project_page="https://example.org/" + "p" * 3000,
        thumbnail_url="https://example.org/" + "t" * 3000, upvotes=2**62, github_stars=2**62, num_comments=2**62,
        categories=(EVIL * 50,), announced_on=TODAY, sources=frozenset({"sample", "huggingface"}),
    )


def long_url_paper() -> Paper:
    return Paper(arxiv_id="2511.99001", title="Sparse routing", abstract="We route sparsely. It is fast.",
                 authors=("Ada Lovelace",), github_repo=LONG_REPO, github_stars=3, announced_on=TODAY,
                 sources=frozenset({"sample"}))


@pytest.fixture
async def threads_always(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, threads="always", embedder=HashEmbedder(), sync_commands=False) as started:
        yield started


def counted(problems: list[str], what: str) -> list[str]:
    """Count one hostile input as clean, or as failed with what went wrong."""
    if problems:
        HOSTILE.failed(f"{what}: {problems[0]}")
    else:
        HOSTILE.tried()
    return problems


def urls(text: str) -> set[str]:
    return {u.rstrip(".,:;") for u in URL_RE.findall(text)}


async def post_today(running: Running, papers: list[Paper], count: int) -> list[str]:
    """`/papers today` with ``papers`` as today's; the ids of the messages carrying them, in order."""
    await running.bot.store.upsert_papers(papers)
    before = set(running.fake.messages)
    it = await running.fake.slash("today", [{"name": "count", "type": 4, "value": count}])
    await eventually(lambda: len([r for r in running.fake.requests if it.token in r.path and r.method in ("PATCH", "POST")
                                  and "/webhooks/" in r.path]) >= count)
    ids = [m for m, body in running.fake.messages.items() if body["embeds"] and m not in before]
    await eventually(lambda: running.bot.store.posts_for_message(CHANNEL, ids[-1]))
    return ids


def thread_posts(fake: FakeDiscord, thread_id: str) -> list[Recorded]:
    return [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{thread_id}/messages"]


async def test_an_opening_with_a_100_kb_repo_url_is_at_most_two_messages_and_no_url_is_cut(
        threads_always: Running) -> None:
    fake = threads_always.fake
    [message_id] = await post_today(threads_always, [long_url_paper()], 1)
    await eventually(lambda: fake.in_channel(message_id))
    await eventually(lambda: threads_always.bot.store.threads_for(CHANNEL, message_id))
    opening = [m["content"] for m in fake.in_channel(message_id)]
    assert 1 <= len(opening) <= 2 and all(len(c) <= 2000 for c in opening)
    assert "github.com/r" not in "".join(opening)  # the 100 kB URL is left out, not cut into pieces
    assert all(u in {"https://arxiv.org/abs/2511.99001", "https://arxiv.org/pdf/2511.99001"} for c in opening
               for u in urls(c)), opening
    assert counted(fake.rendering_problems(), "opening with a 100 kB URL") == []


async def test_an_opening_and_an_answer_for_a_hostile_paper_are_bounded(threads_always: Running) -> None:
    fake, platform = threads_always.fake, threads_always.runner.platform
    [message_id] = await post_today(threads_always, [hostile_paper(0)], 1)
    await eventually(lambda: threads_always.bot.store.threads_for(CHANNEL, message_id))
    await eventually(lambda: fake.in_channel(message_id))
    opening = len(thread_posts(fake, message_id))
    assert 1 <= opening <= 2

    question = await fake.say(message_id, f"<@{BOT_ID}> what does it say about " + EVIL * 20, mentions=(BOT_ID,))
    await eventually(lambda: [r for r in thread_posts(fake, message_id) if r.body.get("message_reference")])
    answer = thread_posts(fake, message_id)[opening:]
    assert 1 <= len(answer) <= 4 and str(answer[0].body["message_reference"]["message_id"]) == question["id"]

    # an answer as long as any: four messages at most, every URL in it whole
    source = "\n".join(f"“Sentence {n} cites https://example.org/{'x' * 400}/{n} and {EVIL}.” (abstract)"
                       for n in range(400))
    ids = await platform.post(CHANNEL, TextReply(source), thread_id=message_id, reply_to=question["id"])
    long_answer = [fake.messages[i]["content"] for i in ids]
    assert len(long_answer) == 4 and long_answer[-1].endswith("…")
    assert all(u in urls(source) for c in long_answer for u in urls(c))
    assert counted(fake.rendering_problems(), "opening and answer of a hostile paper") == []


async def test_digests_papers_recaps_and_errors_of_hostile_papers_stay_within_discords_limits(
        threads_always: Running) -> None:
    fake, platform, bot = threads_always.fake, threads_always.runner.platform, threads_always.bot
    papers = [hostile_paper(n) for n in range(3)]
    ids = await post_today(threads_always, papers, 3)  # the digest, and each paper's thread opening
    assert len(ids) == 3
    await eventually(lambda: all(fake.in_channel(i) for i in ids))
    counted(fake.rendering_problems(), "digest of hostile papers")

    it = await fake.slash("paper", [{"name": "paper", "type": 3, "value": papers[0].arxiv_id}])  # links its thread
    await eventually(lambda: fake.find("PATCH", it.token))
    [edit] = fake.find("PATCH", it.token)
    assert edit.body["embeds"][0]["title"].startswith("@\u200beveryone")
    counted(fake.rendering_problems(), "/papers paper of a hostile paper")

    item = OutboxItem(1, CHANNEL, TODAY, Digest(title=EVIL * 100, items=tuple(RankedPaper(p, 1.0, EVIL) for p in papers)),
                      attempts=0, resumed=False, kind="recap",
                      extra=tuple({"id": p.arxiv_id, "up": 2**62, "down": 1, "replies": 3, "thread": i}
                                  for p, i in zip(papers, ids, strict=True)))
    text = TextReply(await render_recap(item, platform, CHANNEL))
    recap = await platform.post(CHANNEL, text, tag=item.tag)
    found = await platform.find_sent(CHANNEL, item.tag, expected=text)
    assert 1 <= len(recap) <= 4 and found is not None and found.root_id == recap[0]
    counted(fake.rendering_problems(), "recap of hostile papers")

    it = await fake.slash("paper", [{"name": "paper", "type": 3, "value": EVIL * 30}])  # refused: echoed in the error
    await eventually(lambda: it.responses)
    [callback] = it.responses
    assert callback.body["type"] == 4 and callback.body["data"]["flags"] & 64
    it = await fake.slash("search", [{"name": "query", "type": 3, "value": EVIL * 2}, {"name": "count", "type": 4, "value": 3}])
    await eventually(lambda: fake.find("PATCH", it.token))
    assert counted(fake.rendering_problems(), "errors and search of hostile text") == []
    assert await bot.store.get_paper(papers[0].arxiv_id) is not None


async def test_a_scheduled_digest_of_hostile_papers_in_one_message_each_stays_within_limits(running: Running) -> None:
    papers = [hostile_paper(n) for n in range(12)]
    digest = Digest(title=EVIL * 100, items=tuple(RankedPaper(p, 1.0, EVIL * 40) for p in papers), note=EVIL * 100,
                    day=TODAY)
    ids = await send_digest(running.runner.platform, CHANNEL, digest, "paperbot-outbox-3")
    assert len(ids) == 12 and len(set(ids)) == 12
    assert counted(running.fake.rendering_problems(), "scheduled digest of hostile papers") == []
