"""While the embedding model warms up after start, a command that needs it answers at once with
"warming up" (on the console and in both adapters' words) instead of waiting; once warm, the normal
answer. A command that needs no embedding answers normally meanwhile; background work (the
scheduled digest) waits for the model instead of failing."""
from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.repl import ConsoleAdapter
from adapters.discord.commands import error_text
from adapters.slack.commands import failure_text
from bot.app import PaperBot
from bot.domain import ChannelRef, ReactionEvent
from bot.errors import ModelWarmingUpError
from bot.taste.lazy_model import LazyModel
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.builders import record_digest
from tests.harness.databases import sqlite_url
from tests.harness.embedders import SlowEmbedder
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import NOW, load_sample

WARMING = "The ranking model is warming up — try again in a few seconds."
CHANNEL = ChannelRef("console", "local", "console")


@pytest.fixture
async def setup(tmp_path: Path, head_schemas: HeadSchemas) -> AsyncIterator[tuple[PaperBot, SlowEmbedder, ConsoleAdapter, io.StringIO]]:
    url = await head_schemas.sqlite(tmp_path / "w.sqlite3")
    store = SqlStore.connect(url)
    await load_sample(store)
    slow = SlowEmbedder()
    bot = PaperBot(store, clock=lambda: NOW, embedder=slow)
    out = io.StringIO()
    yield bot, slow, ConsoleAdapter(bot, channel=CHANNEL, stdin=io.StringIO(), stdout=out, interactive=False), out
    slow.release.set()
    await store.close()


async def typed(adapter: ConsoleAdapter, out: io.StringIO, line: str) -> tuple[str, float]:
    start, started = out.tell(), time.perf_counter()
    await asyncio.wait_for(adapter.handle_line(line), timeout=5)
    return out.getvalue()[start:], time.perf_counter() - started


async def test_commands_that_need_the_model_say_warming_up_until_it_is_warm(setup) -> None:
    bot, slow, adapter, out = setup
    assert bot.taste is not None
    # a reaction on a posted paper: the member (and the channel) now have a taste to rank by
    first = await bot.digests.today(CHANNEL, count=3)
    await record_digest(bot.store, CHANNEL, first, ["m1", "m2", "m3"])
    await bot.on_reaction(ReactionEvent(CHANNEL, "m1", "you", "👍", True))
    seed = first.items[1].paper.arxiv_id

    warming = asyncio.create_task(bot.taste.warm())
    await asyncio.wait_for(slow.warm_started.wait(), 5)
    assert bot.taste.warming_up and not bot.taste.model_ready

    # the channel's own digest too: its taste (that reaction) needs the model to rank by
    for line in ("/papers today mine 3", "/papers today 3", f"/papers similar {seed} 3", "/papers search video reasoning",
                 f"/papers like {seed}", f"/papers ask {seed} what dataset do they use?"):
        text, seconds = await typed(adapter, out, line)
        assert text.strip() == f"⚠ {WARMING}", (line, text)
        assert seconds < 1.0, (line, seconds)
    assert slow.texts == 0  # nothing was embedded meanwhile

    text, _ = await typed(adapter, out, "/papers help")  # needs no model: answered as usual
    assert "/papers today" in text and WARMING not in text

    slow.release.set()
    await asyncio.wait_for(warming, 5)
    assert bot.taste.model_ready and not bot.taste.warming_up
    text, _ = await typed(adapter, out, "/papers today mine 3")
    assert "Top 3 papers" in text and WARMING not in text
    text, _ = await typed(adapter, out, f"/papers similar {seed} 3")
    assert "Papers similar to" in text and WARMING not in text


async def test_a_channel_without_a_taste_gets_its_trending_digest_during_warm_up(setup) -> None:
    bot, slow, adapter, out = setup
    assert bot.taste is not None
    warming = asyncio.create_task(bot.taste.warm())
    await asyncio.wait_for(slow.warm_started.wait(), 5)
    text, seconds = await typed(adapter, out, "/papers today 3")
    assert "Top 3 papers" in text and WARMING not in text and seconds < 1.0
    slow.release.set()
    await warming


