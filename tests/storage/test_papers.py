"""Store contract: papers — merge on upsert, day queries, counting, round trips."""
from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import event, select

from bot.domain import Paper
from storage.models import PaperRow
from storage.store import SqlStore
from tests.harness.builders import DAY, paper

HF = Paper(
    "2511.04570", "Thinking with Video", "hf abstract", authors=("Jingqi Tong",), upvotes=242, num_comments=5,
    github_repo="https://github.com/tongjingqi/Thinking-with-Video", github_stars=309, ai_summary="summary",
    ai_keywords=("video", "reasoning"), thumbnail_url="https://cdn/thumb.png", announced_on=date(2025, 11, 7),
    sources=frozenset({"huggingface"}),
)
AX2 = Paper(
    "2511.04570", "Thinking with Video: revised", "v2 abstract", version=2, authors=("Jingqi Tong", "Yurong Mou"),
    categories=("cs.CV", "cs.AI"), announced_on=date(2025, 11, 10), sources=frozenset({"arxiv"}),
    published_at=datetime(2025, 11, 6, 18, 0, tzinfo=UTC),
)
AX1 = Paper(
    "2511.04570", "Thinking with Video (v1)", "v1 abstract", version=1, categories=("cs.LG",),
    announced_on=date(2025, 11, 7), sources=frozenset({"arxiv"}),
)


async def test_upsert_counts_new_papers_and_get_returns_domain_objects(store: SqlStore) -> None:
    assert await store.upsert_papers([paper("2511.00001"), paper("2511.00002")]) == 2
    assert await store.upsert_papers([paper("2511.00002"), paper("2511.00003")]) == 1
    assert await store.upsert_papers([]) == 0
    assert await store.count_papers() == 3
    got = await store.get_paper("2511.00002")
    assert type(got) is Paper and got == paper("2511.00002")
    assert await store.get_paper("2511.99999") is None


async def test_hf_then_arxiv_sighting_merges(store: SqlStore) -> None:
    assert await store.upsert_papers([HF]) == 1
    assert await store.upsert_papers([AX2]) == 0
    merged = await store.get_paper("2511.04570")
    assert merged is not None
    assert merged.upvotes == 242 and merged.num_comments == 5 and merged.github_stars == 309  # HF's popularity kept
    assert merged.github_repo == HF.github_repo and merged.thumbnail_url == "https://cdn/thumb.png"
    assert merged.ai_summary == "summary" and merged.ai_keywords == ("video", "reasoning")
    assert merged.categories == ("cs.CV", "cs.AI")  # arXiv's
    assert merged.version == 2
    assert merged.title == "Thinking with Video: revised" and merged.abstract == "v2 abstract"
    assert merged.authors == ("Jingqi Tong", "Yurong Mou")
    assert merged.sources == {"huggingface", "arxiv"}  # union
    assert merged.announced_on == date(2025, 11, 7)  # earliest day
    assert merged.published_at == datetime(2025, 11, 6, 18, 0, tzinfo=UTC)
    assert await store.count_papers() == 1


async def test_an_older_version_arriving_later_keeps_the_newest(store: SqlStore) -> None:
    await store.upsert_papers([HF, AX2])
    assert await store.upsert_papers([AX1]) == 0
    merged = await store.get_paper("2511.04570")
    assert merged is not None
    assert merged.version == 2 and merged.title == "Thinking with Video: revised" and merged.abstract == "v2 abstract"
    assert merged.upvotes == 242


async def test_categories_come_from_arxiv_not_hf(store: SqlStore) -> None:
    hf_with_guess = Paper("2511.04570", "T", categories=("hf.guess",), upvotes=3, sources=frozenset({"huggingface"}))
    await store.upsert_papers([hf_with_guess])
    await store.upsert_papers([AX2])
    merged = await store.get_paper("2511.04570")
    assert merged is not None and merged.categories == ("cs.CV", "cs.AI") and merged.upvotes == 3


async def test_a_batch_with_duplicates_is_merged_and_counted_once(store: SqlStore) -> None:
    assert await store.upsert_papers([AX1, HF, AX2, paper("2511.00001"), AX1]) == 2
    merged = await store.get_paper("2511.04570")
    assert merged is not None and merged.version == 2 and merged.upvotes == 242
    assert merged.sources == {"huggingface", "arxiv"}
    assert await store.count_papers() == 2


async def test_upsert_keeps_first_seen_and_moves_last_seen(db_url: str) -> None:
    from storage.migrate import upgrade

    clock = iter([datetime(2025, 11, 7, 8, tzinfo=UTC), datetime(2025, 11, 8, 8, tzinfo=UTC)])
    await upgrade(db_url)
    async with SqlStore.connect(db_url, clock=lambda: next(clock)) as store:
        await store.upsert_papers([HF])
        await store.upsert_papers([AX2])
        assert store.engine is not None
        async with store.engine.connect() as connection:
            first, last = (await connection.execute(select(PaperRow.first_seen_at, PaperRow.last_seen_at))).one()
    assert first == datetime(2025, 11, 7, 8, tzinfo=UTC)
    assert last == datetime(2025, 11, 8, 8, tzinfo=UTC)


