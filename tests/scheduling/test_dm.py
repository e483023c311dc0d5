"""Personal DM digests: at the member's local time across DST, exactly once (ticks, crash between
sent and recorded), ranked by the member's own profile, never a paper twice, and a platform that
cannot open DMs fails visibly. Real store (SQLite and PostgreSQL), injectable clock, fake platform."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.app import PaperBot
from bot.domain import ChannelRef, Paper, Post, Reaction, Requester
from bot.errors import UsageError
from bot.scheduling.dm import taste_member_ranker
from bot.scheduling.personal_ports import DmSubscription, Member, dm_key
from bot.scheduling.planner import PlanSettings
from bot.scheduling.ports import EMPTY, FAILED, SENT
from bot.scheduling.scheduler import Scheduler
from storage.store import SqlStore
from tests.harness.builders import papers
from tests.harness.clocks import Clock
from tests.harness.embedders import HashEmbedder
from tests.harness.faults import Crash
from tests.harness.platforms import FakePlatform

UTC = UTC
U1, U2 = Member("slack", "T1", "U1"), Member("slack", "T1", "U2")
FRI, MON = date(2025, 10, 24), date(2025, 10, 27)  # Europe/Paris leaves summer time on Sunday 26 Oct


class DmPlatform(FakePlatform):
    """The fake platform with the optional ``open_dm``: member U1's DM channel is D-U1."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[tuple[str, str]] = []

    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        self.opened.append((workspace, user_id))
        return ChannelRef(self.platform, workspace, f"D-{user_id}")


def dm_channel(member: Member) -> ChannelRef:
    return ChannelRef(member.platform, member.workspace, f"D-{member.user_id}")


async def dm_on(store: SqlStore, member: Member, *, at: time = time(8, 30), tz: str = "Europe/Paris", count: int = 3,
                weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})) -> None:
    await store.save_dm(DmSubscription(member, at, tz, weekdays, count, created_at=datetime(2025, 1, 1, tzinfo=UTC)))


async def dm_rows(store: SqlStore, member: Member) -> dict:
    return {r["local_day"]: r for r in await store.outbox_rows() if r["channel_key"] == dm_key(member)}


def scheduler(store: SqlStore, platform: FakePlatform, clock: Clock, **kw) -> Scheduler:
    return Scheduler(store, {"slack": platform}, clock=clock, **kw)


async def test_dm_at_0830_paris_across_the_dst_change(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI) + papers(MON, prefix="2512"))
    await dm_on(store, U1)
    platform = DmPlatform()
    clock = Clock(datetime(2025, 10, 24, 6, 29, tzinfo=UTC))  # Friday 08:29 CEST
    s = scheduler(store, platform, clock)
    await s.tick()
    assert platform.sent == []
    clock.now = datetime(2025, 10, 24, 6, 30, tzinfo=UTC)  # 08:30 CEST = 06:30 UTC
    await s.tick()
    await s.tick()
    assert platform.count(dm_channel(U1).key) == 1 and platform.opened == [("T1", "U1")]
    clock.now = datetime(2025, 10, 27, 6, 30, tzinfo=UTC)  # Monday 07:30 CET: not yet
    await s.tick()
    assert platform.count(dm_channel(U1).key) == 1
    clock.now = datetime(2025, 10, 27, 7, 30, tzinfo=UTC)  # 08:30 CET = 07:30 UTC
    await s.tick()
    assert platform.count(dm_channel(U1).key) == 2
    rows = await dm_rows(store, U1)
    assert rows[FRI]["due_at"] == datetime(2025, 10, 24, 6, 30, tzinfo=UTC) and rows[FRI]["kind"] == "dm"
    assert rows[MON]["due_at"] == datetime(2025, 10, 27, 7, 30, tzinfo=UTC) and rows[MON]["status"] == SENT
    assert [ids for _, _, ids in platform.sent][1][0].startswith("2512")  # Monday's papers
    posted = await store.recent_posts(dm_channel(U1))  # recorded where they were posted: reactions map back
    assert len(posted) == 6


