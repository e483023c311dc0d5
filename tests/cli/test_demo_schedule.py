"""Scheduled posts in `paperbot demo`: `wait` runs the scheduler, DMs and the recap arrive once each.

The demo's clock starts at the real "now" and only moves with `wait`; the DM is daily and the
recap weekly, set for tomorrow's weekday (UTC): whatever the hour the test runs at, the first day
holds one DM and two days two DMs and one recap — where 16:00 comes twice, so a recap posted daily
would show twice. (Two days of 10-minute ticks, not seven: 288 scheduler ticks, not 1008.)
"""
from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.taste.onnx_embedder import OnnxEmbedder
from tests.harness.demo import embedded_sample_demo, run_demo
from tests.harness.head_schema import HeadSchemas


@pytest.mark.real_model  # the demo process loads the model itself
def test_dm_digest_and_recap_arrive_once_each_at_their_times(tmp_path: Path, head_schemas: HeadSchemas,
                                                             real_embedder: OnnxEmbedder) -> None:
    asyncio.run(embedded_sample_demo(tmp_path, head_schemas, real_embedder))  # not a first start: the sample is embedded
    # Tomorrow's 16:00 is 16 to 40 hours away (also if midnight passes before the demo starts).
    tomorrow = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(datetime.now(UTC) + timedelta(days=1)).weekday()]
    result = run_demo(tmp_path, "\n".join([
        "react 1 👍",
        "reply 2 worth a read",
        "/papers dm on 08:30 Europe/Paris daily 2",
        f"/papers recap on {tomorrow} 16:00",
        "wait 1d",
        "wait 1d",
        "wait 2x",
        "quit",
    ]))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "every " + tomorrow.capitalize() + " at 16:00 UTC" in out  # the recap's day and zone, as this test assumes
    first_day = out.split("> wait 1d", 2)[1]
    assert first_day.count("✉ direct message to you:") == 1
    # 08:30 Paris is 06:30 or 07:30 UTC (winter/summer time); the demo ticks every 10 minutes.
    assert re.search(r"✉ direct message to you:\n\[1\] .+\n(?:.*\n)*?\[2\] .+\n(?:.*\n)*?   \(\w{3} \d{4}-\d\d-\d\d 0[67]:[34]\d UTC\)", first_day)
    week = out.split("> wait 1d", 1)[1].split("> wait 2x", 1)[0]
    # The recap: once in two days (16:00 twice), led by the papers people reacted to or replied about.
    assert week.count("✉ direct message to you:") == 2  # one a day: the second must not repeat the first's papers
    assert week.count("Weekly recap:") == 1
    recap = week.split("Weekly recap:", 1)[1]
    assert re.search(r"1\. .+ — 👍 0 👎 0 · 1 reply — thread: `thread 2`", recap)
    assert re.search(r"2\. .+ — 👍 1 👎 0 · 0 replies — thread: `thread 1`", recap)
    assert "3. " not in recap.split("\n   (", 1)[0]  # papers nobody discussed are left out
    # DMs never repeat a paper.
    dm_titles = re.findall(r"✉ direct message to you:\n((?:\[\d\] .+\n(?:     .*\n)*)+)", week)
    titles = [t for block in dm_titles for t in re.findall(r"^\[\d\] (.+)$", block, re.M)]
    assert titles and len(titles) == len(set(titles))
    assert "Usage: wait <duration>" in out
