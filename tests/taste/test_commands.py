"""The taste commands through ``PaperBot.handle`` (a small deterministic embedder; the real one is in the ranking tests)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import PaperBot
from bot.commands import parse_command
from bot.commands.taste import ForgetCommand, SettingsCommand
from bot.domain import ChannelRef, ReactionEvent, Requester
from bot.errors import PermissionDeniedError, UsageError
from storage.migrate import upgrade
from storage.store import SqlStore
from tests.harness.builders import record_digest
from tests.harness.databases import sqlite_url
from tests.harness.embedders import HashEmbedder
from tests.harness.head_schema import HeadSchemas
from tests.harness.sample import NOW, load_sample

C1 = ChannelRef("console", "local", "C1")


@pytest.fixture
async def bot(tmp_path: Path, head_schemas: HeadSchemas) -> AsyncIterator[PaperBot]:
    url = await head_schemas.sqlite(tmp_path / "c.sqlite3")
    store = SqlStore.connect(url)
    await load_sample(store)
    yield PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder())
    await store.close()


MANAGER = Requester(C1, "U-admin", can_manage_channel=True)
MEMBER = Requester(C1, "U-member")


def test_parsing() -> None:
    assert parse_command("settings trending:0.3 exclude:\"survey, benchmark\" cap:3") == SettingsCommand(
        (("trending", 0.3), ("exclude_keywords", ("survey", "benchmark")), ("cap", 3)))
    assert parse_command("forget channel confirm") == ForgetCommand("channel", True)
    assert parse_command("forget me") == ForgetCommand("me", False)
    assert parse_command('follow author:"Ada Lovelace"').author == "Ada Lovelace"
    assert parse_command("today mine 3").mine
    assert parse_command('subscribe 08:00 topics:"diffusion models, robotics"').topics == ("diffusion models", "robotics")
    for bad in ("settings trending:2", "settings colour:red", "forget everyone", "search", "like"):
        with pytest.raises(UsageError):
            parse_command(bad)


async def test_settings_need_a_manager(bot: PaperBot) -> None:
    with pytest.raises(PermissionDeniedError):
        await bot.handle(MEMBER, "settings trending:0.9")
    reply = await bot.handle(MANAGER, 'settings trending:0.9 exclude:"video"')
    assert "0.90" in reply.text and "video" in reply.text
    digest = (await bot.handle(MEMBER, "today 10")).digest
    assert digest.items and all("video" not in (i.paper.title + i.paper.abstract).lower() for i in digest.items)


async def test_like_follow_search_similar_prefs_and_forget(bot: PaperBot) -> None:
    await bot.taste.backfill()
    first = (await bot.handle(MEMBER, "today 3")).digest
    await record_digest(bot.store, C1, first, ["1", "2", "3"])
    await bot.on_reaction(ReactionEvent(C1, "1", MEMBER.user_id, "👍", True))
    seed = first.items[2].paper.arxiv_id
    await bot.handle(MEMBER, f"like https://arxiv.org/abs/{seed}")
    await bot.handle(MEMBER, 'follow author:"Some Author"')
    assert (await bot.handle(MEMBER, "search video reasoning")).digest.items
    similar = (await bot.handle(MEMBER, f"similar {seed} 3")).digest.items
    assert len(similar) == 3 and seed not in [i.paper.arxiv_id for i in similar]
    prefs = (await bot.handle(MEMBER, "prefs")).text
    assert "1 👍" in prefs and seed in prefs and "Some Author" in prefs
    mine = (await bot.handle(MEMBER, "today mine 3")).digest
    assert mine.items

    assert "confirm" in (await bot.handle(MEMBER, "forget me")).text
    assert await bot.store.reactions_for_channel(C1)  # not yet
    await bot.handle(MEMBER, "forget me confirm")
    store = bot.store
    assert await store.reactions_by_member("console", "local", MEMBER.user_id) == []
    assert await store.signals(f"member:console:local:{MEMBER.user_id}") == []
    assert await store.signals(C1.key) == []  # the seeds they gave the channel went too
    with pytest.raises(PermissionDeniedError):
        await bot.handle(MEMBER, "forget channel confirm")


async def test_without_an_embedder_digests_stay_trending(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "t.sqlite3")
    await upgrade(url)
    async with SqlStore.connect(url) as store:
        await load_sample(store)
        bot = PaperBot(store, clock=lambda: NOW)
        assert bot.taste is None
        assert (await bot.handle(MEMBER, "today 3")).digest.items[0].why.startswith("trending")
        with pytest.raises(UsageError):
            await bot.handle(MEMBER, "prefs")