async def test_thousands_of_papers_take_a_handful_of_statements(store: SqlStore) -> None:
    assert store.engine is not None
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        statements.append(statement)

    batch = [paper(f"2511.{n:05d}", upvotes=n) for n in range(3000)]
    event.listen(store.engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await store.upsert_papers(batch + batch[:100]) == 3000
        assert await store.upsert_papers([paper(f"2511.{n:05d}", categories=("cs.AI",)) for n in range(2500, 3500)]) == 500
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) <= 15, statements  # per-row round trips would be thousands
    assert await store.count_papers() == 3500
    kept = await store.get_paper("2511.02999")
    assert kept is not None and kept.upvotes == 2999 and kept.categories == ("cs.AI",)


async def test_papers_announced_between_is_inclusive_and_ordered(store: SqlStore) -> None:
    await store.upsert_papers([
        paper("2511.00003", day=date(2025, 11, 8)),
        paper("2511.00002", day=date(2025, 11, 7)),
        paper("2511.00001", day=date(2025, 11, 7)),
        paper("2511.00004", day=date(2025, 11, 9)),
        paper("2511.00005", day=None),
    ])
    got = await store.papers_announced_between(date(2025, 11, 7), date(2025, 11, 8))
    assert [p.arxiv_id for p in got] == ["2511.00001", "2511.00002", "2511.00003"]
    assert await store.papers_announced_between(date(2025, 11, 10), date(2025, 11, 20)) == []
    one_day = await store.papers_announced_between(date(2025, 11, 9), date(2025, 11, 9))
    assert [p.arxiv_id for p in one_day] == ["2511.00004"]


async def test_latest_announced_day_with_and_without_bound(store: SqlStore) -> None:
    assert await store.latest_announced_day() is None
    await store.upsert_papers([paper("a1", day=date(2025, 11, 3)), paper("a2", day=date(2025, 11, 7)), paper("a3", day=None)])
    assert await store.latest_announced_day() == date(2025, 11, 7)
    assert await store.latest_announced_day(date(2025, 11, 7)) == date(2025, 11, 7)
    assert await store.latest_announced_day(date(2025, 11, 6)) == date(2025, 11, 3)
    assert await store.latest_announced_day(date(2025, 11, 2)) is None
    assert isinstance(await store.latest_announced_day(), date)


async def test_timezone_aware_datetimes_round_trip_as_utc(store: SqlStore) -> None:
    tokyo = timezone(timedelta(hours=9))
    published = datetime(2025, 11, 7, 9, 30, 15, 123456, tzinfo=tokyo)
    updated = datetime(2025, 11, 8, 23, 59, tzinfo=timezone(timedelta(hours=-5)))
    await store.upsert_papers([paper("2511.00001", published_at=published, updated_at=updated)])
    got = await store.get_paper("2511.00001")
    assert got is not None
    assert got.published_at == published and got.updated_at == updated  # same instants
    assert got.published_at.utcoffset() == timedelta(0) and got.updated_at.utcoffset() == timedelta(0)
    assert got.published_at.hour == 0 and got.published_at.microsecond == 123456


async def test_unicode_title_authors_and_old_style_ids_round_trip(store: SqlStore) -> None:
    weird = paper(
        "hep-th/9901001", title="Über 𝔽₂-Geometrie: «ζ(s)» — 量子 🚀", abstract="∀ε>0 ∃δ",
        authors=("Zoë Ünlü", "李雷"), ai_keywords=("émigré",),
    )
    await store.upsert_papers([weird])
    assert await store.get_paper("hep-th/9901001") == weird
    assert [p.title for p in await store.papers_announced_between(DAY, DAY)] == [weird.title]


async def test_concurrent_upserts_merge_instead_of_overwriting(store: SqlStore) -> None:
    """Two ingests racing on the same papers (HF and arXiv) still end merged, each paper counted new once."""
    hf = [Paper(f"2511.{n:05d}", "T", upvotes=n + 1, sources=frozenset({"huggingface"})) for n in range(200)]
    ax = [Paper(f"2511.{n:05d}", "T", version=2, categories=("cs.AI",), sources=frozenset({"arxiv"})) for n in range(200)]
    counts = await asyncio.gather(*(store.upsert_papers(batch) for batch in [hf, ax, hf[:50], ax[150:]]))
    assert sum(counts) == 200
    for n in (0, 77, 199):
        merged = await store.get_paper(f"2511.{n:05d}")
        assert merged is not None
        assert merged.upvotes == n + 1 and merged.categories == ("cs.AI",) and merged.version == 2
        assert merged.sources == {"huggingface", "arxiv"}
