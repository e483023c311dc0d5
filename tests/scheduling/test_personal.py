"""Scheduled digests are personalised per channel: the planner ranks with the channel's profile."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.app import PaperBot
from bot.domain import ChannelRef, Paper, Post, Reaction, Subscription
from bot.scheduling.personal import PersonalRanker
from bot.scheduling.scheduler import Scheduler
from storage.store import SqlStore
from tests.harness.clocks import Clock
from tests.harness.embedders import HashEmbedder
from tests.harness.platforms import FakePlatform

UTC = UTC
FAN = ChannelRef("slack", "T1", "CFAN")
NEW = ChannelRef("slack", "T1", "CNEW")
THU, FRI = date(2025, 11, 6), date(2025, 11, 7)
TOPICS = ["video diffusion generation frames", "protein folding structure biology", "reinforcement learning agents reward",
          "speech recognition audio transcription", "graph neural networks molecules", "robot manipulation grasping"]


def day_papers(day: date, prefix: str) -> list[Paper]:
    # trending order is topic order (upvotes descending); protein folding is only second
    return [Paper(f"2511.{prefix}{i:03d}", f"{t.title()} study", abstract=f"We study {t}. {t} results.", announced_on=day,
                  upvotes=100 - i, sources=frozenset({"sample"})) for i, t in enumerate(TOPICS)]


async def test_a_channel_that_likes_a_topic_gets_it_first_a_fresh_channel_gets_trending(store: SqlStore) -> None:
    await store.upsert_papers(day_papers(THU, "06") + day_papers(FRI, "07"))
    liked = "2511.06001"  # yesterday's protein folding paper
    await store.record_posts([Post(FAN, "m1", liked)])
    for user in ("U1", "U2"):
        await store.add_reaction(Reaction(FAN, "m1", liked, user, "👍"))
    for ch in (FAN, NEW):
        await store.save_subscription(Subscription(ch, time(9), "UTC", count=3, created_at=datetime(2025, 11, 7, tzinfo=UTC)))
    clock = Clock(datetime(2025, 11, 7, 9, 5, tzinfo=UTC))
    bot = PaperBot(store, clock=clock, embedder=HashEmbedder(), taste_options={"default_trending": 0.0})
    platform = FakePlatform()
    s = Scheduler(store, {"slack": platform}, clock=clock, ranker=PersonalRanker(bot.taste, clock=clock))
    await s.tick()
    await s.tick()
    fan = [ids for ch, _, ids in platform.sent if ch == FAN.key]
    new = [ids for ch, _, ids in platform.sent if ch == NEW.key]
    assert fan and new
    assert list(new[0]) == ["2511.07000", "2511.07001", "2511.07002"]  # no reactions: trending
    assert list(fan[0])[0] == "2511.07001"  # today's protein folding paper first
    assert list(fan[0]) != list(new[0])


def test_the_shared_pool_ranking_matches_rank_personal() -> None:
    import numpy as np

    from bot.taste.ranking import Profile, Signal, TasteSettings, rank_personal

    rng = np.random.default_rng(3)
    papers = [Paper(f"2511.{i:05d}", f"Paper {i}", abstract="x", announced_on=FRI, upvotes=int(rng.integers(0, 50)),
                    sources=frozenset({"sample"})) for i in range(120)]
    m = rng.standard_normal((120, 32)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    vectors = {p.arxiv_id: m[i] for i, p in enumerate(papers)}
    at = datetime(2025, 11, 1, tzinfo=UTC)
    now = datetime(2025, 11, 7, 9, tzinfo=UTC)
    ranker = PersonalRanker(None, clock=lambda: now)
    for k in range(20):
        rows = rng.integers(0, 120, int(rng.integers(1, 9)))
        profile = Profile([Signal(m[r], 1.0 if j % 3 else -1.0, "reaction", f"Paper {r}", at, f"2511.{r:05d}")
                           for j, r in enumerate(rows)])
        settings = TasteSettings(trending=float(k % 5) / 4, diversity=0.0 if k == 3 else 0.15, cap=4 if k == 5 else None)
        channel = ChannelRef("slack", "T1", f"C{k}")
        ranker.use({}, {channel.key: profile}, {channel.key: settings})
        ranker.use(vectors, {})
        got = ranker(channel, papers, FRI, 7)
        want = rank_personal(papers, vectors, profile, FRI, count=7, settings=settings, now=now)
        assert [(r.paper.arxiv_id, r.why) for r in got] == [(r.paper.arxiv_id, r.why) for r in want]
