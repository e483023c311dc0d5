"""`paperbot bench taste --tune N` runs end to end on the small copy of the listings (a toy embedder: fast)."""
from __future__ import annotations

from pathlib import Path

import pytest

from paperbot.bench.listings import cached_embeddings, load_listings
from paperbot.bench.onboarding import NONE, candidates, format_table, main, run
from paperbot.bench.taste import Bench, topics_of
from tests.harness.embedders import HashEmbedder
from tests.harness.fixtures_paths import ARXIV_METADATA as LISTINGS


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return run(LISTINGS, 5, seeds=2, cache_dir=tmp_path_factory.mktemp("cache"), embedder=HashEmbedder())


def test_every_arm_and_cold_start_is_a_row_with_its_paired_comparisons(report: dict) -> None:
    rows = {(r["arm"], r["cold_start"]) for r in report["results"]}
    assert rows == {(arm, cold) for arm in (NONE, "tune 5", "random 5", "digest 5") for cold in ("reactions", "topic")}
    assert all(0 <= r["p_at_5"] <= 1 and 0 <= r["online_precision"] <= 1 for r in report["results"])
    assert {(c["cold_start"], c["against"]) for c in report["paired"]} == {
        (cold, against) for cold in ("reactions", "topic") for against in (NONE, "random 5", "digest 5")}
    table = format_table(report)
    assert "N = 5 rated before day 1" in table and "paired, tune 5 − no tuning (topic): P@5 " in table
    assert ", 1 day order, N = 5" in table and "(random: 2 draws)" in table  # was "1 day order(s)"


def test_no_tuning_is_the_taste_protocol_on_the_later_days(report: dict, tmp_path: Path) -> None:
    """The arm with nothing rated first is exactly `paperbot bench taste`'s paperbot row on days 2–6."""
    days = load_listings(LISTINGS)
    embedder = HashEmbedder()
    vectors = cached_embeddings([p for d in days for p in d.papers], embedder, tmp_path)
    bench = Bench(days[1:], vectors, embedder)
    [row] = [r for r in report["results"] if (r["arm"], r["cold_start"]) == (NONE, "topic")]
    for category, p_at_5 in row["per_channel_p_at_5"].items():
        assert bench.run_channel(category, bench.paperbot(topics_of(category)))[0] == p_at_5


def test_the_arms_rate_different_papers_of_the_first_day(tmp_path: Path) -> None:
    days = load_listings(LISTINGS)
    embedder = HashEmbedder()
    vectors = cached_embeddings([p for d in days for p in d.papers], embedder, tmp_path)
    bench = Bench(days[1:], vectors, embedder)
    chosen = {arm: [p.arxiv_id for p in candidates(arm, 5, days[0], bench, ["Graphics"], "cs.GR", 0)]
              for arm in (NONE, "tune 5", "random 5", "digest 5")}
    assert chosen[NONE] == []
    first_day = {p.arxiv_id for p in days[0].papers}
    assert all(len(set(ids)) == 5 and set(ids) <= first_day for arm, ids in chosen.items() if arm != NONE)
    assert chosen["tune 5"] != chosen["random 5"] and chosen["tune 5"] != chosen["digest 5"]


def test_a_bad_count_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(str(LISTINGS), 0) == 2
    assert "--tune takes a number of candidates from 1 to 50" in capsys.readouterr().err
