"""The Discord part of the hostile-input suite.

(a) Hypothesis-generated option values for every `/papers` subcommand — random Unicode, mentions,
    masked links, markdown, zero-width and control characters, NUL, numbers at and beyond what a
    text option would hold, strings up to Discord's 6,000 characters — dispatched as
    INTERACTION_CREATE through the real discord.py tree (and as autocompletes where an option has
    suggestions). Each must be answered (deferred then edited, or ephemeral), within Discord's
    limits, with nothing live (``FakeDiscord.rendering_problems``), and without a traceback logged.
(b) Hypothesis-generated hostile papers rendered through every Discord renderer (digest and paper
    embeds, the digest headline, openings, answers, thread names, autocomplete choices, ephemeral
    errors): Discord's limits hold and nothing is a live link or mention — ``allowed_mentions`` is
    always none, and the text itself is neutralised.

Every input is counted in ``tests.harness.tally.HOSTILE``. Examples are few (this runs in CI on
every change): the point is breadth of shapes, not volume.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.commands import autocomplete_for, error_text
from adapters.discord.embeds import digest_messages, paper_embed
from adapters.discord.platform import (
    MAX_THREAD_NAME,
    NO_MENTIONS,
    OPENING_MESSAGES,
    TEXT_MESSAGES,
    publication_messages,
    text_pieces,
)
from adapters.discord.text import fit_plain
from bot.commands import specs
from bot.commands.params import Param, ValueKind
from bot.discussion.openings import opening_text, thread_name
from bot.domain import Digest, Paper, RankedPaper
from bot.errors import NotFoundError, UsageError
from bot.replies import PaperReply, TextReply
from tests.harness.discord_fake import (
    GUILD_ID,
    LIMITS,
    MANAGE_CHANNELS,
    MEMBER_PERMISSIONS,
    FakeDiscord,
    Interaction,
    choices_limits_broken,
    live_mentions,
    message_limits_broken,
    text_problems,
)
from tests.harness.embedders import HashEmbedder
from tests.harness.running_discord import Running, start_running
from tests.harness.tally import HOSTILE
from tests.harness.waiting import eventually

pytestmark = pytest.mark.hostile

PIECES = [
    "@everyone", "@here", "@EVERYONE", "<@123456789012345678>", "<@!1>", "<@&2>", "<#3>", "</papers today:4>",
    "<:e:5>", "<a:e:6>", "<t:1700000000:R>", "[Free Nitro](https://evil.example)", "[a](x) [b](https://evil.example)",
    "![i](https://evil.example/i.png)", "[x](<https://evil.example>)", "<https://evil.example>", "**b**", "__u__", "*i*",
    "_i_", "~~s~~", "||s||", "`c`", "```py\nx\n```", "> q", ">>> q", "# h", "### h", "-# sub", "- li", "1. li", "\\",
    "\\[", "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2028", "\x00", "\x1b[31m", "\x7f", "\r\n", "\n\n\n", "\t",
    "https://evil.example/" + "a" * 600, "https://ok.example/a_b*c~d|e", "javascript:alert(1)", "1e309", "-0", "NaN",
    "inf", "99999999999999999999999999", "-9223372036854775809", "2025-13-45", "25:99", "europe/berlin", "Mars/Olympus",
    "2511.00001", "arXiv:2511.00001v9", "https://arxiv.org/abs/2511.00001", "💥", "👍🏽", "ﷺ", "Z̷̢̛a̶l̴g̸o", "９", "İ",
]
hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=40)), max_size=10).map("".join)
long_text = st.builds(lambda s, n: ((s or "x") * n)[:6000], hostile_text, st.integers(1, 6000))
any_text = st.one_of(hostile_text, hostile_text, long_text)
# values some option accepts, so that hostile text also reaches the paths past validation
PLAUSIBLE = ["08:30", "9am", "europe/berlin", "UTC", "2025-11-07", "2025-W45", "2511.04668", "2510.27492",
             "https://arxiv.org/abs/2511.04668", "mon-fri", "daily", "me", "channel", "on", "off", "0.5", "10",
             "reasoning", "Ranjay Krishna", "always", "never", "first_reply", "today", "subscribe"]
option_text = st.one_of(any_text, st.sampled_from(PLAUSIBLE),
                        st.builds(lambda ok, evil: f"{ok} {evil}", st.sampled_from(PLAUSIBLE), hostile_text))


def hostile_value(param: Param) -> st.SearchStrategy[Any]:
    """What Discord could send for this option: its typed values within the declared bounds (Discord
    enforces those), any string of up to 6,000 characters."""
    kind = param.type
    if kind.kind is ValueKind.INTEGER:
        return st.integers(int(kind.minimum or 0), min(int(kind.maximum or 0), 5))  # counts: few messages
    if kind.kind is ValueKind.NUMBER:
        return st.floats(float(kind.minimum or 0), float(kind.maximum or 0), allow_nan=False)
    if kind.kind is ValueKind.BOOLEAN:
        return st.booleans()
    choices = list(kind.choices or ())
    return st.one_of(option_text, st.sampled_from(choices)) if choices else option_text


OPTION_TYPE = {ValueKind.INTEGER: 4, ValueKind.NUMBER: 10, ValueKind.BOOLEAN: 5}


@dataclass(frozen=True)
class Case:
    subcommand: str
    options: list[dict[str, Any]]
    manager: bool
    focused: str | None = None

    def __repr__(self) -> str:  # hypothesis prints the failing case: keep it readable
        return f"Case({self.subcommand!r}, {[(o['name'], str(o['value'])[:80]) for o in self.options]}, " \
               f"manager={self.manager}, focused={self.focused!r})"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    spec = draw(st.sampled_from(specs()))
    options: list[dict[str, Any]] = []
    for param in spec.params:
        if param.required or draw(st.booleans()):
            options.append({"name": param.name, "type": OPTION_TYPE.get(param.type.kind, 3),
                            "value": draw(hostile_value(param))})
    suggesting = [o for o in options if any(p.name == o["name"] and p.type.suggests and p.type.kind is not
                                            ValueKind.BOOLEAN and not p.type.choices for p in spec.params)]
    focused = draw(st.sampled_from([None, *[o["name"] for o in suggesting]]))
    if focused is not None:  # Discord sends what is typed so far as a string
        for o in options:
            if o["name"] == focused:
                o["value"], o["type"] = str(o["value"]), o["type"]
    return Case(spec.name, options, draw(st.booleans()), focused)


def answered(fake: FakeDiscord, it: Interaction) -> bool:
    """Answered at once (ephemeral, or autocomplete choices), or deferred then edited / told privately."""
    if not it.responses:
        return False
    if it.responses[0].body.get("type") in (4, 8):
        return True
    return any(it.token in r.path and "/webhooks/" in r.path and r.method in ("PATCH", "POST") for r in fake.requests)


async def settled(fake: FakeDiscord, quiet: float = 0.05) -> None:
    """Until the bot has sent nothing for ``quiet`` seconds (the rest of a digest, a thread, a DM)."""
    while True:
        count = len(fake.requests)
        await asyncio.sleep(quiet)
        if len(fake.requests) == count:
            return


@pytest.fixture
async def hostile_bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Running]:
    async with start_running(fake, tmp_path, embedder=HashEmbedder(), dev_guild_id=int(GUILD_ID)) as started:
        yield started


async def test_hostile_option_values_are_answered_bounded_and_neutralised(
        hostile_bot: Running, caplog: pytest.LogCaptureFixture) -> None:
    """Hypothesis runs in a worker thread; each example is dispatched on the bot's event loop."""
    caplog.set_level(logging.WARNING)
    fake, loop = hostile_bot.fake, asyncio.get_running_loop()

    async def one(case: Case) -> str | None:
        since, logged = len(fake.requests), len(caplog.records)
        permissions = MEMBER_PERMISSIONS | (MANAGE_CHANNELS if case.manager else 0)
        it = await fake.slash(case.subcommand, case.options, permissions=permissions, focused=case.focused)
        try:
            await eventually(lambda: answered(fake, it), timeout=10)
        except AssertionError:
            return f"{case!r} was not answered"
        await settled(fake)
        problems = fake.rendering_problems(since)
        traces = [r.getMessage() for r in caplog.records[logged:] if r.exc_info or r.exc_text]
        if traces:
            return f"{case!r} logged a traceback: {traces[0]}"
        return f"{case!r}: {problems[0]}" if problems else None

    @settings(max_examples=50, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=cases())
    def dispatch(case: Case) -> None:
        problem = asyncio.run_coroutine_threadsafe(one(case), loop).result(timeout=60)
        if problem:
            HOSTILE.failed(problem)
        else:
            HOSTILE.tried()
        assert problem is None, problem

    await asyncio.to_thread(dispatch)
    assert fake.violations == [] and not hostile_bot.runner.client.is_closed()


