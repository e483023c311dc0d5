"""SampleSource: a user's own daily-papers snapshot (file or folder) as a PaperSource."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.errors import SourceError
from bot.sources.sample import SampleSource
from tests.harness.fixtures_paths import HF_DAY_07, HF_DAY_20, HF_MONTH_P4, load_json


async def test_folder_of_days(tmp_path: Path) -> None:
    for file in (HF_DAY_07, HF_DAY_20, HF_MONTH_P4):
        shutil.copy(file, tmp_path / file.name)
    (tmp_path / "notes.txt").write_text("not json, not read")
    source = SampleSource(tmp_path)
    assert [f.name for f in source.files()] == [HF_DAY_07.name, HF_DAY_20.name, HF_MONTH_P4.name]
    papers = source.all_papers()
    assert len(papers) == 38  # 15 + 12 + 12, with 2511.03295 in two files
    day_20 = await source.fetch_day(date(2025, 11, 20))
    assert len(day_20) == 12 and day_20[0].arxiv_id == "2511.14993" and day_20[0].upvotes == 234
    assert await source.fetch_day(date(2025, 11, 8)) == []
    assert source.days() == [date(2025, 11, d) for d in (5, 7, 17, 18, 19, 20, 21, 25, 27)]
    assert source.name == "sample"


async def test_single_file_and_the_day_in_its_name(tmp_path: Path) -> None:
    items = load_json(HF_DAY_20)[:3]
    for item in items:
        del item["paper"]["submittedOnDailyAt"]
    file = tmp_path / "daily_papers_2025-11-21.json"
    file.write_text(json.dumps(items))
    papers = await SampleSource(file).fetch_day(date(2025, 11, 21))
    assert [p.arxiv_id for p in papers] == ["2511.14993", "2511.15065", "2511.15593"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"not": "a list"}', "expected a JSON array of Hugging Face daily-papers items"),
        ("[{broken", "is not valid JSON (Expecting property name enclosed in double quotes at line 1, column 3)"),
        ('[1, 2, {"paper": {}}]', "none of its 3 items is a daily-papers item"),
    ],
)
def test_unusable_file_names_the_file_and_what_is_accepted(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(SourceError) as caught:
        SampleSource(bad).all_papers()
    assert str(bad) in str(caught.value) and expected in str(caught.value)
    assert "/api/daily_papers" in str(caught.value)


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        SampleSource(tmp_path / "nowhere.json").all_papers()
    with pytest.raises(SourceError, match="holds no .json files"):
        SampleSource(tmp_path).all_papers()
