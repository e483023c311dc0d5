"""`paperbot fetch` tells cron when nothing came: a listing of which no item could be read fails the
command, and a day no source has (future, or before the source began) is a usage error, before any
request. Real processes against the local fake sources, as in test_commands."""
from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.harness.cli_process import paperbot, write_config
from tests.harness.fixtures_paths import HF_DAY_07, load_json
from tests.harness.paper_server import PaperServer, Reply


async def test_a_listing_of_which_nothing_could_be_read_fails_the_fetch_in_one_line(tmp_path: Path) -> None:
    item = copy.deepcopy(load_json(HF_DAY_07)[0])
    item["paper"]["id"] = "not-an-id"
    async with PaperServer() as server:
        server.route("/api/daily_papers", Reply.json([item]))
        config = write_config(tmp_path, server)
        code, out, err = await paperbot("--config", str(config), "fetch", "--date", "2025-11-07", "--source", "hf", cwd=tmp_path)
    assert code == 1, (out, err)
    assert "Failed sources: huggingface" in out
    (line,) = [line for line in err.splitlines() if "none could be read" in line]
    assert "listing date=2025-11-07 had 1 item and none could be read" in line


@pytest.mark.parametrize(("args", "wrong"), [
    (("--date", "2099-01-01"), "--date 2099-01-01 is in the future"),
    (("--date", "1990-01-01"), "--date 1990-01-01 is before Hugging Face Daily Papers began (2023-05-04)"),
    (("--date", "2023-05-03", "--source", "hf"), "--date 2023-05-03 is before Hugging Face Daily Papers began (2023-05-04)"),
    (("--week", "2099-W01"), "--week 2099-W01 is in the future"),
    (("--month", "2023-04"), "--month 2023-04 is before Hugging Face Daily Papers began"),
])
async def test_a_day_no_source_has_is_a_usage_error_naming_the_accepted_range(
    args: tuple[str, ...], wrong: str, tmp_path: Path
) -> None:
    async with PaperServer() as server:
        server.route("/api/daily_papers", Reply.file(HF_DAY_07))
        config = write_config(tmp_path, server)
        code, out, err = await paperbot("--config", str(config), "fetch", *args, cwd=tmp_path)
        assert server.requests == []
    today = datetime.now(UTC).date().isoformat()
    assert code == 2 and "Fetched" not in out
    assert wrong in err and f"to {today} (today, UTC)" in err, err


async def test_arxiv_alone_refuses_only_days_before_its_start(tmp_path: Path) -> None:
    async with PaperServer() as server:
        config = write_config(tmp_path, server)
        code, _, err = await paperbot("--config", str(config), "fetch", "--date", "1991-08-13", "--source", "arxiv", cwd=tmp_path)
        assert code == 2 and "before arXiv began (1991-08-14); accepted: 1991-08-14 to" in err
        assert server.requests == []


async def test_a_re_fetch_of_the_same_listing_says_unchanged_and_a_new_count_updated(tmp_path: Path) -> None:
    items = load_json(HF_DAY_07)
    async with PaperServer() as server:
        server.route("/api/daily_papers", Reply.json(items))
        config = write_config(tmp_path, server)
        fetch = ("--config", str(config), "fetch", "--date", "2025-11-07", "--source", "hf")
        code, out, err = await paperbot(*fetch, cwd=tmp_path)
        assert code == 0 and "Fetched 15 papers for 2025-11-07: 15 new, 0 updated." in out, err
        code, out, err = await paperbot(*fetch, cwd=tmp_path)
        assert code == 0 and "Fetched 15 papers for 2025-11-07: 0 new, 0 updated, 15 unchanged." in out, err
        changed = copy.deepcopy(items)
        changed[0]["paper"]["upvotes"] += 1
        server.route("/api/daily_papers", Reply.json(changed))
        code, out, err = await paperbot(*fetch, cwd=tmp_path)
        assert code == 0 and "Fetched 15 papers for 2025-11-07: 0 new, 1 updated, 14 unchanged." in out, err
