"""`paperbot demo` as a newcomer runs it: a real process, piped commands, its data in a tmp folder."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_demo(tmp_path: Path, commands: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "PAPERBOT_CONFIG": ""}
    env.pop("PAPERBOT_CONFIG")
    return subprocess.run(
        [sys.executable, "-m", "paperbot", "demo", *extra],
        input=commands,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
