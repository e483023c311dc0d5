"""Slack's limits hold for any paper, however long its fields (issues 1, 2 and 3 of the Slack report).

Renderers first (every Block Kit limit, checked by the fake's own ``block_kit_problems``), then the
real slack-bolt against the fake Slack, which refuses what real Slack refuses: a paper with a 3 kB
repository URL is posted (it used to draw ``invalid_blocks`` and "invite me"), a paper's opening
is at most two messages and never cut inside a link, and "GitHub" links only a GitHub repository.
"""
from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.blocks import digest_blocks, digest_fallback, item_reply_text, paper_blocks, paper_fallback
from adapters.slack.limits import ELLIPSIS, MESSAGE_TEXT, URL, fit, split
from adapters.slack.mrkdwn import LINK_LEFT_OUT, safe_url
from adapters.slack.platform import text_pieces
from bot.domain import ChannelRef, Digest, Paper, RankedPaper
from bot.replies import Discussion, TextReply
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, SlackHarness, running_slack
from tests.harness.slack_fake import TEAM, block_kit_problems
from tests.harness.waiting import eventually

CH = ChannelRef("slack", TEAM, CHANNEL)
BIG = 100_000
LONG_URL = "https://github.com/owner/" + "r" * 3000
LINK_RE = re.compile(r"<([^<>|]*)(?:\|[^<>]*)?>")


