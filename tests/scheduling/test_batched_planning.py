"""A planning pass ranks the channels of a pool in batches; the plans are those of ranking each
channel on its own (``PersonalRanker.__call__``), item for item, with profiles loaded from a real
store (reactions, seed papers, topics, authors) and varied settings."""
from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.domain import ChannelRef, Paper, Post, RankedPaper, Reaction, Subscription
from bot.scheduling.personal import PersonalRanker
from bot.scheduling.planner import Planner
from bot.taste.model import AUTHOR, LIKE, TOPIC
from bot.usecases.taste import TasteUseCases
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.embedders import HashEmbedder

THU, FRI = date(2025, 11, 6), date(2025, 11, 7)
NOW = datetime(2025, 11, 7, 9, 5, tzinfo=UTC)
WORDS = ("diffusion video protein folding graph molecule speech audio robot grasping agent reward language model "
         "vision transformer retrieval sparse attention quantum circuit galaxy survey climate ocean").split()
AUTHORS = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Emmy Noether")
CHANNELS = 240


class OneAtATime(PersonalRanker):
    """Today's path: every channel ranked on its own."""

    def rank_many(self, channels: Sequence[ChannelRef], papers: Sequence[Paper], day: date,
                  counts: Sequence[int], skip: Sequence[AbstractSet[str]] | None = None) -> list[list[RankedPaper]]:
        return [self(c, papers, day, n) for c, n in zip(channels, counts, strict=True)]  # the planner drops what is seen


def papers_of(day: date, prefix: str, rng: random.Random) -> list[Paper]:
    out = []
    for i in range(90):
        words = rng.sample(WORDS, 4)
        out.append(Paper(f"2511.{prefix}{i:03d}", " ".join(words).title(), abstract=f"We study {' '.join(words)}.",
                         authors=(AUTHORS[i % 4],), announced_on=day, upvotes=rng.randint(0, 12) if i % 5 else 3,
                         sources=frozenset({"sample"})))
    return out


async def fill(store: SqlStore) -> None:
    rng = random.Random(4)
    thursday, friday = papers_of(THU, "06", rng), papers_of(FRI, "07", rng)
    await store.upsert_papers(thursday + friday)
    taste = TasteUseCases(store, HashEmbedder(), clock=lambda: NOW)
    for k in range(CHANNELS):
        channel = ChannelRef("slack", "T1", f"C{k:04d}")
        await store.save_subscription(Subscription(channel, time(9), "UTC", count=[5, 3, 7][k % 3],
                                                   created_at=datetime(2025, 11, 7, tzinfo=UTC)))
        rated = rng.sample(thursday, rng.randint(0, 6)) + rng.sample(friday, k % 3)  # Friday's: already posted here
        await store.record_posts([Post(channel, f"m{k}-{j}", p.arxiv_id) for j, p in enumerate(rated)])
        for j, p in enumerate(rated):
            for user in range(rng.randint(1, 3)):
                await store.add_reaction(Reaction(channel, f"m{k}-{j}", p.arxiv_id, f"U{user}", rng.choice("👍👍👎")))
        if k % 5 == 0:
            await taste.add_signal(channel.key, TOPIC, " ".join(rng.sample(WORDS, 2)), "U1")
        if k % 7 == 0:
            await taste.add_signal(channel.key, LIKE, rng.choice(thursday).arxiv_id, "U1")
        if k % 11 == 0:
            await taste.add_signal(channel.key, AUTHOR, AUTHORS[k % 4], "U1")
        changes: dict[str, object] = {"trending": (k % 5) / 4}
        if k % 4 == 1:
            changes["diversity"] = 0.0 if k % 8 == 1 else 0.4
        if k % 6 == 2:
            changes["explore"] = False
        if k % 13 == 3:
            changes["cap"] = 2
        if k % 17 == 4:
            changes["include_keywords"] = (rng.choice(WORDS),)
        await taste.update_settings(channel, **changes)


async def filled(path: Path) -> Path:
    """The store both plans start from, filled once (its file is copied for each plan)."""
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        await fill(store)
    assert not path.with_name(path.name + "-wal").exists()  # all in the one file once closed
    return path


async def plan(filled: Path, path: Path, ranker: type[PersonalRanker]) -> dict[str, list[tuple[str, float, str]]]:
    shutil.copyfile(filled, path)
    async with SqlStore.connect(f"sqlite+aiosqlite:///{path}") as store:
        taste = TasteUseCases(store, HashEmbedder(), clock=lambda: NOW)
        report = await Planner(store, store, clock=lambda: NOW, ranker=ranker(taste, clock=lambda: NOW)).plan_due()
        assert report.planned == CHANNELS
        return {row["channel_key"]: [(i["id"], i["score"], i["why"]) for i in row["items"]] for row in await store.outbox_rows()}


async def test_the_batched_plan_is_the_one_at_a_time_plan_item_for_item(tmp_path: Path) -> None:
    start = await filled(tmp_path / "filled.sqlite3")
    batched = await plan(start, tmp_path / "batched.sqlite3", PersonalRanker)
    single = await plan(start, tmp_path / "single.sqlite3", OneAtATime)
    assert len(batched) == CHANNELS
    assert batched == single
    whys = {why.split(" ")[0] for items in batched.values() for _, _, why in items}
    assert {"a", "on", "by", "exploring:"} <= whys  # like ("a bit like"), topic ("on topic"), author and exploration picks all planned
    assert len({tuple(i for i, _, _ in items) for items in batched.values()}) > CHANNELS // 2  # personalised, not one list