async def test_dm_never_repeats_a_paper(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI, n=5))
    await dm_on(store, U1, tz="UTC", weekdays=frozenset(range(1, 8)))
    platform, clock = DmPlatform(), Clock(datetime(2025, 10, 24, 8, 45, tzinfo=UTC))
    s = scheduler(store, platform, clock)
    await s.tick()
    clock.now += timedelta(days=1)  # Saturday: still Friday's papers, 2 not yet sent
    await s.tick()
    clock.now += timedelta(days=1)  # Sunday: nothing new left
    await s.tick()
    sent = [ids for _, _, ids in platform.sent]
    assert len(sent) == 2 and len(sent[0]) == 3 and len(sent[1]) == 2 and not set(sent[0]) & set(sent[1])
    assert (await dm_rows(store, U1))[FRI + timedelta(days=2)]["status"] == EMPTY


async def test_dm_exactly_once_across_ticks_and_a_crash_between_sent_and_recorded(url: str) -> None:
    async with SqlStore.connect(url) as store:
        await store.upsert_papers(papers(FRI))
        await dm_on(store, U1)
    platform, clock = DmPlatform(), Clock(datetime(2025, 10, 24, 6, 40, tzinfo=UTC))

    def crash(stage, item):
        if stage == "after_send":
            raise Crash(stage)

    async with SqlStore.connect(url) as store:
        with pytest.raises(Crash):
            await scheduler(store, platform, clock, fault=crash).tick()
    assert platform.count(dm_channel(U1).key) == 1
    async with SqlStore.connect(url) as store:
        await scheduler(store, platform, clock).tick()  # the dead worker's lease still holds
        clock.now += timedelta(minutes=16)
        await scheduler(store, platform, clock).tick()
        await scheduler(store, platform, clock).tick()
        assert platform.count(dm_channel(U1).key) == 1  # found by its tag in the DM, not resent
        row = (await dm_rows(store, U1))[FRI]
        assert row["status"] == SENT and row["message_ids"] == platform.by_tag[f"paperbot-outbox-{row['id']}"]
        assert len(await store.recent_posts(dm_channel(U1))) == 3


TOPICS = ["video diffusion generation frames", "protein folding structure biology", "reinforcement learning agents reward",
          "speech recognition audio transcription", "graph neural networks molecules", "robot manipulation grasping"]


def topic_papers(day: date, prefix: str) -> list[Paper]:
    return [Paper(f"2510.{prefix}{i:03d}", f"{t.title()} study", abstract=f"We study {t}. {t} results.", announced_on=day,
                  upvotes=100 - i, sources=frozenset({"sample"})) for i, t in enumerate(TOPICS)]


async def test_dm_is_ranked_by_the_members_own_profile(store: SqlStore) -> None:
    thu = FRI - timedelta(days=1)
    await store.upsert_papers(topic_papers(thu, "23") + topic_papers(FRI, "24"))
    channel = ChannelRef("slack", "T1", "CPAPERS")
    await store.record_posts([Post(channel, "m1", "2510.23001")])  # yesterday's protein folding paper
    await store.add_reaction(Reaction(channel, "m1", "2510.23001", "U1", "👍"))  # U1 liked it; U2 did nothing
    await dm_on(store, U1, tz="UTC")
    await dm_on(store, U2, tz="UTC")
    clock = Clock(datetime(2025, 10, 24, 8, 35, tzinfo=UTC))
    bot = PaperBot(store, clock=clock, embedder=HashEmbedder(), taste_options={"default_trending": 0.0})
    platform = DmPlatform()
    await scheduler(store, platform, clock, member_ranker=taste_member_ranker(bot.taste)).tick()
    got = {key: ids for key, _, ids in platform.sent}
    mine, theirs = got[dm_channel(U1).key], got[dm_channel(U2).key]
    assert mine[0] == "2510.24001"  # today's protein folding paper first for the member who liked one
    assert theirs == ["2510.24000", "2510.24001", "2510.24002"]  # no profile: trending order
    # the same ranking as `/papers today mine`
    digest = await bot.digests.today(channel, count=3, member=Requester(channel, "U1"))
    assert [r.paper.arxiv_id for r in digest.items][0] == mine[0]


