"""Open feeds: `/papers feed` makes a token, the monitoring server serves the channel's posts as JSON Feed 1.1
and Atom 1.0 at ``/feeds/<token>.json|.atom`` (parsed here by json + the spec's required fields and by
feedparser), a wrong or rotated token is a 404 like any unknown path, a member's feed exists only once
asked for. Real HTTP on 127.0.0.1, a real SQLite file and real PostgreSQL, `paperbot run`'s wiring."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import feedparser
import pytest

from bot.app import PaperBot
from bot.config import config_from_dict
from bot.domain import ChannelRef, Digest, Paper, PostKind, RankedPaper, Reaction, Requester
from bot.errors import PermissionDeniedError
from bot.feeds import FeedScope
from bot.replies import DigestReply, Posted, TextReply
from paperbot.compose import build_bot, open_store
from paperbot.monitoring import start_monitoring
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.databases import sqlite_url
from tests.harness.embedders import HashEmbedder
from tests.harness.fixtures_paths import HF_DAY_07
from tests.harness.head_schema import HeadSchemas
from tests.harness.paper_server import PaperServer, Reply
from tests.harness.paperbot_process import (
    PaperbotProcess,
    monitoring_section,
    quiet_run_config,
    running_paperbot,
    slack_http_section,
)
from tests.harness.platforms import FakePlatform
from tests.harness.running_slack import ADMIN, CREATOR, command_payload, free_port, signed_headers
from tests.harness.running_slack import CHANNEL as SLACK_CHANNEL
from tests.harness.sample import NOW, load_sample
from tests.harness.schema_damage import drop_tables
from tests.harness.slack_fake import TEAM, FakeSlack

CHANNEL = ChannelRef("slack", "T1", "C1")
MANAGER = Requester(CHANNEL, "U0ADMIN", can_manage_channel=True)
MEMBER = Requester(CHANNEL, "U0MEMBER")
URL = re.compile(r"https?://\S+")
PUBLIC = "https://papers.example.org/bot"


@dataclass
class Served:
    bot: PaperBot
    store: SqlStore
    port: int
    chat: FakePlatform

    async def get(self, url: str) -> tuple[int, str, str]:
        """GET ``url``'s path from the local server (the URL shown names the public host)."""
        path = url.removeprefix(PUBLIC)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{self.port}{path}") as response:
                return response.status, response.headers.get("Content-Type", ""), await response.text()

    async def links(self, requester: Requester, text: str) -> tuple[str, str]:
        reply = await self.bot.handle(requester, text, self.chat)
        assert isinstance(reply, TextReply) and reply.ephemeral
        json_url, atom_url = URL.findall(reply.text)
        return json_url, atom_url


@pytest.fixture
async def served(db_url: str, head_schemas: HeadSchemas) -> AsyncIterator[Served]:
    """A bot serving feeds on ``db_url`` at the newest migration (``head_schemas``)."""
    port = free_port()
    config = config_from_dict({"database": {"url": db_url},
                               "monitoring": {"port": port, "public_url": PUBLIC + "/"}}, environ={})
    store = SqlStore.connect(db_url)
    await load_sample(store)
    bot = build_bot(config, store, clock=lambda: NOW, embedder=HashEmbedder())
    monitor = await start_monitoring(config.monitoring, store, lambda: {}, model_ready=lambda: True, embeddings=True,
                                     feeds=bot.feeds)
    try:
        yield Served(bot, store, port, FakePlatform("slack"))
    finally:
        await monitor.stop()
        await bot.close()
        await store.close()


