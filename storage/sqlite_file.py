"""Whether a SQLite file can be used, in the words both `paperbot doctor` and start-up use: its
folder missing, a file where the folder should be, a folder where the file should be, a folder or a
file this user may not write — and a file SQLite itself refuses to write (a read-only mount, an
immutable file), found by a write that is rolled back.

Why here: start-up used to meet these as SQLite's "unable to open database file" (whose hint
guessed the cause) or, for a file that opens but refuses writes, only at the first write, as a
StoreUnavailableError ("try again in a minute") that no wait would ever fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.data_folder import write_refused
from storage.url_source import KEY, repoint


@dataclass(frozen=True)
class FileProblem:
    """Why a SQLite file cannot be used: ``summary`` follows the URL ("cannot be used: …"); then the
    cause, and the fix: ``remedy`` on the spot (may be empty), or the URL moved to ``elsewhere``."""

    summary: str
    cause: str
    remedy: str
    elsewhere: str

    def fix(self, source: str = KEY) -> str:
        """The fix, naming the place the URL came from (``source``: ``--db``, ``PAPERBOT_DATABASE_URL``, the key)."""
        moved = repoint(source, self.elsewhere)
        return f"{self.remedy}, or {moved}" if self.remedy else moved

    def sentence(self, shown: str, source: str = KEY) -> str:
        """One line for start-up: ``[database] url (…) cannot be used: …: cause; fix.``, naming
        ``source`` (``--db``, ``PAPERBOT_DATABASE_URL``) when the URL came from there."""
        return f"{source} ({shown}) {self.summary}: {self.cause}; {self.fix(source)}."


def not_writable(file: Path | str, cause: str | None = None) -> FileProblem:
    return FileProblem("cannot be used: the file is not writable", cause or f"this user may not write to {file}",
                       f"give this user write access to {file}", "another file")


def sqlite_path(database_url: str) -> str | None:
    """The SQLite file ``database_url`` names (None: another database, or SQLite in memory)."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return parsed.database
    return None


def sqlite_file_problem(path: str | None) -> FileProblem | None:
    """Why the SQLite file at ``path`` cannot be used, from the file system alone; None if it can
    (or it is not a plain file path: memory, a ``file:`` URI)."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    file = Path(path)
    folder = file.parent if str(file.parent) else Path(".")
    if not folder.exists():
        return FileProblem("cannot be used: its folder does not exist", f"the folder {folder} does not exist",
                           f"create it (mkdir -p {folder})", "a file in an existing folder")
    if not folder.is_dir():
        return FileProblem("cannot be used: its folder is not a folder", f"{folder} is a file, not a folder",
                           "", "a file in a folder")
    if file.is_dir():
        return FileProblem("cannot be used: it names a folder", f"{file} is a folder, not a file",
                           "", f"a file, e.g. {file / 'paperbot.sqlite3'}")
    if write_refused(folder) is not None:
        return FileProblem("cannot be used: its folder is not writable",
                           f"this user may not create files in {folder} (SQLite also writes its journal beside the file)",
                           f"give this user write access to {folder}", "a file in a folder it may write")
    if file.exists() and not _can_open_for_writing(file):
        return not_writable(file)
    return None


def _can_open_for_writing(file: Path) -> bool:
    try:
        with file.open("ab"):
            return True
    except OSError:
        return False
