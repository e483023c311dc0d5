"""`/papers stats` in `paperbot demo`: the terminal shows no image, so the chart is written beside the
demo's database (the user data folder) and its path printed. A real demo process, real matplotlib."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.harness.demo import run_demo

PIL = pytest.importorskip("PIL.Image", reason="matplotlib (the [stats] extra) brings Pillow")


def test_stats_writes_the_chart_into_the_data_folder_and_prints_its_path(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "react 1 👍\nreact 2 👍\nreact 3 👎\n/papers stats\n/papers stats 2\n", embedder="hash")
    assert result.returncode == 0, result.stderr
    assert "The last 8 weeks here: 5 papers posted, 2 👍, 1 👎." in result.stdout
    paths = re.findall(r"file saved: (\S+\.png)", result.stdout)
    assert len(paths) == 2 and paths[0] != paths[1]  # a second chart never overwrites the first
    folder = tmp_path / "data" / "paperbot" / "files"
    for shown in paths:
        path = Path(shown)
        assert path.parent == folder and path.is_file()
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
        assert PIL.open(io.BytesIO(data)).size == (1000, 700)
    assert "Traceback" not in result.stdout + result.stderr
