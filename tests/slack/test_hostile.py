"""Slack's part of the hostile-input suite: hostile commands, hostile papers and hostile HTTP requests.

(a) hypothesis-generated ``/papers`` texts (random unicode, ``<!channel>``/``<!here>``/``<@U1>``,
    masked links, markdown, zero-width and control characters, NUL, huge numbers, 10 kB strings)
    through the real slack-bolt app against the fake Slack: each gets a 200 within Slack's 3 s,
    then a clean, bounded answer or a posted digest; nothing logs a traceback; nothing the bot
    posts carries a live mention or a link from the text typed;
(b) hypothesis-generated hostile papers through every Slack renderer (digest blocks, paper blocks,
    per-paper replies, fallbacks, openings, answers, recaps and notes as the platform posts them):
    Slack's limits hold and nothing from a paper becomes a live mention or a masked link;
(c) forged, replayed, tampered, malformed and oversized requests to HTTP mode get 401/400/413.

Each input is counted in ``tests.harness.tally.HOSTILE``. The examples are derandomised (the same
every run) and few enough to keep the suite to a few seconds.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adapters.slack.blocks import digest_blocks, digest_fallback, item_reply_text, paper_blocks, paper_fallback
from adapters.slack.commands import PapersCommand
from adapters.slack.limits import MESSAGE_TEXT, OPENING_MESSAGES, REPLY_MESSAGES, URL
from adapters.slack.mrkdwn import safe_url
from adapters.slack.platform import text_pieces
from bot.discussion.openings import opening_text
from bot.domain import ChannelRef, Digest, Paper, RankedPaper
from bot.replies import Discussion, TextReply
from bot.sources.huggingface import parse_daily_papers
from tests.harness.embedders import HashEmbedder
from tests.harness.running_slack import CHANNEL, SlackHarness, running_slack
from tests.harness.slack_fake import TEAM, block_kit_problems
from tests.harness.tally import HOSTILE

pytestmark = pytest.mark.hostile

CH = ChannelRef("slack", TEAM, CHANNEL)
EVIL = "evil.example"
MENTIONS = ["<!channel>", "<!here>", "<!everyone>", "<@U1>", "<@U0ADMIN|admin>", "<#C1|general>", "<!subteam^S1|team>",
            "@channel", "@here", "@everyone"]
LINKS = [f"<http://{EVIL}|x>", f"<https://{EVIL}/a|click here>", f"http://{EVIL}/x", f"https://{EVIL}/{'a' * 3000}",
         f"<mailto:a@{EVIL}|mail>", "javascript:alert(1)", f"[md](http://{EVIL})"]
MARKUP = ["*bold*", "_it_", "~s~", "`code`", "```block```", "> quote", "<b>html</b>", "<script>x</script>", "&amp;",
          "&lt;!channel&gt;", "|", "<", ">", "<<>>"]
INVISIBLE = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\u2028"]
NUMBERS = ["99999999999999999999999", "-1", "0", "1e309", "NaN", "25", "26", "10" * 500]
SUBCOMMANDS = ["", "today", "week", "day", "paper", "search", "ask 2511.00001", "ask", "subscribe", "unsubscribe", "like",
               "follow", "settings", "prefs", "forget", "forget channel", "similar", "schedule", "dm", "recap", "help", "?"]
FIXED_LABELS = {"arXiv", "PDF", "HF", "GitHub", "code", "project", "in its thread"}
LINK_TOKEN = re.compile(r"<([^<>]*)>")
BROADCAST = re.compile(r"(?<![\w\u200b])@(channel|here|everyone)\b", re.IGNORECASE)

T = TypeVar("T")
piece = st.one_of(st.sampled_from(MENTIONS + LINKS + MARKUP + INVISIBLE + NUMBERS), st.text(max_size=30),
                  st.text(st.characters(codec="utf-8"), max_size=12))
command_text = st.builds(lambda sub, parts, big: " ".join([sub, *parts]) + big, st.sampled_from(SUBCOMMANDS),
                         st.lists(piece, max_size=6), st.sampled_from(["", "", "", " " + "A" * 10_000, " <!here>" * 1300]))


# ---- checks ------------------------------------------------------------------------------------------------

def live_problems(text: str, *, typed: bool) -> list[str]:
    """What would be live in Slack mrkdwn: a mention, a broadcast word, a masked link we did not make,
    an unsafe or over-long link; ``typed``: text echoing a person's input, where no link may come from it."""
    problems = []
    for match in LINK_TOKEN.finditer(text):
        target, _, label = match.group(1).partition("|")
        if target.startswith(("!", "@", "#")):
            problems.append(f"live mention {match.group(0)[:40]!r}")
        elif not safe_url(target.replace("&amp;", "&")) or len(target) > URL:
            problems.append(f"unsafe link {match.group(0)[:40]!r}")
        elif label and label not in FIXED_LABELS and not target.startswith("https://arxiv.org/abs/"):
            problems.append(f"masked link {match.group(0)[:60]!r}")
        elif EVIL in target and typed:
            problems.append(f"link from typed text {match.group(0)[:60]!r}")
    if text.count("<") != len(LINK_TOKEN.findall(text)) or text.count(">") != len(LINK_TOKEN.findall(text)):
        problems.append("a stray < or > (a cut or broken link)")
    if BROADCAST.search(text):
        problems.append("a broadcast word without its zero-width space")
    return problems


