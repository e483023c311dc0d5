"""Scheduled and DM digests never bring back what the channel or member already saw or rated; an
on-demand digest may, and says so. Through the real scheduler (plan + deliver) on a real store
(SQLite and PostgreSQL), and the store query behind it (``seen_among``)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.app import PaperBot
from bot.domain import ChannelRef, Post, Reaction, Requester, Subscription
from bot.scheduling.personal_ports import DmSubscription, Member
from bot.scheduling.scheduler import Scheduler
from bot.scheduling.seen import POSTED, REACTED, SEEDED, SeenMark, fold, member_seen_key, note_for
from bot.taste.model import LIKE, StoredSignal, member_scope
from storage.store import SqlStore
from tests.harness.builders import papers
from tests.harness.clocks import Clock
from tests.harness.platforms import FakePlatform

FRI = date(2025, 10, 24)
CHANNEL = ChannelRef("slack", "T1", "CPAPERS")
OTHER = ChannelRef("slack", "T1", "COTHER")
U1, U2 = Member("slack", "T1", "U1"), Member("slack", "T1", "U2")
NOON = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)


class DmPlatform(FakePlatform):
    async def open_dm(self, workspace: str, user_id: str) -> ChannelRef:
        return ChannelRef(self.platform, workspace, f"D-{user_id}")


def ids(n: int) -> list[str]:
    return [p.arxiv_id for p in papers(FRI, n=n)]


async def dm_on(store: SqlStore, member: Member, count: int = 5) -> None:
    await store.save_dm(DmSubscription(member, time(8, 30), "UTC", frozenset(range(1, 8)), count,
                                       created_at=datetime(2025, 1, 1, tzinfo=UTC)))


async def test_a_dm_digest_never_resends_a_paper_its_member_rated_or_seeded(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI, n=5))
    p = ids(5)
    await store.record_posts([Post(OTHER, "m0", p[0]), Post(OTHER, "m1", p[1])])
    await store.add_reaction(Reaction(OTHER, "m0", p[0], "U1", "👍", NOON - timedelta(hours=5)))  # rated in a channel
    await store.add_reaction(Reaction(OTHER, "m1", p[1], "U1", "🔖", NOON - timedelta(hours=5)))  # saved counts too
    await store.add_signal(StoredSignal(member_scope("slack", "T1", "U1"), LIKE, p[2], 1.0, "U1", NOON))  # /papers like
    await dm_on(store, U1)
    await dm_on(store, U2)
    platform = DmPlatform()
    await Scheduler(store, {"slack": platform}, clock=Clock(datetime(2025, 10, 24, 8, 35, tzinfo=UTC))).tick()
    got = {key: sent for key, _, sent in platform.sent}
    assert got["slack:T1:D-U1"] == [p[3], p[4]]  # only what U1 has not rated
    assert got["slack:T1:D-U2"] == p  # U2 rated nothing: the whole day


async def test_a_scheduled_digest_never_reposts_a_seen_or_seeded_paper_but_on_demand_says_so(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI, n=5))
    p = ids(5)
    bot = PaperBot(store, clock=lambda: NOON)
    posted_at = datetime(2025, 10, 24, 7, 0, tzinfo=UTC)
    await store.record_posts([Post(CHANNEL, "m0", p[0], posted_at=posted_at)])
    await store.add_reaction(Reaction(CHANNEL, "m0", p[0], "U1", "👍", posted_at))
    await store.add_signal(StoredSignal(CHANNEL.key, LIKE, p[1], 1.0, "U1", NOON))  # seeded here
    await store.add_signal(StoredSignal(OTHER.key, LIKE, p[2], 1.0, "U1", NOON))  # another channel's seed: not ours
    await store.save_subscription(Subscription(CHANNEL, time(9), "UTC", count=5, created_at=datetime(2025, 1, 1, tzinfo=UTC)))
    platform = FakePlatform()
    await Scheduler(store, {"slack": platform}, clock=Clock(datetime(2025, 10, 24, 9, 1, tzinfo=UTC))).tick()
    (sent,) = [s for key, _, s in platform.sent if key == CHANNEL.key]
    assert sent == [p[2], p[3], p[4]]

    digest = await bot.digests.today(CHANNEL, count=5)  # on demand: everything, with a word on what was met
    why = {item.paper.arxiv_id: item.why for item in digest.items}
    assert why[p[0]].endswith("posted here on Oct 24, rated 👍")
    assert why[p[1]].endswith("liked here with /papers like")
    mine = await bot.digests.today(CHANNEL, count=5, member=Requester(CHANNEL, "U1"))
    assert {i.paper.arxiv_id: i.why for i in mine.items}[p[0]].endswith("you rated it 👍")


async def test_seen_among_answers_for_many_channels_and_members_at_once(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI, n=4))
    p = ids(4)
    at = datetime(2025, 10, 24, 7, 0, tzinfo=UTC)
    await store.record_posts([Post(CHANNEL, "m0", p[0], posted_at=at), Post(OTHER, "m1", p[1], posted_at=at)])
    await store.add_reaction(Reaction(OTHER, "m1", p[1], "U2", "👎", at))
    await store.add_signal(StoredSignal(member_scope("slack", "T1", "U1"), LIKE, p[2], 1.0, "U1", at))
    marks = await store.seen_among(p)
    assert {(m.key, m.arxiv_id, m.how, m.emoji) for m in marks} == {
        (CHANNEL.key, p[0], POSTED, None), (OTHER.key, p[1], POSTED, None), (OTHER.key, p[1], REACTED, "👎"),
        (member_seen_key("slack", "T1", "U2"), p[1], REACTED, "👎"), (member_seen_key("slack", "T1", "U1"), p[2], SEEDED, None),
    }
    only = await store.seen_among(p, [CHANNEL.key, member_seen_key("slack", "T1", "U2")])
    assert {(m.key, m.arxiv_id) for m in only} == {(CHANNEL.key, p[0]), (member_seen_key("slack", "T1", "U2"), p[1])}
    assert await store.seen_among(p[3:]) == []  # never met
    # a member of another workspace with the same user id is someone else
    assert await store.seen_among(p, [member_seen_key("slack", "T2", "U2")]) == []
    # a planning pass's thousands of members: the same answer, filtered after the query
    many = [member_seen_key("slack", "T1", f"X{i}") for i in range(500)] + [member_seen_key("slack", "T1", "U1")]
    assert {(m.key, m.arxiv_id) for m in await store.seen_among(p, many)} == {(member_seen_key("slack", "T1", "U1"), p[2])}


def test_the_note_names_the_members_own_rating_first_then_the_channels_post() -> None:
    me = member_seen_key("slack", "T1", "U1")
    at = datetime(2025, 11, 5, 9, 0, tzinfo=UTC)
    posted = SeenMark(CHANNEL.key, "x", POSTED, at)
    assert note_for([posted]) == "posted here on Nov 5"
    assert note_for([posted, SeenMark(CHANNEL.key, "x", REACTED, at, "👎")]) == "posted here on Nov 5, rated 👎"
    assert note_for([posted, SeenMark(me, "x", REACTED, at, "👍")], member=me) == "you rated it 👍"
    assert note_for([SeenMark(CHANNEL.key, "x", REACTED, at, "🔖")]) == "rated 🔖 here"
    assert note_for([]) is None


async def test_seen_ids_is_the_fold_of_seen_among_for_every_key_filter(store: SqlStore) -> None:
    await store.upsert_papers(papers(FRI, n=5))
    p = ids(5)
    at = datetime(2025, 10, 24, 7, 0, tzinfo=UTC)
    dm = ChannelRef("discord", "G9", "42")
    await store.record_posts([Post(CHANNEL, "m0", p[0], posted_at=at), Post(CHANNEL, "m1", p[0], posted_at=at),
                              Post(OTHER, "m2", p[1], posted_at=at), Post(dm, "m3", p[3], posted_at=at)])
    for user, emoji in (("U2", "👎"), ("U2", "👍"), ("U3", "🔖")):
        await store.add_reaction(Reaction(OTHER, "m2", p[1], user, emoji, at))
    await store.add_reaction(Reaction(dm, "m3", p[3], "U2", "👍", at))  # the same user id in another workspace
    await store.add_signal(StoredSignal(member_scope("slack", "T1", "U1"), LIKE, p[2], 1.0, "U1", at))
    await store.add_signal(StoredSignal(CHANNEL.key, LIKE, p[2], 1.0, "U1", at))
    many = [member_seen_key("slack", "T1", f"X{i}") for i in range(500)] + [member_seen_key("slack", "T1", "U2"), OTHER.key]
    channels = [ChannelRef("slack", "T1", f"C{i}").key for i in range(500)] + [OTHER.key, dm.key]  # a planning pass's
    for keys in (None, [CHANNEL.key, member_seen_key("slack", "T1", "U2")], many, [member_seen_key("discord", "G9", "U2")], [],
                 channels, [OTHER.key, dm.key]):
        assert await store.seen_ids(p, keys) == fold(await store.seen_among(p, keys)), keys
    got = await store.seen_ids(p)
    assert got[member_seen_key("slack", "T1", "U2")] == {p[1]} and got[member_seen_key("discord", "G9", "U2")] == {p[3]}
    assert got[CHANNEL.key] == {p[0], p[2]} and await store.seen_ids(p[4:]) == {}