# ---------------------------------------------------------------- (b) hostile papers through every renderer

URLS = st.one_of(st.none(), st.sampled_from([
    "https://github.com/org_name/repo_name", "https://github.com/" + "g" * 3000, "javascript:alert(1)",
    "https://evil.example/[x](https://evil)", "https://evil.example/@everyone", "https://evil.example/<@1>",
    "http://ok.example/a)b", "https://ok.example/path?q=1&r=2#frag", "ftp://old.example", "https://" + "h" * 600,
]), hostile_text)
NUMBERS = st.one_of(st.none(), st.integers(-(2**63), 2**63), st.integers(-(10**40), 10**40))


@st.composite
def hostile_papers(draw: st.DrawFn) -> Paper:
    times = draw(st.sampled_from([1, 1, 50, 2000]))
    return Paper(
        arxiv_id=draw(st.sampled_from(["2511.00001", "hep-th/9901001", "2511.0000" + draw(st.sampled_from(["2", "<@1>", "[x](y)"]))])),
        title=draw(hostile_text) * times, abstract=draw(hostile_text) * draw(st.sampled_from([1, 500])),
        ai_summary=draw(st.one_of(st.none(), hostile_text.map(lambda s: s * times))),
        authors=tuple(draw(st.lists(hostile_text, max_size=5))) * draw(st.sampled_from([1, 1000])),
        categories=tuple(draw(st.lists(hostile_text, max_size=3))),
        github_repo=draw(URLS), project_page=draw(URLS), thumbnail_url=draw(URLS),
        upvotes=draw(NUMBERS), github_stars=draw(NUMBERS), num_comments=draw(NUMBERS),
        announced_on=date(2025, 11, 8), sources=frozenset(draw(st.sets(st.sampled_from(["sample", "huggingface"])))),
    )


