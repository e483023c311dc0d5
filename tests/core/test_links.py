"""Pasted paper links: the one parser (hostile links ignored), the paper fetched and stored, the 🔗
interest recorded once per member and paper, and the `links:thread|quiet` setting — on a real store
(SQLite and PostgreSQL) and a real arXiv client against the local paper server."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import time as clock_time

import pytest

from bot.app import PaperBot
from bot.arxiv_ids import ArxivId
from bot.domain import ChannelRef, PostKind, Requester
from bot.errors import PermissionDeniedError
from bot.links import MAX_LINKS, paper_ids, paper_link, papers_in_text
from bot.replies import TextReply
from bot.sources.arxiv import ArxivClient
from bot.usecases.links import LINK_EMOJI, LinkOutcome, PastedLinks
from storage.store import SqlStore
from tests.harness.fixtures_paths import ARXIV_API
from tests.harness.paper_server import PaperServer, RecordedRequest, Reply
from tests.harness.platforms import ThreadedPlatform
from tests.harness.sample import AGENT, NOW, VIDEO, VTHINK, load_sample

CHANNEL = ChannelRef("discord", "G1", "C1")
OTHER = ChannelRef("discord", "G1", "C2")
UNKNOWN = "1707.08567"  # not in the sample: only the arXiv API knows it


# ------------------------------------------------------------------ the parser

@pytest.mark.parametrize(("url", "expected"), [
    ("https://arxiv.org/abs/2511.04570", "2511.04570"),
    ("https://arxiv.org/abs/2511.04570v2", "2511.04570v2"),
    ("http://www.arxiv.org/pdf/2511.04570", "2511.04570"),
    ("https://arxiv.org/pdf/2511.04570.pdf", "2511.04570"),
    ("https://arxiv.org/pdf/2511.04570v3.pdf", "2511.04570v3"),
    ("https://arxiv.org/html/2511.04570v1", "2511.04570v1"),
    ("https://export.arxiv.org/abs/2511.04570/", "2511.04570"),
    ("https://arxiv.org/abs/cs/0101001", "cs/0101001"),
    ("https://arxiv.org/abs/math.GT/0309136v2", "math/0309136v2"),
    ("https://arxiv.org/abs/2511.04570?context=cs.LG#section", "2511.04570"),
    ("https://huggingface.co/papers/2511.04570", "2511.04570"),
    ("HTTPS://HuggingFace.co/papers/2511.04570v1", "2511.04570v1"),
])
def test_paper_urls_give_their_canonical_id(url: str, expected: str) -> None:
    found = paper_link(url)
    assert found is not None and str(found) == expected


@pytest.mark.parametrize("url", [
    "javascript:alert(1)//arxiv.org/abs/2511.04570",
    "https://arxiv.org.evil.com/abs/2511.04570",
    "https://evil.com/arxiv.org/abs/2511.04570",
    "https://evilarxiv.org/abs/2511.04570",
    "https://arxiv.org@evil.com/abs/2511.04570",
    "https://user:pw@arxiv.org/abs/2511.04570",
    "https://arxiv.org:8443/abs/2511.04570",
    "ftp://arxiv.org/abs/2511.04570",
    "https://arxiv.org/abs/2511.04570garbage",
    "https://arxiv.org/abs/2511.04570v999",
    "https://arxiv.org/abs/2511.04570v0",
    "https://arxiv.org/abs/../../etc/passwd",
    "https://arxiv.org/list/cs.LG/recent",
    "https://huggingface.co/papers/cs/0101001",
    "https://huggingface.co/spaces/2511.04570",
    "https://arxiv.org/abs/2511.04570%0a@evil",
    "https://arxiv.org/abs/" + "1" * 10_000,
    "https://[::1/abs/2511.04570",
])
def test_hostile_and_other_links_are_not_papers(url: str) -> None:
    assert paper_link(url) is None


def test_a_message_names_at_most_a_few_distinct_papers_and_huge_text_costs_little() -> None:
    text = "see <https://arxiv.org/abs/2511.04570|this> and (https://huggingface.co/papers/2511.04570v2), " \
           "also https://arxiv.org/pdf/2511.04460."
    assert [p.id for p in papers_in_text(text)] == [VIDEO, VTHINK]  # one paper, whatever its version
    many = [f"https://arxiv.org/abs/2511.{n:05d}" for n in range(1, 40)]
    assert len(paper_ids(many)) == MAX_LINKS
    huge = "x" * 2_000_000 + " https://arxiv.org/abs/2511.04570"
    started = time.monotonic()
    assert papers_in_text(huge) == ()  # past the bound: not read
    assert papers_in_text("https://" + "a" * 1_000_000) == ()
    assert time.monotonic() - started < 1.0


# ------------------------------------------------------------------ the use case, on a real store

@pytest.fixture
async def server() -> AsyncIterator[PaperServer]:
    async with PaperServer() as running:
        yield running


@pytest.fixture
async def bot(store: SqlStore, server: PaperServer) -> AsyncIterator[PaperBot]:
    files = {UNKNOWN: ARXIV_API / "2026-04_id_list=1707.08567.xml"}

    def by_id(request: RecordedRequest) -> Reply:
        return Reply.file(files.get(request.query["id_list"], ARXIV_API / "2026-04_id_list=0000.0000_EMPTY.xml"))

    server.route("/api/query", by_id)
    await load_sample(store)
    async with ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, min_interval=0.0,
                           categories=["cs.LG"]) as arxiv:
        yield PaperBot(store, resolvers=[arxiv], clock=lambda: NOW, thread_mode="never")


def pasted(text: str, message_id: str = "m1", *, user: str = "U1", channel: ChannelRef = CHANNEL,
           explicit: bool = True, event_id: str | None = None) -> PastedLinks:
    return PastedLinks(channel, message_id, user, papers_in_text(text), explicit=explicit, event_id=event_id)


async def links_of(store: SqlStore, user: str) -> list[tuple[str, str, str]]:
    return [(r.channel.channel, r.message_id, r.arxiv_id)
            for r in await store.reactions_by_member("discord", "G1", user) if r.emoji == LINK_EMOJI]


async def test_a_link_to_an_unknown_paper_is_fetched_stored_and_its_message_recorded(
        bot: PaperBot, store: SqlStore, server: PaperServer) -> None:
    assert await store.get_paper(UNKNOWN) is None
    result = await bot.on_links(pasted(f"worth a read: https://arxiv.org/abs/{UNKNOWN}v1"), ThreadedPlatform("discord"))
    assert result.outcome is LinkOutcome.ADDED and [p.arxiv_id for p in result.papers] == [UNKNOWN]
    stored = await store.get_paper(UNKNOWN)
    assert stored is not None and stored.title.startswith("Proceedings of Workshop AEW10")
    assert [r.query["id_list"] for r in server.requests_to("/api/query")] == [UNKNOWN]
    (post,) = await store.posts_for_message(CHANNEL, "m1")
    assert (post.arxiv_id, post.kind, post.root_message_id) == (UNKNOWN, PostKind.LINKED, None)
    assert await links_of(store, "U1") == [("C1", "m1", UNKNOWN)]
    reply = result.reply()
    assert reply.ephemeral and "Added to paperbot" in reply.text and UNKNOWN in reply.text
    assert "Noted as your interest" in reply.text


async def test_the_interest_is_recorded_once_per_member_paper_and_channel(bot: PaperBot, store: SqlStore) -> None:
    platform = ThreadedPlatform("discord")
    link = f"https://arxiv.org/abs/{VIDEO}"
    first = await bot.on_links(pasted(link, "m1", event_id="e1"), platform)
    assert first.noted == (VIDEO,)
    again = await bot.on_links(pasted(link, "m1", event_id="e1"), platform)  # the same delivery, retried
    assert again.outcome is LinkOutcome.DUPLICATE
    later = await bot.on_links(pasted(f"{link}v2 again", "m2", event_id="e2"), platform)  # pasted once more
    assert later.outcome is LinkOutcome.ADDED and later.noted == ()
    assert "already counted" in later.reply().text
    assert await links_of(store, "U1") == [("C1", "m1", VIDEO)]
    await bot.on_links(pasted(link, "m3", user="U2"), platform)
    await bot.on_links(pasted(link, "m4", channel=OTHER), platform)
    assert await links_of(store, "U2") == [("C1", "m3", VIDEO)]
    assert sorted(await links_of(store, "U1")) == [("C1", "m1", VIDEO), ("C2", "m4", VIDEO)]
    assert platform.sent == [] and platform.threads == []  # quiet: nothing posted


async def test_hostile_links_and_ids_record_nothing(bot: PaperBot, store: SqlStore, server: PaperServer) -> None:
    platform = ThreadedPlatform("discord")
    text = ("javascript:alert('https://arxiv.org/abs/2511.04570') https://arxiv.org.evil.com/abs/2511.04570 "
            "https://arxiv.org/abs/2511.04570garbage https://arxiv.org/abs/9999.99999 https://arxiv.org/abs/2512.99999")
    result = await bot.on_links(pasted(text), platform)
    # only the id that can exist is looked up (month 99 cannot); no source knows it
    assert result.outcome is LinkOutcome.NOT_FOUND and result.missing == ("2512.99999",)
    assert result.reply().text == "Paper 2512.99999 was not found in the store or at arxiv."
    assert (await bot.on_links(pasted("nothing here"), platform)).outcome is LinkOutcome.NO_LINKS
    forged = PastedLinks(CHANNEL, "m" * 300, "U1", (ArxivId(VIDEO),))
    assert (await bot.on_links(forged, platform)).outcome is LinkOutcome.IGNORED
    assert await store.posts_for_message(CHANNEL, "m1") == [] and await links_of(store, "U1") == []
    assert [r.query["id_list"] for r in server.requests_to("/api/query")] == ["2512.99999"]


async def test_links_seen_in_passing_count_only_in_subscribed_channels(bot: PaperBot, store: SqlStore) -> None:
    platform = ThreadedPlatform("discord")
    link = f"https://huggingface.co/papers/{AGENT}"
    assert (await bot.on_links(pasted(link, explicit=False), platform)).outcome is LinkOutcome.IGNORED
    assert await links_of(store, "U1") == []
    await bot.subscriptions.subscribe(Requester(CHANNEL, "U9", can_manage_channel=True), post_time=clock_time(9),
                                      timezone="UTC")
    assert (await bot.on_links(pasted(link, explicit=False), platform)).noted == (AGENT,)


async def test_a_link_on_one_of_our_posts_is_not_a_members_link(bot: PaperBot, store: SqlStore) -> None:
    platform = ThreadedPlatform("discord")
    await bot.handle(Requester(CHANNEL, "U1"), f"paper {VIDEO}", platform)
    (sent,) = await store.recent_posts(CHANNEL)
    result = await bot.on_links(pasted(f"https://arxiv.org/abs/{VTHINK}", sent.message_id), platform)
    assert result.outcome is LinkOutcome.OUR_POST
    assert [p.arxiv_id for p in await store.posts_for_message(CHANNEL, sent.message_id)] == [VIDEO]


async def test_links_thread_opens_the_papers_discussion_once_per_channel(bot: PaperBot, store: SqlStore) -> None:
    platform = ThreadedPlatform("discord")
    manager, member = Requester(CHANNEL, "U9", can_manage_channel=True), Requester(CHANNEL, "U1")
    with pytest.raises(PermissionDeniedError):
        await bot.handle(member, "settings links:thread")
    reply = await bot.handle(manager, "settings links:thread")
    assert isinstance(reply, TextReply) and "links: thread" in reply.text
    result = await bot.on_links(pasted(f"https://arxiv.org/abs/{VIDEO}", "m1"), platform)
    assert result.thread and platform.threads == [(CHANNEL.key, "m1", platform.threads[0][2])]
    opening = platform.posted_in("t-m1")
    assert opening and VIDEO in opening[0]
    assert "thread on that message" in result.reply().text
    # the same paper linked again: no second thread, a pointer to the first one
    again = await bot.on_links(pasted(f"https://arxiv.org/pdf/{VIDEO}", "m2", user="U2"), platform)
    assert len(platform.threads) == 1 and list(again.discussions) == [VIDEO]
    assert "Discussion continues in https://chat.example/C1/t-m1" in again.reply().text
    # a member's reply under the linked message is answered from that thread's paper
    assert (await bot.handle(manager, "settings links:quiet")).text.count("links: quiet") == 1  # type: ignore[union-attr]
    await bot.on_links(pasted(f"https://arxiv.org/abs/{AGENT}", "m3"), platform)
    assert len(platform.threads) == 1