async def test_the_channel_feed_serves_what_was_posted_as_json_feed_and_atom(served: Served) -> None:
    posted = await served.bot.handle(MANAGER, "today 4", served.chat)
    assert isinstance(posted, Posted)
    ranked = [item.paper for item in posted.publication.as_digest().items]  # type: ignore[union-attr]
    json_url, atom_url = await served.links(MANAGER, "feed")
    assert json_url.startswith(f"{PUBLIC}/feeds/") and json_url.endswith(".json") and atom_url.endswith(".atom")
    token = json_url.removeprefix(f"{PUBLIC}/feeds/").removesuffix(".json")
    assert len(token) >= 43 and atom_url == f"{PUBLIC}/feeds/{token}.atom"

    status, kind, text = await served.get(json_url)
    assert status == 200 and kind == "application/feed+json; charset=utf-8"
    document = json.loads(text)
    assert document["version"] == "https://jsonfeed.org/version/1.1"  # required: version, title, items
    assert document["title"] and isinstance(document["items"], list)
    assert document["feed_url"] == json_url
    assert [i["id"] for i in document["items"]] == [p.abs_url for p in ranked]  # every item has its id, in ranked order
    first, paper = document["items"][0], ranked[0]
    assert first["title"] == paper.title and first["url"] == paper.abs_url
    assert [a["name"] for a in first["authors"]] == list(paper.authors)
    assert first["content_text"] and datetime.fromisoformat(first["date_published"]) == NOW
    assert token not in json.dumps(document["items"])

    status, kind, text = await served.get(atom_url)
    assert status == 200 and kind == "application/atom+xml; charset=utf-8"
    atom = feedparser.parse(text)
    assert not atom.bozo, atom.get("bozo_exception")
    assert atom.version == "atom10"
    assert atom.feed.title == document["title"] and atom.feed.id.startswith("tag:paperbot")
    assert [e.link for e in atom.entries] == [p.abs_url for p in ranked]
    assert [e.title for e in atom.entries] == [p.title for p in ranked]
    assert [a.name for a in atom.entries[0].authors] == list(paper.authors)
    assert atom.entries[0].summary and atom.entries[0].published_parsed[:3] == (NOW.year, NOW.month, NOW.day)


async def test_titles_with_markup_are_escaped_not_interpreted(served: Served) -> None:
    hostile = Paper(arxiv_id="2511.99123", title='<script>alert("x")</script> & </title> ]]>',
                    authors=("A <b>bold</b> & co",), abstract="x < y & z > w", announced_on=NOW.date())
    await served.store.upsert_papers([hostile])
    await served.bot.publisher.publish(served.chat, CHANNEL, DigestReply(Digest("d", (RankedPaper(hostile, 1.0, ""),))),
                                       kind=PostKind.ON_DEMAND)
    json_url, atom_url = await served.links(MANAGER, "feed")
    _, _, text = await served.get(atom_url)
    atom = feedparser.parse(text)
    assert not atom.bozo
    assert "<script>" not in text and "<b>" not in text  # escaped in the XML …
    assert atom.entries[0].title == hostile.title  # … and read back as the same text
    assert atom.entries[0].authors[0].name == "A <b>bold</b> & co"
    _, _, text = await served.get(json_url)
    item = json.loads(text)["items"][0]
    assert item["title"] == hostile.title and item["summary"] == "x < y & z > w"


async def test_a_wrong_absent_or_rotated_token_is_a_plain_404(served: Served) -> None:
    await served.bot.handle(MANAGER, "today 2", served.chat)
    json_url, atom_url = await served.links(MANAGER, "feed")
    assert (await served.get(json_url))[0] == 200
    base = f"{PUBLIC}/feeds/"
    token = json_url.removeprefix(base).removesuffix(".json")
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    refused = [await served.get(base + name) for name in (
        f"{wrong}.json", f"{wrong}.atom", f"{token}.rss", ".json", "short.json", f"{token}", "x" * 300 + ".atom")]
    assert {status for status, _, _ in refused} == {404}
    assert len({body for _, _, body in refused}) == 1  # the same answer whatever was wrong

    again = await served.bot.handle(MANAGER, "feed", served.chat)  # shown once: no URL the second time
    assert isinstance(again, TextReply) and "already exists" in again.text and not URL.search(again.text)

    new_json, new_atom = await served.links(MANAGER, "feed reset")
    assert new_json != json_url
    assert (await served.get(json_url))[0] == 404 and (await served.get(atom_url))[0] == 404  # at once
    assert (await served.get(new_json))[0] == 200 and (await served.get(new_atom))[0] == 200


async def test_a_dropped_table_is_a_server_error_that_says_repair_not_a_retry_after(served: Served) -> None:
    json_url, _ = await served.links(MANAGER, "feed")
    await drop_tables(served.store, "feed_tokens")
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{served.port}{json_url.removeprefix(PUBLIC)}") as response:
            status, retry, text = response.status, response.headers.get("Retry-After"), await response.text()
    assert status == 500 and retry is None  # no wait fixes it
    assert "needs repair" in text and "paperbot doctor" in text and "feed_tokens" not in text, text
    assert "moment" not in text and "minute" not in text and len(text) < 200, text


