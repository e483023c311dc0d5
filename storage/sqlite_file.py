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

from bot.config_words import key_name
from storage.data_folder import write_refused

KEY = key_name("database", "url")  # where the URL usually comes from; messages name the real source when told
KEY_FIX = f"{KEY} (or PAPERBOT_DATABASE_URL)"


@dataclass(frozen=True)
class FileProblem:
    """Why a SQLite file cannot be used: ``summary`` follows the URL ("cannot be used: …"); then the
    cause and the fix, in words."""

    summary: str
    cause: str
    fix: str

    def sentence(self, shown: str, source: str = KEY) -> str:
        """One line for start-up: ``[database] url (…) cannot be used: …: cause; fix.``, naming
        ``source`` (``--db``, ``PAPERBOT_DATABASE_URL``) when the URL came from there."""
        return f"{source} ({shown}) {self.summary}: {self.cause}; {self.fix}."


def not_writable(file: Path | str, cause: str | None = None) -> FileProblem:
    return FileProblem("cannot be used: the file is not writable", cause or f"this user may not write to {file}",
                       f"give this user write access to {file}, or point {KEY_FIX} at another file")


def sqlite_file_problem(path: str | None) -> FileProblem | None:
    """Why the SQLite file at ``path`` cannot be used, from the file system alone; None if it can
    (or it is not a plain file path: memory, a ``file:`` URI)."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    file = Path(path)
    folder = file.parent if str(file.parent) else Path(".")
    if not folder.exists():
        return FileProblem("cannot be used: its folder does not exist", f"the folder {folder} does not exist",
                           f"create it (mkdir -p {folder}) or point {KEY_FIX} at a file in an existing folder")
    if not folder.is_dir():
        return FileProblem("cannot be used: its folder is not a folder", f"{folder} is a file, not a folder",
                           f"point {KEY_FIX} at a file in a folder")
    if file.is_dir():
        return FileProblem("cannot be used: it names a folder", f"{file} is a folder, not a file",
                           f"point {KEY_FIX} at a file, e.g. {file / 'paperbot.sqlite3'}")
    if write_refused(folder) is not None:
        return FileProblem("cannot be used: its folder is not writable",
                           f"this user may not create files in {folder} (SQLite also writes its journal beside the file)",
                           f"give this user write access to {folder}, or point {KEY_FIX} at a file in a folder it may write")
    if file.exists() and not _can_open_for_writing(file):
        return not_writable(file)
    return None


def _can_open_for_writing(file: Path) -> bool:
    try:
        with file.open("ab"):
            return True
    except OSError:
        return False