def hostile_paper(arxiv_id: str = "2511.99100", **fields: object) -> Paper:
    values: dict[str, object] = dict(
        arxiv_id=arxiv_id, title="T" * BIG, abstract="Word & <b> " * (BIG // 10), authors=tuple("A" * 1000 for _ in range(100)),
        categories=("c" * BIG,), upvotes=10**30, github_stars=10**30, github_repo=LONG_URL,
        thumbnail_url="https://cdn.example/" + "t" * 3000, project_page="https://example.org/" + "p&" * 1500,
        ai_summary="Summary " * (BIG // 8), announced_on=date(2025, 11, 8), sources=frozenset({"sample"}),
    )
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]


def link_targets(text: str) -> list[str]:
    return [m.group(1) for m in LINK_RE.finditer(text)]


def assert_links_bounded(text: str) -> None:
    """Every ``<…>`` is a whole, bounded, safe link (nothing cut, nothing over-long)."""
    assert text.count("<") == text.count(">") == len(link_targets(text)), text[:300]
    for target in link_targets(text):
        assert len(target) <= URL and safe_url(target.replace("&amp;", "&")), target[:100]


@pytest.mark.parametrize("count", [1, 3, 25])
def test_a_digest_of_hostile_papers_is_within_every_block_kit_limit(count: int) -> None:
    papers = [hostile_paper(f"2511.{99100 + n}") for n in range(count)]
    digest = Digest("H" * BIG, tuple(RankedPaper(p, 1.0, "why " * BIG) for p in papers), note="n & " * BIG)
    blocks = digest_blocks(digest)
    assert block_kit_problems(blocks) == []
    fallback = digest_fallback(digest)
    assert 0 < len(fallback) <= MESSAGE_TEXT and block_kit_problems(None, fallback) == []
    for block in blocks:
        text = (block.get("text") or {}).get("text") or ""
        assert_links_bounded(text)
        assert "rrrr" not in text  # the 3 kB repository URL is left out, not cut
    assert all("image_url" not in json.dumps(b) for b in blocks)  # a 3 kB thumbnail URL is dropped


def test_one_hostile_paper_and_its_reply_lines_are_within_the_limits() -> None:
    paper = hostile_paper()
    discussion = Discussion("1700000000.000001", "https://lab.slack.com/archives/C1/p1700000000000001")
    blocks = paper_blocks(paper, "why " * BIG, discussion)
    assert block_kit_problems(blocks) == []
    assert "https://lab.slack.com/archives/C1/p1700000000000001" in json.dumps(blocks)  # the link kept its case
    for text in (paper_fallback(paper), item_reply_text(1, RankedPaper(paper, 1.0, "w"), discussion)):
        assert 0 < len(text) <= MESSAGE_TEXT
        assert_links_bounded(text)


def test_a_thumbnail_within_the_limit_is_kept_and_an_over_long_one_dropped() -> None:
    ok = hostile_paper(thumbnail_url="https://cdn.example/t.png?a=1&b=2", github_repo=None)
    [section, _] = paper_blocks(ok)
    assert section["accessory"]["image_url"] == "https://cdn.example/t.png?a=1&b=2"
    assert len(section["accessory"]["alt_text"]) <= 2000
    [section, _] = paper_blocks(hostile_paper(thumbnail_url="https://cdn.example/" + "t" * (URL + 1)))
    assert "accessory" not in section


@pytest.mark.parametrize(("repo", "shown"), [
    ("https://github.com/example/sparseroute", "<https://github.com/example/sparseroute|GitHub>"),
    ("https://github.com/example/sparseroute/", "<https://github.com/example/sparseroute/|GitHub>"),
    ("https://gitlab.com/example/sparseroute", "<https://gitlab.com/example/sparseroute|code>"),
    ("https://github.com/example/sparseroute/blob/main/x.py", "<https://github.com/example/sparseroute/blob/main/x.py|code>"),
    ("https://github.com.evil.example/a/b", "<https://github.com.evil.example/a/b|code>"),
    ("http://github.com/example/sparseroute", "<http://github.com/example/sparseroute|code>"),
    ("javascript:alert(1)", None),
    ("https://github.com/a/b|<!channel>", None),
    (LONG_URL, None),
])
def test_the_github_label_links_only_a_github_repository(repo: str, shown: str | None) -> None:
    paper = Paper("2511.99200", "A paper", github_repo=repo)
    text = paper_blocks(paper)[0]["text"]["text"]
    if shown is None:
        assert "GitHub" not in text and "|code>" not in text
    else:
        assert shown in text and text.count("GitHub") == shown.count("GitHub")
    assert_links_bounded(text)


def test_fit_and_split_never_cut_inside_a_link_or_an_entity() -> None:
    link = "<https://example.org/" + "a" * 900 + ">"
    text = ("word " * 550) + link + (" &amp;&lt;&gt;" * 2000)
    for limit in (100, 1000, 3000):
        fitted = fit(text, limit)
        assert len(fitted) <= limit and fitted.endswith(ELLIPSIS)
        assert_links_bounded(fitted)
    pieces = split(text, 3000, 4)
    assert len(pieces) <= 4 and all(len(p) <= 3000 for p in pieces)
    assert sum(p.count(link) for p in pieces) == 1 and pieces[-1].endswith(ELLIPSIS)
    for piece in pieces:
        assert_links_bounded(piece)
        assert not re.search(r"&[a-z]{0,3}$", piece.rstrip(ELLIPSIS)) and not re.match(r"^[a-z]{1,3};", piece)
    assert split("x" * 10_000, 3000, 2) == ["x" * 3000, "x" * 2999 + ELLIPSIS]


def test_text_pieces_drop_an_over_long_url_and_bound_the_messages() -> None:
    text = "Links: code " + LONG_URL + "\n" + "Summary " * BIG
    opening = text_pieces(TextReply(text), 2)
    assert len(opening) == 2 and all(len(p) <= MESSAGE_TEXT for p in opening)
    assert LINK_LEFT_OUT in opening[0] and "rrrr" not in "".join(opening)
    assert len(text_pieces(TextReply(text))) == 4


# ---- through slack-bolt against the fake Slack --------------------------------------------------------------

@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[SlackHarness]:
    async with running_slack(tmp_path, "http", threads="always", embedder=HashEmbedder()) as harness:
        yield harness


def posted(h: SlackHarness) -> list[dict[str, Any]]:
    return [c.params for c in h.fake.calls_to("chat.postMessage")]


async def test_a_paper_with_a_3kb_repository_url_is_posted_not_refused(slack: SlackHarness) -> None:
    """Slack refuses a section over 3,000 characters; the repository link is dropped instead."""
    paper = Paper("2511.99300", "SparseRoute", abstract="We route sparsely.", github_repo=LONG_URL,
                  thumbnail_url="https://cdn.example/" + "t" * 3000, announced_on=date(2025, 11, 8),
                  sources=frozenset({"sample"}))
    await slack.bot.store.upsert_papers([paper])
    assert (await slack.command(f"paper {paper.arxiv_id}"))[0] == 200
    await eventually(lambda: slack.bot.history(CH))
    refused = slack.fake.calls_to("chat.postMessage", ok_only=False)
    assert all(c.status == 200 for c in refused), [c.status for c in refused]
    assert slack.fake.responses == []  # no "invite me": it was posted
    assert "SparseRoute" in json.dumps(posted(slack)[0]["blocks"])


async def test_a_papers_opening_is_at_most_two_messages_and_never_cuts_a_url(slack: SlackHarness) -> None:
    """A 100 kB summary used to become 67 thread messages, a 100 kB repository URL 101, cut mid-URL."""
    inside = "https://example.org/" + "a" * 900
    paper = Paper("2511.99301", "Long", abstract="An abstract.", ai_summary=("word " * 560) + inside + (" more" * 20_000),
                  github_repo="https://github.com/owner/" + "r" * BIG, announced_on=date(2025, 11, 8),
                  sources=frozenset({"sample"}))
    await slack.bot.store.upsert_papers([paper])
    assert (await slack.command(f"paper {paper.arxiv_id}"))[0] == 200
    root = (await eventually(lambda: slack.bot.history(CH)))[0].post.message_id
    await eventually(lambda: slack.bot.store.threads_for(CH, root))
    await eventually(lambda: len(slack.fake.thread(CHANNEL, root)) >= 1)
    await asyncio.sleep(0.3)  # what would follow (it used to be 67 messages) has had time to come
    texts = [m["text"] for m in slack.fake.thread(CHANNEL, root)]
    assert 1 <= len(texts) <= 2 and all(len(t) <= MESSAGE_TEXT for t in texts)
    # the core bounds an opening's summary to one message: a link past that bound is left out, never cut
    assert sum(t.count(f"<{inside}>") for t in texts) <= 1
    for text in texts:
        assert_links_bounded(text)
        assert "rrrr" not in text
