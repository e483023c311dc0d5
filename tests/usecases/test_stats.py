"""`/papers stats`' numbers: posts and 👍/👎 counted per ISO week (Monday, UTC) over the last N weeks, empty
weeks included, older activity and other channels left out; topics from keywords, else categories. Real
store (SQLite and PostgreSQL); the chart through the real matplotlib renderer, hostile labels included."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import ChannelRef, Paper, Post, Reaction
from bot.replies import FileReply, TextReply
from bot.stats import ChannelStats, ChartUnavailableError, WeekStats
from bot.usecases.stats import INSTALL_HINT, StatsUseCases
from paperbot.charts import MatplotlibCharts
from storage.store import SqlStore
from tests.harness.head_schema import HeadSchemas

NOW = datetime(2025, 11, 12, 9, 0, tzinfo=UTC)  # a Wednesday: this week began Mon 10 Nov
CH = ChannelRef("slack", "T1", "C1")
OTHER = ChannelRef("slack", "T1", "C2")


@pytest.fixture
async def store(db_url: str, head_schemas: HeadSchemas) -> AsyncIterator[SqlStore]:
    """The time-window queries on both backends (this folder's own ``store`` is SQLite only);
    ``db_url`` is at the newest migration (``head_schemas``)."""
    store = SqlStore.connect(db_url)
    yield store
    await store.close()


def paper(n: int, keywords: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> Paper:
    return Paper(arxiv_id=f"2511.0{n:04d}", title=f"Paper {n}", ai_keywords=keywords, categories=categories)


async def seed(store: SqlStore) -> None:
    papers = [paper(1, ("LLM", "agents")), paper(2, ("llm",)), paper(3, categories=("cs.CV",)), paper(4, ("old",))]
    await store.upsert_papers(papers)
    at = {1: NOW - timedelta(days=1), 2: NOW - timedelta(days=8), 3: NOW - timedelta(days=9), 4: NOW - timedelta(weeks=10)}
    await store.record_posts([Post(CH, f"m{n}", p.arxiv_id, posted_at=at[n]) for n, p in enumerate(papers, 1)])
    await store.record_posts([Post(OTHER, "o1", papers[0].arxiv_id, posted_at=NOW)])
    reactions = [("m1", 1, "U1", "👍", NOW), ("m1", 1, "U2", "+1", NOW), ("m2", 2, "U1", "👎", NOW - timedelta(days=8)),
                 ("m2", 2, "U3", "❤️", NOW - timedelta(days=8)), ("m4", 4, "U1", "👍", NOW - timedelta(weeks=10))]
    for message, n, user, emoji, when in reactions:
        await store.add_reaction(Reaction(CH, message, papers[n - 1].arxiv_id, user, emoji, created_at=when))
    await store.add_reaction(Reaction(OTHER, "o1", papers[0].arxiv_id, "U1", "👎", created_at=NOW))


async def test_weeks_count_posts_and_thumbs_of_the_channel_only(store: SqlStore) -> None:
    await seed(store)
    stats = await StatsUseCases(store, None, clock=lambda: NOW).stats(CH, weeks=3)
    assert stats.weeks == (WeekStats(date(2025, 10, 27), 0, 0, 0), WeekStats(date(2025, 11, 3), 2, 0, 1),
                           WeekStats(date(2025, 11, 10), 1, 1, 0))
    assert stats.topics == (("llm", 2), ("agents", 1), ("cs.cv", 1))


async def test_without_a_renderer_or_activity_the_answer_is_words(store: SqlStore) -> None:
    reply = await StatsUseCases(store, None, clock=lambda: NOW).chart(CH)
    assert isinstance(reply, TextReply) and reply.text == INSTALL_HINT and "'.[stats]'" in reply.text
    quiet = await StatsUseCases(store, MatplotlibCharts(), clock=lambda: NOW).chart(CH, 2)
    assert isinstance(quiet, TextReply) and "last 2 weeks" in quiet.text


class Missing:
    def render(self, stats: ChannelStats) -> bytes:
        raise ChartUnavailableError(INSTALL_HINT)


async def test_a_renderer_that_cannot_draw_says_how_to_install(store: SqlStore) -> None:
    await seed(store)
    reply = await StatsUseCases(store, Missing(), clock=lambda: NOW).chart(CH)
    assert isinstance(reply, TextReply) and "pip install -e '.[stats]'" in reply.text


async def test_the_chart_is_a_png_even_with_hostile_labels(store: SqlStore) -> None:
    pil = pytest.importorskip("PIL.Image")
    import io

    await store.upsert_papers([paper(9, ("$x^2$", "$unbalanced \\frac{", "k" * 200))])
    await store.record_posts([Post(CH, "m9", paper(9).arxiv_id, posted_at=NOW)])
    reply = await StatsUseCases(store, MatplotlibCharts(), clock=lambda: NOW).chart(CH)
    assert isinstance(reply, FileReply) and reply.filename.endswith(".png")
    assert reply.text == "The last 8 weeks here: 1 paper posted, 0 👍, 0 👎."
    assert pil.open(io.BytesIO(reply.data)).size == (1000, 700)
