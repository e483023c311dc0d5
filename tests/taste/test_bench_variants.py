"""The taste benchmark's variants (`--variants`) and its paired comparisons per channel."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from random import Random

import numpy as np
import pytest

from bot.domain import Paper
from paperbot.bench.listings import Day
from paperbot.bench.taste import (
    VARIANT_RECOMMENDERS,
    VARIANTS,
    Bench,
    Feedback,
    format_table,
    paired,
    parse_variants,
    relevant,
    run,
)
from tests.harness.embedders import HashEmbedder
from tests.harness.fixtures_paths import ARXIV_METADATA as LISTINGS


def test_variant_names_are_parsed_and_an_unknown_one_is_named_with_the_accepted_ones() -> None:
    assert parse_variants("all") == list(VARIANTS) and parse_variants("none") == parse_variants(None) == []
    assert parse_variants("k3, reversed") == ["k3", "reversed"]
    with pytest.raises(ValueError, match="unknown variant 'k4'; accepted: all, none, .*k3, flip20, reversed, two-categories"):
        parse_variants("k3,k4")


def test_paired_differences_give_mean_standard_error_and_wins_ties_losses() -> None:
    out = paired({"a": 0.6, "b": 0.4, "c": 0.4}, {"a": 0.4, "b": 0.4, "c": 0.2})
    assert out["mean_difference"] == pytest.approx(0.4 / 3)
    assert out["standard_error"] == pytest.approx(np.std([0.2, 0.0, 0.2], ddof=1) / np.sqrt(3))
    assert (out["wins"], out["ties"], out["losses"], out["channels"]) == (2, 1, 0, 3) and out["beyond_one_se"]
    worse = paired({"a": 0.2, "b": 0.6}, {"a": 0.4, "b": 0.4})
    assert (worse["wins"], worse["losses"]) == (1, 1) and not worse["beyond_one_se"]


def _days() -> list[Day]:
    def paper(i: int, cat: str) -> Paper:
        return Paper(f"2601.{i:05d}", f"paper {i}", categories=(cat,), announced_on=date(2026, 1, 1))
    return [Day(date(2026, 1, d + 1), [paper(d * 10 + i, "cs.AI" if i % 2 else "cs.CL") for i in range(10)]) for d in range(6)]


def test_a_channel_posts_k_a_day_and_flipped_reactions_say_the_opposite() -> None:
    days = _days()
    bench = Bench(days, {}, None)
    asked: list[int] = []
    seen: list[Feedback] = []

    def first(d: int, day: Day, fb: Feedback, k: int) -> list[str]:
        asked.append(k)
        seen.append(fb)
        return [p.arxiv_id for p in day.papers[:k]]

    p5, _, online = bench.run_channel("cs.AI", first, post=3, flip=1.0, rng=Random(0))
    assert asked == [3] * 5 + [10]
    fb = seen[-1]
    assert len(fb.reactions) == 15 and online == pytest.approx(5 / 15)  # papers 0, 1, 2: one of three relevant
    assert all(not relevant("cs.AI", p) for p in fb.liked) and all(relevant("cs.AI", p) for p in fb.disliked)
    assert relevant("cs.CL+cs.AI", days[0].papers[1]) and not relevant("cs.CV+cs.LG", days[0].papers[1])


def test_the_variants_run_as_rows_of_their_own_with_paired_comparisons(tmp_path: Path) -> None:
    report = run(LISTINGS, seeds=2, cache_dir=tmp_path, embedder=HashEmbedder(), variants=list(VARIANTS))
    assert "variants" in report and [v["variant"] for v in report["variants"]] == list(VARIANTS)
    assert {(c["recommender"], c["cold_start"], c["against"]) for c in report["paired"]} == {
        ("paperbot", "reactions", "zotero-arxiv-daily"), ("paperbot", "topic", "topic phrase only")}
    by_name = {v["variant"]: v for v in report["variants"]}
    for v in report["variants"]:
        assert {r["recommender"] for r in v["results"]} == set(VARIANT_RECOMMENDERS) and len(v["paired"]) == 2
    assert all("+" in c for c in by_name["two-categories"]["channels"]) and by_name["two-categories"]["channels"]
    flipped = {(r["recommender"], r["cold_start"]): r for r in by_name["flip20"]["results"]}
    assert flipped[("paperbot", "reactions")]["runs_per_channel"] == 2  # flips differ by seed: no longer deterministic
    assert flipped[("topic phrase only", "topic")]["runs_per_channel"] == 1
    table = format_table(report)
    assert "variant k3: 3 posts a day instead of 5" in table and "paired P@5, paperbot (topic) − topic phrase only" in table


def test_a_default_run_has_no_variant_rows(tmp_path: Path) -> None:
    report = run(LISTINGS, seeds=1, cache_dir=tmp_path, embedder=HashEmbedder(), only=("paperbot",))
    assert "variants" not in report and "variant " not in format_table(report)
