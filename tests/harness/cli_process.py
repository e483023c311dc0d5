"""The `paperbot` console script as a one-shot command a user runs (`fetch`, `digest`, `db upgrade` …):
a real process with its own data folder, and a config file pointing every source at a local fake —
shared by the CLI tests that drive whole commands."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.harness.paper_server import PaperServer


async def paperbot(*args: str, env_extra: dict[str, str] | None = None, cwd: Path) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    env["XDG_DATA_HOME"] = str(cwd / "data")
    env.update(env_extra or {})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "paperbot", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, out.decode(), err.decode()


def write_config(tmp_path: Path, server: PaperServer) -> Path:
    config = tmp_path / "paperbot.toml"
    config.write_text(
        f"""
[database]
url = "sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"

[sources.huggingface]
base_url = "{server.url()}"
max_retries = 1

[sources.arxiv]
categories = ["cs.LG", "cs.AI", "cs.CL", "stat.ML"]
rss_base_url = "{server.url()}"
api_base_url = "{server.url()}"
min_interval_seconds = 0.0
max_retries = 1
"""
    )
    return config


