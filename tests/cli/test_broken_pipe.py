"""`paperbot … | head -1`: a reader that leaves early ends paperbot quietly, as it ends a Unix tool."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_closed_stdout_ends_the_command_quietly_with_141(tmp_path: Path) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # the reader has left before paperbot prints anything: every write is EPIPE
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}, "XDG_DATA_HOME": str(tmp_path)}
    try:
        result = subprocess.run([sys.executable, "-m", "paperbot", "discord", "invite-url", "--client-id", "123456789012345678"],
                                stdout=writer, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path, timeout=60)
    finally:
        os.close(writer)
    assert result.stderr == ""  # no BrokenPipeError, no "Exception ignored"
    assert result.returncode == 141  # 128 + SIGPIPE, what a shell shows for `yes | head -1`