async def test_only_the_token_digest_is_stored(served: Served) -> None:
    json_url, _ = await served.links(MANAGER, "feed")
    token = json_url.rsplit("/", 1)[1].removesuffix(".json")
    found = await served.store.feed_scope_by_hash(hashlib.sha256(token.encode()).hexdigest())
    assert found is not None and found[0] == FeedScope(CHANNEL)
    assert await served.store.feed_scope_by_hash(token) is None


async def test_the_channel_feed_needs_a_manager_and_a_member_feed_is_opt_in(served: Served) -> None:
    await served.bot.handle(MANAGER, "today 3", served.chat)
    with pytest.raises(PermissionDeniedError, match="feed mine"):
        await served.bot.handle(MEMBER, "feed", served.chat)
    assert not await served.store.has_feed_token(FeedScope(CHANNEL, MEMBER.user_id))  # nothing until asked
    assert not await served.store.has_feed_token(FeedScope(CHANNEL))

    mine_json, mine_atom = await served.links(MEMBER, "feed mine")
    assert await served.store.has_feed_token(FeedScope(CHANNEL, MEMBER.user_id))
    assert not await served.store.has_feed_token(FeedScope(CHANNEL))  # the member's feed made no channel feed
    status, _, text = await served.get(mine_json)
    document = json.loads(text)
    assert status == 200 and MEMBER.user_id in document["title"]
    assert {i["id"] for i in document["items"]} == {i["id"] for i in json.loads((await served.get(
        (await served.links(MANAGER, "feed"))[0]))[2])["items"]}  # the channel's posts (ranked for the member)

    await served.links(MANAGER, "feed reset")  # the channel's reset leaves the member's feed alone
    assert (await served.get(mine_atom))[0] == 200
    await served.links(MEMBER, "feed mine reset")
    assert (await served.get(mine_json))[0] == 404


async def test_feed_urls_default_to_the_monitoring_address(db_url: str) -> None:
    config = config_from_dict({"database": {"url": db_url}, "monitoring": {"host": "127.0.0.1", "port": 9999}}, environ={})
    assert config.monitoring.base_url == "http://127.0.0.1:9999"
    from bot.errors import ConfigError
    with pytest.raises(ConfigError, match="public_url"):
        config_from_dict({"monitoring": {"public_url": "papers.example.org"}}, environ={})


async def test_paperbot_run_serves_the_feed_slack_showed_privately(tmp_path: Path) -> None:
    """The whole path in `paperbot run`: `/papers feed` on Slack (an admin, answered ephemerally), the URL
    it showed fetched from the monitoring port of the real process."""
    slack = FakeSlack(users={ADMIN: {"id": ADMIN, "is_admin": True, "is_owner": False}},
                      channels={SLACK_CHANNEL: {"id": SLACK_CHANNEL, "name": "general", "creator": CREATOR}})
    papers = PaperServer()
    await slack.start()
    hf_url = await papers.start()
    papers.route("/api/daily_papers", Reply.file(HF_DAY_07))
    slack_port, monitoring_port = free_port(), free_port()
    config = run_config(tmp_path, slack=slack, slack_port=slack_port, monitoring_port=monitoring_port, hf_url=hf_url)
    channel = ChannelRef("slack", TEAM, SLACK_CHANNEL)
    async with open_store(sqlite_url(tmp_path / "bot.sqlite3")) as store:  # what the channel was shown before
        await load_sample(store)
        posted = await PaperBot(store, clock=lambda: NOW).handle(
            Requester(channel, ADMIN, can_manage_channel=True), "today 3", FakePlatform("slack"))
        assert isinstance(posted, Posted)
    try:
        async with running_paperbot(tmp_path, config, monitoring_port=monitoring_port) as bot:
            assert await bot.until(lambda: _ready(bot), "/readyz 200 (Slack connected)")
            body = urlencode(command_payload("feed", response_url=slack.response_url("r1"), user=ADMIN, team=TEAM,
                                             channel=SLACK_CHANNEL))
            assert await post_slack(slack_port, body) == 200
            await slack.wait_for(lambda: slack.responses, timeout=30)
            [answer] = slack.responses
            assert answer["response_type"] == "ephemeral"
            json_url, atom_url = URL.findall(answer["text"].replace("<", " ").replace(">", " ").replace("|", " "))[:2]
            assert json_url.startswith(f"http://127.0.0.1:{monitoring_port}/feeds/")
            status, text = await bot.get(json_url.removeprefix(f"http://127.0.0.1:{monitoring_port}"))
            assert status == 200, text
            items = json.loads(text)["items"]
            assert [i["id"] for i in items] == [i.paper.abs_url for i in posted.publication.as_digest().items]  # type: ignore[union-attr]
            status, text = await bot.get(atom_url.removeprefix(f"http://127.0.0.1:{monitoring_port}"))
            assert status == 200 and not feedparser.parse(text).bozo
            assert (await bot.get("/feeds/" + "A" * 43 + ".json"))[0] == 404
            assert await bot.stop() == 0, bot.log[-3000:]
    finally:
        await papers.close()
        await slack.stop()