async def test_a_platform_without_open_dm_fails_visibly_and_pauses_the_dm(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI) + papers(MON, prefix="2512"))
    await dm_on(store, U1)
    platform, clock = FakePlatform(), Clock(datetime(2025, 10, 24, 6, 45, tzinfo=UTC))
    await scheduler(store, platform, clock).tick()
    assert platform.sent == []
    row = (await dm_rows(store, U1))[FRI]
    assert row["status"] == FAILED and "cannot send direct messages (no open_dm)" in row["error"]
    sub = await store.get_dm(U1)
    assert sub.paused and "no open_dm" in sub.paused_reason
    bot = PaperBot(store, clock=clock)
    shown = (await bot.handle(Requester(ChannelRef("slack", "T1", "C1"), "U1"), "dm")).text
    assert "Paused since 2025-10-24 06:45 UTC" in shown and "dm on again" in shown
    clock.now = datetime(2025, 10, 27, 7, 45, tzinfo=UTC)  # paused: Monday is not planned
    await scheduler(store, platform, clock).tick()
    assert MON not in await dm_rows(store, U1)


async def test_dm_switched_off_after_planning_gets_nothing(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI))
    await dm_on(store, U1)
    platform, clock = DmPlatform(), Clock(datetime(2025, 10, 24, 6, 45, tzinfo=UTC))
    s = scheduler(store, platform, clock)
    await s.personal_planners[0].plan_due()
    await store.delete_dm(U1)
    await s.tick()
    assert platform.sent == [] and (await dm_rows(store, U1))[FRI]["status"] == "skipped"


async def test_dm_note_on_an_empty_day_when_configured(store: SqlStore) -> None:
    await dm_on(store, U1)
    platform, clock = DmPlatform(), Clock(datetime(2025, 10, 24, 6, 45, tzinfo=UTC))
    await scheduler(store, platform, clock, plan_settings=PlanSettings(empty_day_note=True)).tick()
    assert [(key, texts) for key, _, texts in platform.sent] == [(dm_channel(U1).key, ["No new papers for you today."])]


async def test_dm_commands(store: SqlStore) -> None:
    clock = Clock(datetime(2025, 10, 24, 6, 45, tzinfo=UTC))
    bot = PaperBot(store, clock=clock)
    me = Requester(ChannelRef("slack", "T1", "C1"), "U1")  # no channel permission needed: it is my own digest
    reply = await bot.handle(me, "dm on 08:30 europe/paris weekdays")
    assert reply.ephemeral and reply.text == ("On. Your personal digest: the top 5 papers for you, by direct message, "
                                              "on Mon–Fri at 08:30 Europe/Paris.")
    assert (await store.get_dm(U1)).timezone == "Europe/Paris"
    reply = await bot.handle(me, "dm on 7:15 UTC days=daily 3")
    assert reply.text.startswith("Updated.") and "top 3" in reply.text and "every day at 07:15 UTC" in reply.text
    assert "every day at 07:15 UTC" in (await bot.handle(me, "dm")).text
    assert (await bot.handle(Requester(me.channel, "U2"), "dm")).text.startswith("You have no personal digest.")
    assert (await bot.handle(me, "dm off")).text == "Your personal digest is off."
    assert await store.get_dm(U1) is None
    with pytest.raises(UsageError, match="needs a time and an IANA timezone"):
        await bot.handle(me, "dm on 08:30")
    with pytest.raises(UsageError, match="is not a time zone"):
        await bot.handle(me, "dm on 08:30 Mars/Olympus")
    with pytest.raises(UsageError, match="weekdays"):
        await bot.handle(me, "dm on 08:30 UTC someday")


