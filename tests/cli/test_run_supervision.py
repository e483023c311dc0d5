"""`paperbot run` keeps running when one of its parts fails: the fetch catches every failure of a
round and tries again sooner, a platform that stops unexpectedly is started again, and only a
configuration error ends the run. Shutdown never waits forever on a part that does not let go."""
from __future__ import annotations

import asyncio
import importlib
from datetime import date
from pathlib import Path

import pytest

from bot.domain import Paper
from bot.errors import ConfigError, SourceError
from paperbot.compose import Sources
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.databases import sqlite_url
from tests.harness.tally import FAULTS

run_module = importlib.import_module("paperbot.commands.run")  # the module (the package exports its run())


class Flaky:
    """A day source that fails in the ways a bad network or a bad payload makes it fail, then works."""

    name = "flaky"

    def __init__(self, failures: list[BaseException]) -> None:
        self.failures = failures
        self.calls = 0

    async def fetch_day(self, day: date) -> list[Paper]:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return [Paper("2511.00001", "A paper", announced_on=day, sources=frozenset({"sample"}))]


@pytest.mark.faults
async def test_the_fetch_survives_every_failure_and_tries_again_sooner(tmp_path: Path, caplog) -> None:
    url = sqlite_url(tmp_path / "bot.sqlite3")
    await upgrade(url)
    source = Flaky([SourceError("HF answered 503"), OverflowError("date value out of range"), KeyError("paper")])
    async with SqlStore.connect(url) as store:
        task = asyncio.create_task(run_module.fetch_forever(store, Sources(day_sources=[source]), interval=3600,
                                                            retry=(0.01, 0.02)))
        for _ in range(500):
            if await store.count_papers():
                break
            await asyncio.sleep(0.01)
        assert not task.done(), task  # still running after three failed rounds
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert source.calls == 4 and await store.count_papers() == 1
    FAULTS.injected(3)
    assert "fetching papers for" in caplog.text or "failed" in caplog.text


@pytest.mark.faults
async def test_a_database_down_during_a_fetch_round_does_not_stop_the_fetch(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "bot.sqlite3")
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        real = store.upsert_papers
        calls = []

        async def down_once(papers):  # the database is full, then it is not
            calls.append(1)
            if len(calls) == 1:
                from bot.errors import StoreUnavailableError

                raise StoreUnavailableError("the database is unavailable right now (disk full)")
            return await real(papers)

        store.upsert_papers = down_once  # type: ignore[method-assign]
        task = asyncio.create_task(run_module.fetch_forever(store, Sources(day_sources=[Flaky([])]), retry=(0.01,)))
        for _ in range(500):
            if await store.count_papers():
                break
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert len(calls) == 2 and await store.count_papers() == 1
    FAULTS.injected()


@pytest.mark.faults
async def test_a_platform_that_stops_unexpectedly_is_started_again_and_a_config_error_ends_the_run() -> None:
    starts = []

    async def platform() -> None:
        starts.append(1)
        if len(starts) < 3:
            raise ConnectionResetError("gateway went away")
        await asyncio.sleep(3600)

    task = asyncio.create_task(run_module.supervise("slack", platform, pauses=(0.01,)))
    for _ in range(200):
        if len(starts) == 3:
            break
        await asyncio.sleep(0.01)
    assert len(starts) == 3 and not task.done()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    async def rejected() -> None:
        raise ConfigError("Discord rejected [discord] token")

    with pytest.raises(ConfigError, match=r"\[discord\] token"):
        await run_module.supervise("discord", rejected, pauses=(0.01,))
    FAULTS.injected(3)


@pytest.mark.faults
async def test_shutdown_does_not_hang_on_a_part_that_ignores_cancellation(monkeypatch, caplog) -> None:
    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                await asyncio.sleep(0)  # swallows the cancel, like a library stuck in cleanup
                await asyncio.sleep(3600)

    monkeypatch.setattr(run_module, "STOP_GRACE_SECONDS", 0.2)
    task = asyncio.create_task(stubborn(), name="stuck")
    await asyncio.sleep(0)
    await asyncio.wait_for(run_module._stop([task]), timeout=5)
    assert "stopping without waiting for stuck" in caplog.text
    task.cancel()
    FAULTS.injected()