def run_config(tmp_path: Path, *, slack: FakeSlack, slack_port: int, monitoring_port: int, hf_url: str) -> str:
    """`paperbot run` on Slack in HTTP mode, a SQLite file, no model, arXiv at a closed port."""
    return (quiet_run_config(tmp_path, hf_url=hf_url) + slack_http_section(slack.base_url, slack_port)
            + monitoring_section(monitoring_port))


async def post_slack(port: int, body: str) -> int:
    headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=headers) as response:
            return response.status


async def _ready(bot: PaperbotProcess) -> bool:
    return (await bot.get("/readyz"))[0] == 200


async def test_a_member_feed_follows_the_members_taste(served: Served) -> None:
    posted = await served.bot.handle(MANAGER, "today 5", served.chat)
    assert isinstance(posted, Posted)
    channel_order = [i.paper.arxiv_id for i in posted.publication.as_digest().items]  # type: ignore[union-attr]
    liked = channel_order[-1]
    [post] = [p for p in await served.store.recent_posts(CHANNEL) if p.arxiv_id == liked]
    await served.store.add_reaction(Reaction(CHANNEL, post.message_id, liked, MEMBER.user_id, "👍", created_at=NOW))
    mine_json, _ = await served.links(MEMBER, "feed mine")
    channel_json, _ = await served.links(MANAGER, "feed")
    mine = [i["id"] for i in json.loads((await served.get(mine_json))[2])["items"]]
    channel = [i["id"] for i in json.loads((await served.get(channel_json))[2])["items"]]
    assert channel == [f"https://arxiv.org/abs/{a}" for a in channel_order]
    assert mine[0] == f"https://arxiv.org/abs/{liked}" and sorted(mine) == sorted(channel)


class BrokenEmbedder:
    model_name = "test/broken"

    async def encode(self, texts: object) -> object:
        raise RuntimeError("the model's files are missing")


async def test_a_member_feed_still_serves_when_the_model_cannot_rank(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    await upgrade(db_url)
    port = free_port()
    config = config_from_dict({"database": {"url": db_url}, "monitoring": {"port": port}}, environ={})
    async with SqlStore.connect(db_url) as store:
        await load_sample(store)
        bot = build_bot(config, store, clock=lambda: NOW, embedder=BrokenEmbedder())  # type: ignore[arg-type]
        monitor = await start_monitoring(config.monitoring, store, lambda: {}, model_ready=lambda: True,
                                         embeddings=True, feeds=bot.feeds)
        try:
            chat = FakePlatform("slack")
            posted = await bot.handle(MANAGER, "today 3", chat)
            assert isinstance(posted, Posted)
            [post, *_] = await store.recent_posts(CHANNEL)
            await store.add_reaction(Reaction(CHANNEL, post.message_id, post.arxiv_id, MEMBER.user_id, "👍",
                                              created_at=NOW))
            reply = await bot.handle(MEMBER, "feed mine", chat)
            assert isinstance(reply, TextReply)
            json_url = URL.findall(reply.text)[0]
            async with aiohttp.ClientSession() as session:
                async with session.get(json_url) as response:
                    assert response.status == 200
                    items = (await response.json(content_type=None))["items"]
            assert [i["id"] for i in items] == [i.paper.abs_url for i in posted.publication.as_digest().items]  # type: ignore[union-attr]
            assert "not ranked for the member (RuntimeError)" in caplog.text
        finally:
            await monitor.stop()
            await bot.close()