async def test_run_wiring_ranks_dms_by_member_and_sizes_recaps_from_config(store: SqlStore) -> None:
    from bot.config import config_from_dict
    from paperbot.scheduling import build_scheduler

    config = config_from_dict({"schedule": {"recap_count": 2}}, environ={})
    bot = PaperBot(store, embedder=HashEmbedder())
    dm_planner, recap_planner = build_scheduler(config, store, {"slack": DmPlatform()}, taste=bot.taste).personal_planners
    assert dm_planner._ranker is not None and recap_planner._count == 2
    dm_planner, _ = build_scheduler(config, store, {"slack": DmPlatform()}).personal_planners
    assert dm_planner._ranker is None  # no embedder: trending


async def test_closed_dms_pause_the_digest_and_a_transient_open_error_is_retried(store: SqlStore) -> None:
    from bot.errors import ChannelUnavailableError, TransientDeliveryError

    class Flaky(DmPlatform):
        def __init__(self) -> None:
            super().__init__()
            self.failures = {"U1": [ChannelUnavailableError("U1 does not accept direct messages")],
                             "U2": [TransientDeliveryError("502")]}

        async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
            if self.failures.get(user_id):
                raise self.failures[user_id].pop(0)
            return await super().open_dm(workspace, user_id)

    await store.upsert_papers(papers(FRI))
    await dm_on(store, U1)
    await dm_on(store, U2)
    platform, clock = Flaky(), Clock(datetime(2025, 10, 24, 6, 45, tzinfo=UTC))
    s = scheduler(store, platform, clock)
    await s.tick()
    assert platform.sent == []
    assert (await store.get_dm(U1)).paused_reason == "U1 does not accept direct messages"
    assert (await dm_rows(store, U1))[FRI]["status"] == FAILED
    clock.now += timedelta(minutes=5)
    await s.tick()
    assert [key for key, _, _ in platform.sent] == [dm_channel(U2).key]
    assert (await dm_rows(store, U2))[FRI]["status"] == SENT


async def test_a_member_sets_their_own_dm_settings_and_the_dm_ranking_uses_them(store: SqlStore) -> None:
    await store.upsert_papers(topic_papers(FRI, "24"))
    clock = Clock(datetime(2025, 10, 24, 8, 35, tzinfo=UTC))
    bot = PaperBot(store, clock=clock, embedder=HashEmbedder(), taste_options={"default_trending": 0.0})
    member = Requester(ChannelRef("slack", "T1", "C1"), "U1")  # not a channel manager: it is their own digest
    reply = await bot.handle(member, 'dm settings exclude:"protein, speech" trending:0.5')
    assert reply.ephemeral and reply.text.startswith("Updated. Your DM digest settings:") and "protein" in reply.text
    assert "0.50" in (await bot.handle(member, "dm settings")).text
    channel_settings = (await bot.handle(member, "settings")).text
    assert "protein" not in channel_settings  # the channel's settings are untouched
    with pytest.raises(UsageError, match="threads: is a channel setting"):
        await bot.handle(member, "dm settings threads:never")
    with pytest.raises(UsageError, match="is not accepted here"):
        await bot.handle(member, "dm settings colour:red")

    rank = taste_member_ranker(bot.taste)
    mine = [r.paper.title for r in await rank(U1, topic_papers(FRI, "24"), FRI, 6)]
    theirs = [r.paper.title for r in await rank(U2, topic_papers(FRI, "24"), FRI, 6)]
    assert not any("Protein" in t or "Speech" in t for t in mine) and len(mine) == 4
    assert len(theirs) == 6  # U2 has no settings: nothing excluded

    await bot.handle(member, "forget me confirm")
    assert "protein" not in (await bot.handle(member, "dm settings")).text  # forgotten with the rest
