"""A folder this user may not create files in, for the paths that must survive one (the doctor's
checks, the demo with a read-only data folder)."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def unwritable_folder(tmp_path: Path) -> Iterator[Path]:
    """A read-only folder in ``tmp_path`` (writable again after), or — as root, whom modes do not
    stop — the kernel's /sys; skips when neither refuses this user's writes."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            yield folder
        finally:
            folder.chmod(stat.S_IRWXU)
        return
    if Path("/sys").is_dir():
        try:
            (Path("/sys") / "paperbot-probe").touch()
        except OSError:
            yield Path("/sys")
            return
    pytest.skip("no folder here refuses this user's writes (root, and no read-only /sys)")
