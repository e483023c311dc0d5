"""The weekly recap: the week's most reacted-to and replied-to papers, one line each with thread
links, planned and sent exactly once at its time; off → nothing. Real store (SQLite and
PostgreSQL), injectable clock, recording fake platform."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.app import PaperBot
from bot.discussion.threads import ActivityKind, ThreadActivity, ThreadRecord
from bot.domain import ChannelRef, Paper, Post, Reaction, Requester, Subscription
from bot.errors import ChannelUnavailableError, PermissionDeniedError, UsageError
from bot.scheduling.personal_ports import recap_key
from bot.scheduling.planner import PlanSettings
from bot.scheduling.ports import EMPTY, FAILED, SENT, SKIPPED
from bot.scheduling.scheduler import Scheduler
from storage.store import SqlStore
from tests.harness.clocks import Clock
from tests.harness.faults import Crash
from tests.harness.platforms import FakePlatform

UTC = UTC
CH = ChannelRef("slack", "T1", "CR")
MANAGER = Requester(CH, "UM", can_manage_channel=True)
MEMBER = Requester(CH, "UX")
MON, FRI = date(2025, 11, 3), date(2025, 11, 7)
SETUP = datetime(2025, 11, 3, 10, 0, tzinfo=UTC)
DUE = datetime(2025, 11, 7, 15, 0, tzinfo=UTC)  # Friday 16:00 Europe/Berlin (CET)


class ThreadPlatform(FakePlatform):
    """The fake platform with the optional ``thread_url``."""

    async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
        return f"https://chat.example/{channel.channel}/{thread_id}"


def paper(i: int, day: date, title: str | None = None) -> Paper:
    return Paper(f"2511.0{i:04d}", title or f"Paper {i}", announced_on=day, upvotes=10, sources=frozenset({"sample"}))


async def week_of_discussion(store: SqlStore) -> None:
    """P0–P4 posted this week; P9 the week before (many reactions, out of the window)."""
    await store.upsert_papers([paper(i, MON) for i in range(5)] + [paper(9, MON - timedelta(days=6))]
                              + [paper(5, MON, "Evil\x1b[31m title\nwith a newline")])
    posted = {0: SETUP, 1: SETUP, 2: SETUP + timedelta(days=1), 3: SETUP + timedelta(days=2), 4: SETUP,
              9: SETUP - timedelta(days=5), 5: SETUP + timedelta(days=3)}
    await store.record_posts([Post(CH, f"m{i}", f"2511.0{i:04d}", posted_at=at) for i, at in posted.items()])
    for user, emoji in (("U1", "👍"), ("U2", "👍"), ("U3", "+1"), ("U4", "👎")):
        await store.add_reaction(Reaction(CH, "m2", "2511.00002", user, emoji))
    await store.add_reaction(Reaction(CH, "m0", "2511.00000", "U1", "👍"))
    await store.add_reaction(Reaction(CH, "m5", "2511.00005", "U1", "🎉"))
    for user in ("U1", "U2", "U3", "U4", "U5", "U6"):
        await store.add_reaction(Reaction(CH, "m9", "2511.00009", user, "👍"))
    await store.record_threads([ThreadRecord(CH, "m3", "t3", "2511.00003", SETUP)])
    await store.add_thread_activity([ThreadActivity(CH, "t3", "2511.00003", f"U{n}", ActivityKind.REPLY,
                                                    SETUP + timedelta(days=2, hours=n), f"e{n}") for n in range(5)])


def scheduler(store: SqlStore, platform: FakePlatform, clock: Clock, **kw) -> Scheduler:
    return Scheduler(store, {"slack": platform}, clock=clock, recap_count=kw.pop("count", 3), **kw)


async def recap_rows(store: SqlStore) -> dict:
    return {r["local_day"]: r for r in await store.outbox_rows() if r["channel_key"] == recap_key(CH)}


async def test_recap_lists_the_most_discussed_papers_with_thread_links_once_at_its_time(store: SqlStore) -> None:
    await store.save_subscription(Subscription(CH, time(9), "Europe/Berlin", count=2, created_at=SETUP))
    clock = Clock(SETUP)
    bot = PaperBot(store, clock=clock)
    reply = await bot.handle(MANAGER, "recap on")
    assert reply.text == ("On. Weekly recap: every Fri at 16:00 Europe/Berlin, the papers posted here in the past "
                          "7 days with the most reactions and thread replies.")
    await week_of_discussion(store)
    await store.upsert_papers([paper(i, FRI) for i in range(20, 23)])
    platform = ThreadPlatform()
    clock.now = datetime(2025, 11, 7, 8, 0, tzinfo=UTC)  # Friday's daily digest: same channel, same day
    s = scheduler(store, platform, clock, count=4)
    await s.tick()
    assert len(platform.sent) == 1 and len(platform.sent[0][2]) == 2
    clock.now = DUE - timedelta(minutes=1)
    await s.tick()
    assert len(platform.sent) == 1
    clock.now = DUE
    await s.tick()
    await s.tick()
    clock.now = DUE + timedelta(hours=1)
    await s.tick()
    assert len(platform.sent) == 2
    key, tag, (text,) = platform.sent[1]
    assert key == CH.key and tag.startswith("paperbot-outbox-")
    assert text.splitlines() == [
        "Weekly recap: the 4 most discussed papers since Fri 31 Oct 2025",
        "1. Paper 3 — 👍 0 👎 0 · 5 replies — thread: https://chat.example/CR/t3",
        "2. Paper 2 — 👍 3 👎 1 · 0 replies — https://arxiv.org/abs/2511.00002",
        "3. Paper 0 — 👍 1 👎 0 · 0 replies — https://arxiv.org/abs/2511.00000",
        "4. Evil [31m title with a newline — 👍 1 👎 0 · 0 replies — https://arxiv.org/abs/2511.00005",
    ]
    row = (await recap_rows(store))[FRI]
    assert row["status"] == SENT and row["kind"] == "recap" and row["message_ids"] == [platform.by_tag[tag][0]]
    assert len(await store.recent_posts(CH, 50)) == 9  # 7 posted + Friday's 2; the recap is not a post


async def test_a_recap_of_one_paper_is_worded_in_the_singular(store: SqlStore) -> None:
    clock = Clock(SETUP)
    await PaperBot(store, clock=clock).handle(MANAGER, "recap on")
    await week_of_discussion(store)
    platform = ThreadPlatform()
    clock.now = DUE + timedelta(hours=1)
    await scheduler(store, platform, clock, count=1).tick()
    [(_, _, (text,))] = platform.sent
    assert text.splitlines()[0] == "Weekly recap: the 1 most discussed paper since Fri 31 Oct 2025", text


async def test_recap_off_sends_nothing(store: SqlStore) -> None:
    clock = Clock(SETUP)
    bot = PaperBot(store, clock=clock)
    await bot.handle(MANAGER, "recap on fri 16:00")
    await week_of_discussion(store)
    assert (await bot.handle(MANAGER, "recap off")).text == "Weekly recap off for this channel."
    assert (await bot.handle(MEMBER, "recap")).text.startswith("This channel has no weekly recap.")
    platform = ThreadPlatform()
    clock.now = DUE + timedelta(hours=1)
    await scheduler(store, platform, clock).tick()
    assert platform.sent == [] and await recap_rows(store) == {}


async def test_recap_switched_off_after_planning_is_skipped(store: SqlStore) -> None:
    clock = Clock(SETUP)
    await PaperBot(store, clock=clock).handle(MANAGER, "recap on")
    await week_of_discussion(store)
    platform = ThreadPlatform()
    clock.now = datetime(2025, 11, 7, 16, 0, tzinfo=UTC)  # no subscription: 16:00 UTC
    s = scheduler(store, platform, clock)
    await s.personal_planners[1].plan_due()
    await store.delete_recap(CH)
    await s.tick()
    assert platform.sent == [] and (await recap_rows(store))[FRI]["status"] == SKIPPED


async def test_a_week_without_posts_sends_nothing_or_the_note(store: SqlStore) -> None:
    clock = Clock(SETUP)
    await PaperBot(store, clock=clock).handle(MANAGER, "recap on fri 16:00")
    platform = ThreadPlatform()
    clock.now = datetime(2025, 11, 7, 16, 0, tzinfo=UTC)
    await scheduler(store, platform, clock).tick()
    assert platform.sent == [] and (await recap_rows(store))[FRI]["status"] == EMPTY
    clock.now += timedelta(days=7)
    await scheduler(store, platform, clock, plan_settings=PlanSettings(empty_day_note=True)).tick()
    assert [texts for _, _, texts in platform.sent] == [["No papers were posted here this week."]]


async def test_recap_exactly_once_across_a_crash_between_sent_and_recorded(url: str) -> None:
    clock = Clock(SETUP)
    async with SqlStore.connect(url) as store:
        await PaperBot(store, clock=clock).handle(MANAGER, "recap on fri 15:00")
        await week_of_discussion(store)
    platform = ThreadPlatform()
    clock.now = DUE + timedelta(minutes=1)

    def crash(stage, item):
        if stage == "after_send":
            raise Crash(stage)

    async with SqlStore.connect(url) as store:
        with pytest.raises(Crash):
            await scheduler(store, platform, clock, fault=crash).tick()
    async with SqlStore.connect(url) as store:
        clock.now += timedelta(minutes=16)
        await scheduler(store, platform, clock).tick()
        await scheduler(store, platform, clock).tick()
        assert len(platform.sent) == 1
        assert (await recap_rows(store))[FRI]["status"] == SENT


async def test_recap_in_a_channel_the_bot_lost_is_paused_with_the_reason(store: SqlStore) -> None:
    clock = Clock(SETUP)
    bot = PaperBot(store, clock=clock)
    await bot.handle(MANAGER, "recap on")
    await week_of_discussion(store)
    platform = ThreadPlatform()
    platform.errors[CH.key].append(ChannelUnavailableError("the bot was removed from #papers"))
    clock.now = datetime(2025, 11, 7, 16, 5, tzinfo=UTC)
    await scheduler(store, platform, clock).tick()
    row = (await recap_rows(store))[FRI]
    assert row["status"] == FAILED and "the bot was removed" in row["error"]
    assert "Paused since 2025-11-07 16:05 UTC: the bot was removed from #papers" in (await bot.handle(MEMBER, "recap")).text
    await bot.handle(MANAGER, "recap on")  # switching it on again resumes
    assert not (await store.get_recap(CH)).paused


async def test_recap_commands_need_a_channel_manager_and_valid_words(store: SqlStore) -> None:
    bot = PaperBot(store, clock=Clock(SETUP))
    with pytest.raises(PermissionDeniedError):
        await bot.handle(MEMBER, "recap on")
    with pytest.raises(PermissionDeniedError):
        await bot.handle(MEMBER, "recap off")
    with pytest.raises(UsageError, match="not a weekday"):
        await bot.handle(MANAGER, "recap on someday")
    reply = await bot.handle(MANAGER, "recap on mon 9:30")
    assert "every Mon at 09:30 UTC" in reply.text  # no subscription here: UTC


async def test_a_thread_link_that_fails_falls_back_to_the_paper(store: SqlStore) -> None:
    class Broken(ThreadPlatform):
        async def thread_url(self, channel: ChannelRef, thread_id: str) -> str | None:
            raise RuntimeError("permalink API down")

    clock = Clock(SETUP)
    await PaperBot(store, clock=clock).handle(MANAGER, "recap on fri 16:00")
    await week_of_discussion(store)
    platform = Broken()
    clock.now = datetime(2025, 11, 7, 16, 0, tzinfo=UTC)
    await scheduler(store, platform, clock, count=1).tick()
    (_, _, (text,)), = platform.sent
    assert text.splitlines()[1] == "1. Paper 3 — 👍 0 👎 0 · 5 replies — https://arxiv.org/abs/2511.00003"


async def test_a_question_asked_outside_a_thread_counts_but_links_no_thread(store: SqlStore) -> None:
    """`/papers ask` is recorded with no thread: it counts as discussion; the link stays the paper's."""
    await week_of_discussion(store)
    asked = SETUP + timedelta(days=1)
    await store.add_thread_activity([ThreadActivity(CH, "", "2511.00001", "U1", ActivityKind.QUESTION, asked),
                                     ThreadActivity(CH, "", "2511.00003", "U2", ActivityKind.QUESTION, asked)])
    entries = {e.arxiv_id: e for e in await store.recap_entries(CH, SETUP - timedelta(days=1), DUE)}
    assert (entries["2511.00001"].replies, entries["2511.00001"].thread_id) == (1, None)
    assert (entries["2511.00003"].replies, entries["2511.00003"].thread_id) == (6, "t3")  # its thread still links
