"""`paperbot bench taste` runs end to end on the small copy of the listings (a toy embedder: fast)."""
from __future__ import annotations

from pathlib import Path

from bot.taste import ranking
from paperbot.bench.listings import load_listings
from paperbot.bench.taste import format_table, ndcg, run
from tests.harness.embedders import HashEmbedder
from tests.harness.fixtures_paths import ARXIV_METADATA as LISTINGS


def test_listings_are_read_in_date_order_without_repeats() -> None:
    days = load_listings(LISTINGS)
    assert [d.day for d in days] == sorted(d.day for d in days) and len(days) == 6
    ids = [p.arxiv_id for d in days for p in d.papers]
    assert len(ids) == len(set(ids))


def test_ndcg() -> None:
    assert ndcg([True, True], 2) == 1.0
    assert ndcg([False, True], 1) < 1.0
    assert ndcg([False] * 10, 0) == 0.0


def test_the_benchmark_runs_every_recommender_and_cold_start(tmp_path: Path) -> None:
    report = run(LISTINGS, seeds=1, cache_dir=tmp_path, embedder=HashEmbedder(), min_papers=40)
    rows = {(r["recommender"], r["cold_start"]) for r in report["results"]}
    assert rows == {("random", "reactions"), ("arxiv-sanity-lite", "reactions"), ("zotero-arxiv-daily", "reactions"),
                    ("paperbot", "reactions"), ("paperbot", "topic"), ("topic phrase only", "topic"),
                    ("all labels (ceiling)", "topic")}
    assert report["channels"] and all(0 <= r["p_at_5"] <= 1 for r in report["results"])
    assert "paperbot" in format_table(report)
    assert all(r["p_at_5_channel_se"] is not None for r in report["results"])  # more than one channel
    assert list(tmp_path.glob("taste-*.npy"))  # embeddings cached on disk


def test_a_run_with_another_prior_strength_says_so_and_restores_the_default(tmp_path: Path) -> None:
    default = ranking.PRIOR_PULL
    report = run(LISTINGS, seeds=1, cache_dir=tmp_path, embedder=HashEmbedder(), only=("paperbot",), prior_pull=default * 4)
    assert report["prior_pull"] == default * 4 and ranking.PRIOR_PULL == default
    assert f"prior pull {default * 4:g}" in format_table(report)
    assert ", 1 seed, model " in format_table(report)  # was "1 seeds"


def test_the_wider_sample_rotates_the_day_order(tmp_path: Path) -> None:
    report = run(LISTINGS, seeds=1, cache_dir=tmp_path, embedder=HashEmbedder(), only=("paperbot",), wider=True)
    assert report["day_orders"] == 6
    [reactions, topic] = report["results"]
    assert reactions["runs_per_channel"] == topic["runs_per_channel"] == 6  # one run per order (deterministic)
    assert "6 day orders (--wider)" in format_table(report) and "(6 runs)" in format_table(report)