async def test_the_scheduled_digest_waits_for_the_model(setup) -> None:
    bot, slow, _, _ = setup
    assert bot.taste is not None
    await bot.taste.add_signal(CHANNEL.key, "topic", "video reasoning", "you")  # the channel's taste: embeds a topic
    warming = asyncio.create_task(bot.taste.warm())
    await asyncio.wait_for(slow.warm_started.wait(), 5)
    scheduled = asyncio.create_task(bot.scheduled_digest(CHANNEL, 3))
    await asyncio.sleep(0.2)
    assert not scheduled.done()  # waiting, not failing
    slow.release.set()
    digest = await asyncio.wait_for(scheduled, 5)
    await warming
    assert len(digest.items) == 3 and slow.texts > 0


async def test_without_a_warm_up_the_first_command_loads_the_model_and_waits(setup) -> None:
    """`paperbot demo` and tests never warm: a command then loads the model itself, as before."""
    bot, slow, adapter, out = setup
    await bot.taste.add_signal(CHANNEL.key, "topic", "video reasoning", "you")
    command = asyncio.create_task(typed(adapter, out, "/papers today 3"))
    await asyncio.sleep(0.2)
    assert not command.done()
    slow.release.set()
    text, _ = await command
    assert "Top 3 papers" in text and WARMING not in text


async def test_a_failed_warm_up_does_not_leave_commands_warming_up_forever(tmp_path: Path, caplog) -> None:
    from bot.usecases.taste import warm_model

    class Broken(SlowEmbedder):
        async def warm(self) -> None:
            raise OSError("model.safetensors: no such file")

    url = sqlite_url(tmp_path / "b.sqlite3")
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        bot = PaperBot(store, clock=lambda: NOW, embedder=Broken())
        await warm_model(bot.taste)
        assert bot.taste is not None and not bot.taste.warming_up and not bot.taste.model_ready
        assert "did not load" in caplog.text and "no such file" in caplog.text


def test_the_adapters_show_the_warming_up_words_as_they_are() -> None:
    assert error_text(ModelWarmingUpError()) == WARMING  # Discord
    assert failure_text(ModelWarmingUpError()) == WARMING  # Slack


async def test_the_lazy_model_loads_once_for_concurrent_callers() -> None:
    loads: list[int] = []

    def load() -> str:
        time.sleep(0.2)
        loads.append(1)
        return "model"

    lazy = LazyModel(load)
    assert not lazy.ready
    results = await asyncio.gather(lazy.warm(), asyncio.to_thread(lazy.get), asyncio.to_thread(lazy.get))
    assert results[1:] == ["model", "model"] and loads == [1] and lazy.ready


async def test_slack_answers_warming_up_at_once_through_the_real_adapter(tmp_path: Path) -> None:
    from tests.harness.running_slack import running_slack

    slow = SlowEmbedder()
    async with running_slack(tmp_path, "http", embedder=slow) as slack:
        assert slack.bot.taste is not None
        warming = asyncio.create_task(slack.bot.taste.warm())
        await asyncio.wait_for(slow.warm_started.wait(), 5)
        started = time.perf_counter()
        assert (await slack.command("search video reasoning"))[0] == 200
        await slack.fake.wait_for(lambda: slack.fake.responses)
        assert slack.fake.responses[0] == {"text": WARMING, "response_type": "ephemeral"}
        assert time.perf_counter() - started < 3.0
        slow.release.set()
        await warming
        assert (await slack.command("search video reasoning", key="r2"))[0] == 200
        await slack.fake.wait_for(lambda: any(slack.fake.messages.values()))  # the results, posted in the channel
        assert "Search: video reasoning" in str(slack.fake.messages) and len(slack.fake.responses) == 1
