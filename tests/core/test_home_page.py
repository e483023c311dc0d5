"""The core's member page and channel form on the real store (SQLite and PostgreSQL): saved papers are
the member's own 🔖 reactions in their workspace; unsaving removes only those, in every channel; the
page counts and lists without the adapter; the form's fields are the commands' own declarations."""
from __future__ import annotations

from datetime import date, time, timedelta

from bot.app import PaperBot
from bot.commands.spec import REGISTRY
from bot.domain import ChannelRef, Paper, Post, PostKind, Reaction, Requester
from bot.usecases.home import HomeAction
from bot.usecases.ingest import store_papers
from bot.usecases.personal_digests import member_of
from bot.usecases.settings_form import FIELDS, field_param
from storage.store import SqlStore
from tests.harness.embedders import HashEmbedder
from tests.harness.sample import NOW

A = ChannelRef("slack", "T1", "C1")
B = ChannelRef("slack", "T1", "C2")
ELSEWHERE = ChannelRef("slack", "T2", "C1")
ME = Requester(ChannelRef("slack", "T1", "home"), "U1")
DAY = date(2025, 11, 7)


async def _bot(store: SqlStore) -> PaperBot:
    papers = [Paper(f"2511.0000{n}", f"Paper {n}", "about diffusion", announced_on=DAY, categories=("cs.CV",),
                    ai_keywords=("diffusion", f"topic{n}")) for n in range(1, 5)]
    await store_papers(store, papers)
    posts = [Post(ch, f"{ch.channel}.{n}", f"2511.0000{n}", PostKind.ON_DEMAND, posted_at=NOW)
             for ch in (A, B, ELSEWHERE) for n in range(1, 5)]
    await store.record_posts(posts)
    return PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder())


async def _react(store: SqlStore, ch: ChannelRef, n: int, emoji: str, user: str = "U1") -> None:
    await store.add_reaction(Reaction(ch, f"{ch.channel}.{n}", f"2511.0000{n}", user, emoji, NOW))


async def test_unsave_removes_the_members_bookmarks_in_every_channel_of_the_workspace_only(store: SqlStore) -> None:
    bot = await _bot(store)
    await _react(store, A, 1, "🔖")
    await _react(store, B, 1, "🔖")
    await _react(store, A, 2, "🔖")
    await _react(store, A, 1, "👍")
    await _react(store, A, 1, "🔖", user="U2")  # someone else's
    await _react(store, ELSEWHERE, 1, "🔖")  # the same person id in another workspace
    assert [s.arxiv_id for s in await bot.home.saved_papers(ME)] == ["2511.00002", "2511.00001"]

    assert await bot.home.act(ME, HomeAction.UNSAVE, "2511.00001") == "Unsaved 2511.00001."
    assert [s.arxiv_id for s in await bot.home.saved_papers(ME)] == ["2511.00002"]
    mine = {(r.channel.channel, r.arxiv_id, r.emoji) for r in await store.reactions_by_member("slack", "T1", "U1")}
    assert mine == {("C1", "2511.00002", "🔖"), ("C1", "2511.00001", "👍")}
    assert [r.emoji for r in await store.reactions_by_member("slack", "T1", "U2")] == ["🔖"]
    assert [r.emoji for r in await store.reactions_by_member("slack", "T2", "U1")] == ["🔖"]
    assert await bot.home.act(ME, "unsave", "2511.00001") == "2511.00001 was not saved."


async def test_the_page_counts_likes_dislikes_and_saves_and_names_the_topics(store: SqlStore) -> None:
    bot = await _bot(store)
    await _react(store, A, 1, "👍")
    await _react(store, B, 2, "🔥")
    await _react(store, A, 3, "👎")
    await _react(store, A, 4, "🔖")
    view = await bot.home.view(ME)
    taste, saved, dm, forget = view.sections
    assert taste.lines[0] == "👍 2 liked · 👎 1 not for you · 🔖 1 saved"
    assert taste.lines[1].startswith("Topics in what you liked: cs.cv, diffusion")
    assert [i.detail for i in taste.items] == ["2511.00002", "2511.00001"]  # most recently liked first
    assert [i.button.value for i in saved.items if i.button] == ["2511.00004"]
    assert dm.actions[0].action is HomeAction.DM_ON
    assert forget.actions[0].confirm is not None


def test_the_form_fields_are_the_commands_declared_parameters() -> None:
    for name, command, _ in FIELDS:
        assert field_param(name) is REGISTRY[command].param(name)


async def test_a_paused_dm_digest_resumes_at_its_own_time(store: SqlStore) -> None:
    bot = await _bot(store)
    await bot.personal.dm_on(ME, time(7, 15), "Asia/Tokyo")
    await store.pause_dm(member_of(ME), "the member left the workspace.", NOW)
    dm = (await bot.home.view(ME)).sections[2]
    assert [b.label for b in dm.actions] == ["Resume", "Turn off"]
    assert "Resume it here or run /papers dm on again" in dm.lines[0]
    said = await bot.home.act(ME, HomeAction.DM_ON, timezone="Europe/Paris")  # the member's zone now: not used
    sub = await bot.personal.dm(ME)
    assert sub is not None and not sub.paused and (sub.post_time, sub.timezone) == (time(7, 15), "Asia/Tokyo")
    assert said.startswith("On. Your personal digest") and "07:15 Asia/Tokyo" in said
    assert [b.label for b in (await bot.home.view(ME)).sections[2].actions] == ["Turn off"]


async def test_the_page_lists_the_same_saved_papers_as_the_saved_command_and_counts_the_rest(store: SqlStore) -> None:
    papers = [Paper(f"2511.1{n:04d}", f"Saved {n}", "about retrieval", announced_on=DAY) for n in range(25)]
    await store_papers(store, papers)
    await store.record_posts([Post(A, f"m{n}", p.arxiv_id, PostKind.ON_DEMAND, posted_at=NOW) for n, p in enumerate(papers)])
    for n, p in enumerate(papers):
        await store.add_reaction(Reaction(A, f"m{n}", p.arxiv_id, "U1", "🔖", NOW + timedelta(minutes=n)))
    await store.add_reaction(Reaction(A, "m0", papers[0].arxiv_id, "U1", "👍", NOW))  # not a save
    bot = PaperBot(store, clock=lambda: NOW, embedder=HashEmbedder())
    saved = (await bot.home.view(ME)).sections[1]
    listed = await bot.saved.saved(Requester(A, "U1"))  # what `/papers saved` and `/papers export` read
    assert [i.detail for i in saved.items] == [p.arxiv_id for p, _ in listed.papers][:20]
    assert [i.detail for i in saved.items][:2] == ["2511.10024", "2511.10023"]  # newest saved first
    assert saved.more == "…and 5 more." and listed.total == 25
    assert (await bot.home.view(ME)).sections[0].lines[0].endswith("🔖 25 saved")
