"""A real `paperbot … run` process (the console script's module), for tests of what an operator sees:
its monitoring endpoints and its log lines. stderr is read all along (a DEBUG run fills a pipe
quickly), so the lines so far are always in :attr:`PaperbotProcess.lines`."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp


@dataclass
class PaperbotProcess:
    process: asyncio.subprocess.Process
    monitoring_port: int
    lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    async def get(self, path: str) -> tuple[int, str]:
        """GET a monitoring endpoint: (status, body); (0, reason) while nothing listens."""
        try:
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{self.monitoring_port}{path}",
                                       timeout=aiohttp.ClientTimeout(total=10)) as response:
                    return response.status, await response.text()
        except aiohttp.ClientConnectionError as exc:
            return 0, type(exc).__name__

    async def get_json(self, path: str) -> tuple[int, Any]:
        status, body = await self.get(path)
        return status, json.loads(body) if status else None

    async def until(self, check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
        """Poll the async ``check`` until it returns something truthy; the log tail on a timeout."""
        deadline = time.monotonic() + timeout
        while True:
            result = await check()
            if result:
                return result
            assert self.process.returncode is None, f"paperbot run exited ({self.process.returncode}):\n{self.log[-3000:]}"
            assert time.monotonic() < deadline, f"{what} did not happen within {timeout:g} s:\n{self.log[-3000:]}"
            await asyncio.sleep(0.2)

    async def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as systemd stops it; the exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout)


async def _read(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode(errors="replace").rstrip("\n"))


@asynccontextmanager
async def running_paperbot(tmp_path: Path, config: str, *options: str, monitoring_port: int,
                           command: tuple[str, ...] = ("run",)) -> AsyncIterator[PaperbotProcess]:
    """``paperbot [options] --config <tmp>/paperbot.toml run`` with ``config`` as the file (no
    ``PAPERBOT_*`` variable from this environment); killed on the way out if still running."""
    path = tmp_path / "paperbot.toml"
    path.write_text(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "paperbot", "--config", str(path), *options, *command, cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL)
    assert process.stderr is not None
    running = PaperbotProcess(process, monitoring_port)
    reader = asyncio.create_task(_read(process.stderr, running.lines))
    try:
        yield running
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await asyncio.wait_for(reader, 10)


# ---- the config a test's `paperbot run` reads, in sections ---------------------------------------

def quiet_run_config(tmp_path: Path, *, hf_url: str | None = None) -> str:
    """A SQLite file in ``tmp_path``, no model, no arXiv full text, arXiv at a closed local port and
    Hugging Face at ``hf_url`` (a local paper server; default closed too). Add a platform section."""
    from tests.harness.running_slack import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    return f"""
[database]
url = "sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
[embedding]
enabled = false
[answers]
fulltext = false
[sources.huggingface]
base_url = "{hf_url or dead}"
max_retries = 0
[sources.arxiv]
rss_base_url = "{dead}"
api_base_url = "{dead}"
max_retries = 0
min_interval_seconds = 0
"""


def slack_http_section(base_url: str, port: int, *more: str) -> str:
    """Slack in HTTP mode on ``port`` (signed with the harness's secret) against the fake at ``base_url``;
    ``more`` are further ``[slack]`` lines."""
    from tests.harness.running_slack import SECRET

    lines = "\n".join(more)
    return f"""
[slack]
bot_token = "xoxb-test"
signing_secret = "{SECRET}"
mode = "http"
http_host = "127.0.0.1"
http_port = {port}
base_url = "{base_url}"
{lines}
"""


def monitoring_section(port: int) -> str:
    return f"\n[monitoring]\nport = {port}\n"
