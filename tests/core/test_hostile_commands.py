"""The hostile-input suite, core part: every `/papers` subcommand and every console verb, fed what an
attacker or a clumsy hand types — Unicode digits, numbers of thousands of digits, far-off weeks and
days, mentions, masked links, markdown, control and zero-width characters, NUL, huge texts.

Each input must end cleanly: a reply (text bounded for people) or a UsageError / other
PaperbotError naming what was wrong — never another exception, never a hang. Run against the real
core on a real SQLite file, digests published through a fake platform with threads.
"""
from __future__ import annotations

import asyncio
import io
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console.repl import ConsoleAdapter
from bot.app import PaperBot
from bot.commands import specs
from bot.domain import ChannelRef, Requester
from bot.errors import PaperbotError
from bot.paging import page_text
from bot.replies import ExportReply, PagedReply, Posted, TextReply
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.databases import sqlite_url
from tests.harness.embedders import HashEmbedder
from tests.harness.platforms import ThreadedPlatform
from tests.harness.sample import NOW, load_sample
from tests.harness.tally import HOSTILE

pytestmark = pytest.mark.hostile

CHANNEL = ChannelRef("console", "local", "hostile")
MANAGER = Requester(CHANNEL, "U-admin", can_manage_channel=True)
MEMBER = Requester(CHANNEL, "U-member")
REPLY_LIMIT = 8000  # a text reply people read: bounded whatever was typed

HOSTILE_WORDS = st.sampled_from([
    "²", "①", "٣", "５", "0", "-1", "+3", "3.5", "1e309", "inf", "-inf", "nan", "NaN", "-0", "0x10", "9" * 5000,
    "9999-W52", "0000-W01", "2025-W99", "9999-12-31", "0001-01-01", "2025-02-30", "25:99", "24:00", "13pm", "9am",
    "Europe/Berlin", "Berlin", "Mars/Olympus", "../../etc/passwd", "UTC", "Z",
    "@everyone", "@here", "<!channel>", "<@U123>", "<#C1>", "[a](x)", "[Free Nitro](https://evil.example)",
    "**bold**", "`code`", "\u200b", "\u202e", "\x00", "\x1b[31m", "\r\n", "\t", "<script>", "&amp;",
    "2511.04570", "2511.04570v999999999999", "arXiv:2511.04570", "https://arxiv.org/abs/2511.04570", "hep-th/9901001",
    "a" * 300, "x" * 10_000, "count=99", "count:0", "trending:2", "threshold:inf", "cap:999", "threads:sometimes",
    "days=someday", "topics:" + ",".join(["t"] * 500), 'author:"' + "n" * 3000 + '"', "mine", "weekly", "daily",
    "me", "channel", "confirm", "on", "off", "settings", "show", "fri", "someday", '"', "'", "\\", "=", ":",
])
WORDS = st.one_of(HOSTILE_WORDS, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
                  st.text(alphabet=string.printable, max_size=20))
NAMES = st.sampled_from(sorted({s.name for s in specs()} | {"frobnicate", "", "HELP", "Today"}))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.AbstractEventLoop, PaperBot, ConsoleAdapter]]:
    """One event loop and one bot for all examples (hypothesis runs hundreds)."""
    loop = asyncio.new_event_loop()
    url = sqlite_url(Path(tmp_path_factory.mktemp("hostile")) / "bot.sqlite3")

    async def build() -> tuple[SqlStore, PaperBot, ConsoleAdapter]:
        await upgrade(url)
        store = SqlStore.connect(url)
        await load_sample(store)
        bot = PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder())
        console = ConsoleAdapter(bot, stdin=io.StringIO(), stdout=io.StringIO(), interactive=False)
        return store, bot, console

    store, bot, console = loop.run_until_complete(build())
    yield loop, bot, console
    loop.run_until_complete(bot.close())
    loop.run_until_complete(store.close())
    loop.close()


async def _command(bot: PaperBot, requester: Requester, text: str) -> None:
    try:
        reply = await asyncio.wait_for(bot.handle(requester, text, ThreadedPlatform("console")), timeout=30)
    except PaperbotError as exc:
        assert len(str(exc)) <= REPLY_LIMIT, f"an error of {len(str(exc))} characters"
        return
    assert isinstance(reply, TextReply | Posted | PagedReply | ExportReply)
    if isinstance(reply, TextReply):
        assert len(reply.text) <= REPLY_LIMIT, f"a reply of {len(reply.text)} characters"
    if isinstance(reply, PagedReply | ExportReply):  # `/papers saved`, `/papers export`: a page fits the limit given
        paged = reply.inline if isinstance(reply, ExportReply) else reply
        assert len(page_text(paged, REPLY_LIMIT)) <= REPLY_LIMIT


def _check(loop: asyncio.AbstractEventLoop, what: str, work: object) -> None:
    try:
        loop.run_until_complete(work)  # type: ignore[arg-type]
    except BaseException as exc:
        HOSTILE.failed(f"{what!r}: {type(exc).__name__}: {exc}"[:300])
        raise
    HOSTILE.tried()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, words=st.lists(WORDS, max_size=6), manager=st.booleans())
def test_every_subcommand_ends_cleanly_on_hostile_words(world, name: str, words: list[str], manager: bool) -> None:
    loop, bot, _ = world
    text = " ".join([name, *words])
    _check(loop, text, _command(bot, MANAGER if manager else MEMBER, text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(verb=st.sampled_from(["react", "unreact", "thread", "reply", "ask", "wait", "as", "posts", "time", "help",
                             "quit", "/papers", "papers", "history", "#", "", "?"]),
       words=st.lists(WORDS, max_size=4))
def test_every_console_verb_ends_cleanly_on_hostile_words(world, verb: str, words: list[str]) -> None:
    loop, _, console = world
    line = " ".join([verb, *words])

    async def run() -> None:
        await asyncio.wait_for(console.handle_line(line), timeout=30)

    _check(loop, line, run())


@pytest.mark.parametrize("text", ["today ²", "today ①", "today " + "9" * 4301, "week 9999-W52", "week 0000-W01",
                                  "paper 2511.04570v" + "9" * 5000, "subscribe threshold=inf", "subscribe threshold=1e309",
                                  "settings trending:nan", "settings threshold:-inf", "settings trending:-0"])
def test_the_reported_inputs_are_refused_in_words(world, text: str) -> None:
    loop, bot, _ = world

    async def run() -> None:
        try:
            reply = await bot.handle(MANAGER, text)
        except PaperbotError as exc:
            assert any(w in str(exc) for w in ("is not", "must be", "not accepted", "are read up to")), str(exc)
            return
        assert isinstance(reply, TextReply) and "-0.00" not in reply.text, reply  # trending:-0 reads 0.00

    _check(loop, text, run())


def test_a_huge_wait_in_the_console_is_refused(world) -> None:
    loop, _, console = world
    out = console._out
    start = out.tell()
    _check(loop, "wait 99999999999999999999d", console.handle_line("wait 99999999999999999999d"))
    assert "Usage: wait <duration>" in out.getvalue()[start:] or "Nothing is scheduled" in out.getvalue()[start:]