def message(content: str | None, embeds: list[discord.Embed]) -> dict[str, Any]:
    """The body discord.py sends for one message (mentions: what every send passes)."""
    return {"content": content, "embeds": [e.to_dict() for e in embeds], "allowed_mentions": NO_MENTIONS.to_dict()}


def rendered_problems(paper: Paper, why: str, note: str) -> list[str]:
    problems: list[str] = []
    bodies = [message(m.content, m.embeds) for m in
              digest_messages(Digest(title=note, items=(RankedPaper(paper, 1.0, why),) * 3, note=note))]
    bodies += [message(m.content, m.embeds) for m in publication_messages(PaperReply(paper, why))]
    bodies.append(message(None, [paper_embed(paper, why, rank=25)]))
    opening = text_pieces(TextReply(opening_text(paper, why)), OPENING_MESSAGES)
    answer = text_pieces(TextReply(f"About {paper.arxiv_id}:\n{paper.abstract}\n{why}"), TEXT_MESSAGES)
    if not 1 <= len(opening) <= OPENING_MESSAGES or not 1 <= len(answer) <= TEXT_MESSAGES:
        problems.append(f"{len(opening)} opening / {len(answer)} answer messages")
    bodies += [message(text, []) for text in opening + answer]
    bodies += [message(error_text(exc), []) for exc in (UsageError(note), NotFoundError(why), RuntimeError(note))]
    for body in bodies:
        problems += message_limits_broken(body) + text_problems(body)
    name = fit_plain(thread_name([paper]), MAX_THREAD_NAME)
    if not 1 <= len(name) <= LIMITS["thread_name"] or live_mentions(name):
        problems.append(f"thread name {name!r}")
    return problems


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(paper=hostile_papers(), why=any_text, note=any_text)
def test_hostile_papers_render_within_discords_limits_with_nothing_live(paper: Paper, why: str, note: str) -> None:
    problems = rendered_problems(paper, why, note)
    if problems:
        HOSTILE.failed(f"{paper.arxiv_id}: {problems[0]}")
    else:
        HOSTILE.tried()
    assert problems == []
    sent_with: dict[str, Any] = dict(NO_MENTIONS.to_dict())
    assert sent_with == {"parse": []}  # the second lock, on every send


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(typed=any_text)
async def test_autocomplete_choices_for_anything_typed_are_bounded_and_plain(typed: str) -> None:
    problems: list[str] = []
    for spec in specs():
        for param in spec.params:
            if param.type.suggests and param.type.kind is not ValueKind.BOOLEAN:
                choices = await autocomplete_for(param.type)(None, typed)  # type: ignore[arg-type]
                data = [{"name": c.name, "value": c.value} for c in choices]
                problems += choices_limits_broken(data) + [m for c in data for m in live_mentions(str(c["name"]))]
    if problems:
        HOSTILE.failed(f"autocomplete of {typed[:40]!r}: {problems[0]}")
    else:
        HOSTILE.tried()
    assert problems == []
