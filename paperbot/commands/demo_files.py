"""Where `paperbot demo` keeps its own files: the prompt's ↑/↓ history, `/papers export` files and
posted files (`/papers stats`' chart).

Beside its SQLite database: the user data folder by default, the file's folder with ``--db``. A
``--db`` that is no plain SQLite file (PostgreSQL, memory) falls back to the user data folder; when
that cannot be used either (read-only, a file in its place), the demo still runs and keeps nothing,
said once. Why: the database the person chose is already known writable (start-up checked it), and
a demo that refuses to start over its history file helps no one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.data_folder import data_folder_path, data_folder_problem
from storage.sqlite_file import sqlite_path

HISTORY_FILE = "demo_history"  # the prompt's ↑/↓ history


@dataclass(frozen=True)
class DemoFiles:
    """``folder``: where the demo writes its files (None: nowhere); ``note``: why not, for the person."""

    folder: Path | None
    note: str | None = None

    @property
    def history(self) -> Path | None:
        return None if self.folder is None else self.folder / HISTORY_FILE

    @property
    def posted(self) -> Path | None:
        return None if self.folder is None else self.folder / "files"


def demo_files(url: str) -> DemoFiles:
    """The folder of the demo's files for the database at ``url`` (already opened, so a SQLite file's
    folder is writable)."""
    database = _sqlite_file(url)
    if database is not None:
        return DemoFiles(database.parent)
    folder = data_folder_path()
    problem = data_folder_problem(folder)
    if problem is None:
        return DemoFiles(folder)
    return DemoFiles(None, f"Note: no ↑/↓ history or export files this session: the data folder {folder} "
                           f"cannot be used ({problem}); exports are printed instead.")


def _sqlite_file(url: str) -> Path | None:
    """The plain SQLite file ``url`` names (None: another database, memory, a ``file:`` URI)."""
    try:
        path = sqlite_path(url)
    except Exception:  # noqa: BLE001 - the store opened it already; a URL SQLAlchemy cannot read has no file
        return None
    if not path or path.startswith("file:"):
        return None
    return Path(path)
