"""The fault suite's SQLite part: the file is locked by another program for longer than the busy
timeout while the scheduler delivers and members react. Nothing is sent twice, nothing is lost:
the tick that could not claim sends nothing, the next one sends; a reaction that could not be
stored is kept and applied once the lock is gone."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.domain import ChannelRef, ReactionEvent, Subscription
from bot.errors import StoreUnavailableError
from bot.scheduling.ports import SENT
from bot.scheduling.scheduler import Scheduler
from bot.usecases.kept_kinds import kept_reaction
from storage import database
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.builders import papers
from tests.harness.clocks import Clock
from tests.harness.databases import sqlite_url
from tests.harness.platforms import ThreadedPlatform
from tests.harness.tally import FAULTS

pytestmark = pytest.mark.faults

FRI = datetime(2025, 11, 7, 9, 5, tzinfo=UTC)
CHANNELS = [ChannelRef("slack", "T1", f"C{n}") for n in range(5)]


async def test_a_locked_sqlite_file_delays_but_never_doubles_or_loses(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 1000)  # short, yet above what the app's own concurrent writes wait under load
    path = tmp_path / "bot.sqlite3"
    await upgrade(sqlite_url(path))
    async with SqlStore.connect(sqlite_url(path)) as store:
        await store.upsert_papers(papers(FRI.date()))
        for channel in CHANNELS:
            await store.save_subscription(Subscription(channel, time(9), "UTC", count=2, created_at=FRI - timedelta(days=1)))
        clock, platform = Clock(FRI), ThreadedPlatform()
        bot = PaperBot(store, clock=clock)
        scheduler = Scheduler(store, {"slack": platform}, clock=clock, publisher=bot.publisher)

        holder = sqlite3.connect(path, isolation_level=None, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")  # a backup tool, a second process: the write lock is taken
        FAULTS.injected()
        with pytest.raises(StoreUnavailableError):
            await scheduler.tick()
        assert platform.sent == []  # nothing claimed, nothing sent
        holder.rollback()
        await scheduler.tick()
        assert {r["status"] for r in await store.outbox_rows()} == {SENT}
        assert sorted(platform.count(c.key) for c in CHANNELS) == [1] * len(CHANNELS)
        FAULTS.posts(expected=len(CHANNELS), sent=sum(1 for c in CHANNELS if platform.count(c.key)))

        bot.retry.delays = (0.2, 0.4, 0.8, 1.6)
        posts = await store.recent_posts(CHANNELS[0])
        holder.execute("BEGIN EXCLUSIVE")
        FAULTS.injected()
        for n, post in enumerate(posts):
            event = ReactionEvent(post.channel, post.message_id, f"U{n}", "👍", True, event_id=f"Lock{n}")
            assert not await bot.keep_for_retry(kept_reaction(event, f"reaction {n}"))
        await asyncio.sleep(0.3)
        holder.rollback()
        holder.close()
        for _ in range(100):
            if not bot.retry.pending:
                break
            await asyncio.sleep(0.05)
        stored = await store.reactions_for_channel(CHANNELS[0])
        FAULTS.reactions(sent=len(posts), stored=len(stored))
        assert len(stored) == len(posts) and bot.retry.counts.lost == 0
        await bot.close()


class Pragma:
    """Every new connection of ``store`` runs ``pragma`` (the pool is emptied so all connections are new):
    how a read-only file (``query_only``) or a full disk (``max_page_count``) looks to the driver."""

    def __init__(self, store: SqlStore, pragma: str) -> None:
        self.store, self.pragma = store, pragma

    def _on_connect(self, dbapi_connection, _record) -> None:
        dbapi_connection.execute(self.pragma)

    async def __aenter__(self) -> Pragma:
        from sqlalchemy import event

        assert self.store.engine is not None
        event.listen(self.store.engine.sync_engine, "connect", self._on_connect)
        await self.store.engine.dispose()
        return self

    async def __aexit__(self, *exc: object) -> None:
        from sqlalchemy import event

        assert self.store.engine is not None
        event.remove(self.store.engine.sync_engine, "connect", self._on_connect)
        await self.store.engine.dispose()


@contextmanager
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB filesystem of the test's own (tmpfs; root only), so a disk can really be full."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("a small filesystem of its own needs root and mount (tmpfs) for a real full disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the filesystem to the last byte; the returned file frees it when deleted."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


@pytest.mark.parametrize("fault", ["read-only", "full"])
async def test_a_read_only_or_full_database_keeps_reactions_for_later(tmp_path: Path, fault: str) -> None:
    with ExitStack() as stack:
        folder = stack.enter_context(tiny_disk(tmp_path)) if fault == "full" else tmp_path
        await _read_only_or_full(folder / "bot.sqlite3", fault)


async def _read_only_or_full(path: Path, fault: str) -> None:
    await upgrade(sqlite_url(path))
    async with SqlStore.connect(sqlite_url(path)) as store:
        await store.upsert_papers(papers(FRI.date()))
        clock, platform = Clock(FRI), ThreadedPlatform()
        bot = PaperBot(store, clock=clock)
        await store.save_subscription(Subscription(CHANNELS[0], time(9), "UTC", count=3, created_at=FRI - timedelta(days=1)))
        await Scheduler(store, {"slack": platform}, clock=clock, publisher=bot.publisher).tick()
        posts = await store.recent_posts(CHANNELS[0])
        bot.retry.delays = (0.2, 0.4, 0.8, 1.6)
        async with AsyncExitStack() as fault_lasts:
            if fault == "read-only":
                await fault_lasts.enter_async_context(Pragma(store, "PRAGMA query_only = 1"))
            else:
                filler = fill(path.parent)
                fault_lasts.callback(filler.unlink)
            FAULTS.injected()
            with pytest.raises(StoreUnavailableError):  # said, not swallowed
                for n in range(200):  # enough rows to need a new page on the full disk
                    await bot.on_reaction(ReactionEvent(CHANNELS[0], posts[0].message_id, f"X{n}", "🔥" * 30, True,
                                                        event_id=f"direct-{n}-" + "x" * 200))
            for n, post in enumerate(posts):
                event = ReactionEvent(post.channel, post.message_id, f"U{n}", "👍", True, event_id=f"RoFull{n}")
                assert not await bot.keep_for_retry(kept_reaction(event, f"reaction {n}"))
        for _ in range(100):
            if not bot.retry.pending:
                break
            await asyncio.sleep(0.05)
        stored = [r for r in await store.reactions_for_channel(CHANNELS[0]) if r.emoji == "👍"]
        FAULTS.reactions(sent=len(posts), stored=len(stored))
        assert len(stored) == len(posts) and bot.retry.counts.lost == 0
        await bot.close()
