"""Reasons a member can trust, with the real all-MiniLM-L6-v2 on the bundled sample: a liked paper is
named only when it is really close, and then the nearest one; an unrelated paper never claims to be
"like" it; the liked paper is not re-posted by the scheduled digest; strength is said in words."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pytest

from bot.app import PaperBot
from bot.domain import ChannelRef, Requester, Subscription
from bot.scheduling.personal import PersonalRanker
from bot.scheduling.scheduler import Scheduler
from bot.taste.onnx_embedder import OnnxEmbedder
from bot.taste.ranking import Signal
from bot.taste.reasons import CLOSE_TO, LIKE_THRESHOLD, TOPIC_THRESHOLD, digest_reason, short, strength
from tests.harness.clocks import Clock
from tests.harness.head_schema import HeadSchemas
from tests.harness.platforms import FakePlatform
from tests.harness.sample import AGENT, VIDEO, VTHINK
from tests.harness.sample_bot import sample_bot

C1 = ChannelRef("slack", "T1", "C1")
MANAGER = Requester(C1, "U1", can_manage_channel=True)


@pytest.fixture
async def bot(tmp_path: Path, real_embedder: OnnxEmbedder, head_schemas: HeadSchemas) -> AsyncIterator[PaperBot]:
    async with sample_bot(head_schemas, tmp_path / "reasons.sqlite3", real_embedder) as bot:
        yield bot


async def cosines(bot: PaperBot, ids: list[str]) -> dict[str, np.ndarray]:
    return await bot.store.embeddings(bot.taste.model, ids)


async def test_after_one_like_an_unrelated_paper_does_not_claim_to_be_like_it(bot: PaperBot) -> None:
    liked = await bot.store.get_paper(VIDEO)
    assert liked is not None
    await bot.handle(MANAGER, f"like {VIDEO}")
    day = liked.announced_on
    n = len(await bot.store.papers_announced_between(day, day))
    items = (await bot.digests.today(C1, count=min(n, 25))).items
    vectors = await cosines(bot, [VIDEO, *(i.paper.arxiv_id for i in items)])
    title = short(liked.title)
    for item in items:
        if item.paper.arxiv_id == VIDEO:
            continue
        close = float(vectors[VIDEO] @ vectors[item.paper.arxiv_id])
        assert (title in item.why) == (close >= LIKE_THRESHOLD), (item.paper.title, close, item.why)
    agent = next(i for i in items if i.paper.arxiv_id == AGENT)  # agent learning: another topic
    assert float(vectors[VIDEO] @ vectors[AGENT]) < LIKE_THRESHOLD
    assert title not in agent.why and "like" not in agent.why.split("·")[0]


async def test_the_liked_paper_is_not_reposted_by_the_scheduled_digest(bot: PaperBot) -> None:
    await bot.handle(MANAGER, f"like {VIDEO}")  # a seed: never posted here, yet rated
    await bot.store.save_subscription(Subscription(C1, time(9), "UTC", count=10, created_at=datetime(2025, 1, 1, tzinfo=UTC)))
    platform = FakePlatform()
    clock = Clock(datetime(2025, 11, 7, 9, 1, tzinfo=UTC))  # Friday: the digest of its papers
    await Scheduler(bot.store, {"slack": platform}, clock=clock, ranker=PersonalRanker(bot.taste, clock=clock)).tick()
    (sent,) = [ids for key, _, ids in platform.sent if key == C1.key]
    assert len(sent) == 10 and VIDEO not in sent
    # on demand it comes back among the top 10 (so the scheduled digest did leave it out), and says why
    items = (await bot.digests.today(C1, count=10, day=date(2025, 11, 7))).items
    (again,) = [i for i in items if i.paper.arxiv_id == VIDEO]
    assert again.why.endswith("liked here with /papers like")


async def test_the_nearest_rated_paper_is_named_not_the_first(bot: PaperBot) -> None:
    vectors = await cosines(bot, [VIDEO, VTHINK, AGENT])
    near, far = (await bot.store.get_paper(VTHINK)), (await bot.store.get_paper(AGENT))
    assert near is not None and far is not None
    # V-Thinker (visual reasoning) is the closer of the two rated papers to Thinking with Video
    assert float(vectors[VIDEO] @ vectors[VTHINK]) > float(vectors[VIDEO] @ vectors[AGENT])
    signals = [Signal(vectors[AGENT], 1.0, "reaction", far.title, arxiv_id=AGENT),  # rated first
               Signal(vectors[VTHINK], 1.0, "reaction", near.title, arxiv_id=VTHINK)]
    nearest_cos = float(vectors[VIDEO] @ vectors[VTHINK])
    why = digest_reason(arxiv_id=VIDEO, vector=vectors[VIDEO], signals=signals, trending_why="trending: 9 upvotes",
                        relevance_part=0.7, trending_part=0.1)
    if nearest_cos >= LIKE_THRESHOLD:
        assert short(near.title) in why and short(far.title) not in why
    else:  # not close enough to name: the ratings as a whole drove it, no paper is claimed
        assert why == "fits this channel's ratings as a whole (no rated paper is close to it)"
    # the same vectors, the paper itself rated: never "like itself"
    itself = [Signal(vectors[VIDEO], 1.0, "reaction", "Thinking with Video", arxiv_id=VIDEO)]
    assert "Thinking with Video" not in digest_reason(arxiv_id=VIDEO, vector=vectors[VIDEO], signals=itself,
                                                      trending_why="t", relevance_part=0.9, trending_part=0.0)


def test_what_drove_the_rank_is_what_the_reason_says() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=8)
    x /= np.linalg.norm(x)
    topic = Signal(x * 0.5 + 0.5 * np.eye(8)[0], 1.0, "topic", "video understanding")
    trending = "trending: 120 upvotes, ★1.2k on GitHub (1 day old)"
    common = dict(arxiv_id="x", vector=x, trending_why=trending)
    assert digest_reason(**common, signals=[topic], relevance_part=0.1, trending_part=0.3) == trending
    assert digest_reason(**common, signals=[topic], relevance_part=0.6, trending_part=0.3).endswith("topic 'video understanding'")
    assert digest_reason(**common, signals=[topic], relevance_part=0.6, trending_part=0.3, author="Ada Lovelace") == \
        "by followed author Ada Lovelace"
    assert digest_reason(**common, signals=[topic], relevance_part=0.6, trending_part=0.3, explored=True).startswith("exploring")
    assert digest_reason(arxiv_id="x", vector=None, signals=[topic], trending_why=trending,
                         relevance_part=0.0, trending_part=0.0) == trending  # no vector: trending's reason


def test_strength_words() -> None:
    assert strength(0.9) == "very close to"
    assert strength(CLOSE_TO) == "close to"
    assert strength(LIKE_THRESHOLD) == "a bit like"
    assert strength(LIKE_THRESHOLD - 0.01) == "not close to"
    assert strength(TOPIC_THRESHOLD, topic=True) == "on"
    assert strength(0.9, topic=True) == "right on"
    assert strength(0.1, topic=True) == "loosely on"