def mrkdwn_texts(blocks: Any) -> list[str]:
    """The mrkdwn (parsed) texts of a block tree; plain_text is never parsed by Slack."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def count(problems: list[str], what: str) -> None:
    if problems:
        HOSTILE.failed(f"{what}: {problems[0]}")
    else:
        HOSTILE.tried()
    assert problems == [], problems


@contextmanager
def running(tmp_path: Path, mode: str = "http") -> Iterator[tuple[SlackHarness, Callable[[Awaitable[T]], T]]]:
    """One harness for many hypothesis examples: hypothesis drives a plain function, which runs each
    example on this loop (so it can still shrink a failing one)."""
    loop = asyncio.new_event_loop()
    stack = AsyncExitStack()
    harness = loop.run_until_complete(stack.enter_async_context(
        running_slack(tmp_path, mode, embedder=HashEmbedder())))
    try:
        yield harness, loop.run_until_complete
    finally:
        loop.run_until_complete(stack.aclose())
        loop.close()


EXAMPLES = settings(deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# ---- (a) hostile commands through slack-bolt ----------------------------------------------------------------

def test_hostile_commands_get_clean_bounded_answers(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    finished: list[int] = []
    work = PapersCommand.work

    async def counted(self: PapersCommand, command: dict[str, Any], respond: Any) -> None:
        try:
            await work(self, command, respond)
        finally:
            finished.append(1)

    monkeypatch.setattr(PapersCommand, "work", counted)
    with running(tmp_path) as (h, run), caplog.at_level(logging.INFO):
        fake = h.fake

        async def one(text: str) -> list[str]:
            caplog.clear()
            before_posts, before_answers, before_done = len(fake.calls_to("chat.postMessage")), len(fake.responses), len(finished)
            status, elapsed = await h.command(text, key=f"k{before_done}")
            if status != 200 or elapsed >= 3.0:
                return [f"status {status} after {elapsed:.1f} s"]
            deadline = time.monotonic() + 10
            while len(finished) == before_done and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            if len(finished) == before_done:
                return ["no answer within 10 s"]
            await asyncio.sleep(0.02)  # a digest's per-paper replies
            problems = [f"traceback from {r.name}" for r in caplog.records if r.exc_info]
            problems += [f"{r.levelname} from {r.name}: {r.getMessage()[:80]}" for r in caplog.records if r.levelno >= logging.ERROR]
            answers, posts = fake.responses[before_answers:], fake.calls_to("chat.postMessage")[before_posts:]
            if not answers and not posts:
                problems.append("neither an answer nor a post")
            for answer in answers:
                if answer.get("response_type") not in ("ephemeral", "in_channel") or len(answer.get("text") or "") > MESSAGE_TEXT:
                    problems.append(f"unbounded or odd answer ({len(answer.get('text') or '')} characters)")
                problems += live_problems(answer.get("text") or "", typed=True)
            for post in posts:
                for text in [post.params.get("text") or "", *mrkdwn_texts(post.params.get("blocks") or [])]:
                    problems += live_problems(text, typed=True)
                problems += block_kit_problems(post.params.get("blocks"), post.params.get("text"))
            return problems

        @settings(EXAMPLES, max_examples=60)
        @given(command_text)
        @example(f"paper http://{EVIL}/x")
        @example(f"search <http://{EVIL}|the paper> <!channel>")
        @example("follow \"<@U1> @here\"")
        @example("ask 2511.00001 <!everyone> *what* is `this`?\x00")
        @example("today 99999999999999999999999")
        @example("today 3")
        @example("\u202etoday\u200b 2")
        @example("help " + "A" * 10_000)
        def check(text: str) -> None:
            count(run(one(text)), f"/papers {text[:60]!r}")

        check()


# ---- (b) hostile papers through every renderer --------------------------------------------------------------

big = st.sampled_from(["", "x" * 100_000, "word & <b> " * 10_000])
hostile_field = st.builds(lambda parts, tail: " ".join(parts) + tail, st.lists(piece, min_size=1, max_size=6), big)
url_field = st.one_of(st.none(), st.sampled_from(LINKS + [
    "https://github.com/owner/repo", "https://github.com/owner/" + "r" * 3000, "https://example.org/p?a=1&b=2",
    "https://cdn.example/" + "t" * 3000, "https://cdn.example/t.png", "ftp://x.example/a", ""]))
number = st.one_of(st.none(), st.integers(-(10**30), 10**30))
hostile_paper = st.builds(
    lambda title, abstract, summary, author, category, repo, page, thumb, upvotes, stars: Paper(
        arxiv_id="2511.99500", title=title, abstract=abstract, ai_summary=summary or None, authors=(author,) * 30,
        categories=(category,), github_repo=repo, project_page=page, thumbnail_url=thumb, upvotes=upvotes,
        github_stars=stars, num_comments=upvotes, announced_on=date(2025, 11, 8), sources=frozenset({"sample", "huggingface"})),
    hostile_field, hostile_field, st.one_of(st.just(""), hostile_field), hostile_field, hostile_field, url_field, url_field,
    url_field, number, number)


def rendered(paper: Paper, why: str) -> list[tuple[str, list[str], Any]]:
    """(what, mrkdwn texts, blocks) for every Slack rendering of ``paper``."""
    discussion = Discussion("1700000000.000001", "https://lab.slack.com/archives/C1/p1700000000000001")
    digest = Digest(paper.title, tuple(RankedPaper(paper, 1.0, why) for _ in range(25)), note=paper.abstract)
    single = paper_blocks(paper, why, discussion)
    blocks = digest_blocks(digest)
    summary = paper.ai_summary or paper.abstract
    answer = f"The paper says:\n“{paper.abstract[:2000]}” (abstract)\n{paper.abs_url}\n" + paper.title
    recap = "\n".join(f"{n}. {paper.title} — {paper.abs_url} ▲ {paper.upvotes}" for n in range(1, 6))
    return [
        ("digest blocks", mrkdwn_texts(blocks), blocks),
        ("paper blocks", mrkdwn_texts(single), single),
        ("fallbacks", [digest_fallback(digest), paper_fallback(paper)], None),
        ("per-paper reply", [item_reply_text(1, RankedPaper(paper, 1.0, why), discussion)], None),
        ("opening", text_pieces(TextReply(opening_text(paper, summary, 1)), OPENING_MESSAGES), OPENING_MESSAGES),
        ("answer", text_pieces(TextReply(answer)), REPLY_MESSAGES),
        ("recap", text_pieces(TextReply(recap)), REPLY_MESSAGES),
        ("note", text_pieces(TextReply(paper.title + "\n" + paper.abstract)), REPLY_MESSAGES),
    ]


@settings(EXAMPLES, max_examples=40)
@given(hostile_paper, hostile_field)
def test_hostile_papers_render_within_slacks_limits_and_never_ping(paper: Paper, why: str) -> None:
    for what, texts, extra in rendered(paper, why):
        problems = []
        if isinstance(extra, list):
            problems += block_kit_problems(extra)
        if isinstance(extra, int) and len(texts) > extra:
            problems.append(f"{len(texts)} messages")
        for text in texts:
            if not 0 < len(text) <= MESSAGE_TEXT:
                problems.append(f"a text of {len(text)} characters")
            problems += live_problems(text, typed=False)
        count(problems, f"{what} of a hostile paper")


async def test_hostile_papers_posted_through_the_platform_are_accepted(http_slack: SlackHarness) -> None:
    """The same renderings as the platform sends them: the fake Slack refuses what Slack would."""
    platform = http_slack.runner.platform
    papers = [Paper(f"2511.9960{n}", title="<!here> " + "T" * 50_000, abstract="<@U1> *x* " * 10_000,
                    ai_summary="S " * 50_000, github_repo="https://github.com/owner/" + "r" * 3000,
                    thumbnail_url="https://cdn.example/" + "t" * 3000, upvotes=10**30) for n in range(3)]
    from bot.replies import DigestReply, PaperReply

    digest = Digest("<!channel> " * 100, tuple(RankedPaper(p, 1.0, "<@U1>" * 1000) for p in papers), note="@here " * 1000)
    sent = await platform.send(CH, DigestReply(digest))
    await platform.send(CH, PaperReply(papers[0], "why"))
    await platform.post(CH, TextReply(opening_text(papers[0], papers[0].ai_summary or "")), thread_id=sent.root_id)
    await platform.post(CH, TextReply("answer " * 20_000), thread_id=sent.root_id, reply_to="1.0")
    calls = http_slack.fake.calls_to("chat.postMessage", ok_only=False)
    problems = [f"refused with {c.status}" for c in calls if c.status != 200]
    for call in calls:
        for text in [call.params.get("text") or "", *mrkdwn_texts(call.params.get("blocks") or [])]:
            problems += live_problems(text, typed=False)
    openings = [c for c in calls if c.params.get("thread_ts") == sent.root_id and "Summary" in (c.params.get("text") or "")]
    if len(openings) > OPENING_MESSAGES:
        problems.append(f"an opening in {len(openings)} messages")
    count(problems, "hostile papers posted through SlackPlatform")


# ---- (c) hostile HTTP requests --------------------------------------------------------------------------------

request_kind = st.sampled_from(["forged", "replayed", "tampered", "malformed", "oversized", "unsigned"])
body_bytes = st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode),
                       st.sampled_from([b"{", b"[]", b"{}", b"payload=%7B", b"a&b", b"\xff\xfe", b"{" * 10_000]))


def test_hostile_http_requests_are_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from adapters.slack.http_guard import MAX_BODY, signature

    expected = {"forged": 401, "replayed": 401, "tampered": 401, "unsigned": 401, "malformed": 400, "oversized": 413}
    with running(tmp_path) as (h, run), caplog.at_level(logging.INFO):
        async def one(kind: str, body: bytes, content_type: str) -> list[str]:
            caplog.clear()
            now = int(time.time())
            ts = str(now - 301 if kind == "replayed" else now)
            if kind == "oversized":
                body = body + b"x" * (MAX_BODY + 1)
            secret = "guessed" if kind == "forged" else "test-signing-secret"
            signed = signature(secret, ts, body)
            sent = body + b"&x=1" if kind == "tampered" else body
            if kind == "malformed":
                sent = body = (b"\xff" + body) if not body.startswith(b"{") else body + b"}}}"
                signed = signature(secret, ts, sent)
            headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signed}
            if kind == "unsigned":
                headers.pop("X-Slack-Signature")
            async with aiohttp.ClientSession() as session, session.post(h.events_url, data=sent, headers=headers) as response:
                await response.read()
                status = response.status
            problems = [] if status == expected[kind] else [f"{kind} got {status}"]
            problems += [f"traceback from {r.name}" for r in caplog.records if r.exc_info]
            lines = [r for r in caplog.records if r.levelno >= logging.INFO]
            if len(lines) > 1 or any(len(r.getMessage()) > 160 for r in lines):
                problems.append(f"{len(lines)} log lines")
            return problems

        @settings(EXAMPLES, max_examples=40)
        @given(request_kind, body_bytes, st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"]))
        def check(kind: str, body: bytes, content_type: str) -> None:
            count(run(one(kind, body, content_type)), f"{kind} HTTP request")

        check()
    assert h.fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("text", ["@ev\u200beryone read this", "@\u200deveryone", "@\u200ceveryone", "@\u2060channel",
                                  "<!ev\u200beryone>", "a@\u200bhere"])
def test_a_fetched_title_hiding_a_broadcast_cannot_ping_once_rendered(text: str) -> None:
    """A source's title or author hiding a broadcast behind an invisible character: stored, the character
    is a space (or the word joiner after "@"), and no Slack rendering revives the broadcast."""
    (paper,) = parse_daily_papers([{"paper": {"id": "2511.00001", "title": text, "summary": text,
                                              "authors": [{"name": text}]}}], origin="test")
    for what, texts, _ in rendered(paper, "why"):
        count([p for t in texts for p in live_problems(t, typed=False)], f"{what} of a fetched {text!r}")
