"""The user data folder (``$XDG_DATA_HOME/paperbot`` on Linux): the default SQLite file, the demo's
database and history, the default spool of kept events.

It is made on first use. One that cannot be (a file in its place, a read-only file system, no
permission) is a :class:`ConfigError` naming the folder, why, and what to do — not an ``OSError``
traceback from ``mkdir`` — and ``paperbot doctor`` reports the same words (:func:`data_folder_problem`).
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from platformdirs import user_data_dir

from bot.errors import ConfigError

APP = "paperbot"
FIX = ("make it a writable folder, or point XDG_DATA_HOME at one; or keep the database elsewhere: "
       "set PAPERBOT_DATABASE_URL ([database] url), or --db for `paperbot embed` and `paperbot demo`")


def data_folder_path() -> Path:
    """Where the folder is (nothing is created)."""
    return Path(user_data_dir(APP))


def data_folder() -> Path:
    """The folder, made if missing and checked writable; ConfigError (folder, cause, fix) if it cannot be used."""
    folder = data_folder_path()
    problem = data_folder_problem(folder)
    if problem is not None:
        raise ConfigError(f"the data folder {folder} cannot be used: {problem}; {FIX}.")
    return folder


def data_folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot hold paperbot's files, in words (it is made if missing); None if it can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _why(folder, exc)
    refused = write_refused(folder)
    return None if refused is None else _why(folder, refused)


def write_refused(folder: Path) -> OSError | None:
    """Why a file cannot be created in ``folder`` (None: it can), found by creating one: ``os.access``
    says yes to root on a read-only file system or a kernel one (/sys)."""
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".paperbot-probe-")
    except OSError as exc:
        return exc
    os.close(handle)
    os.unlink(probe)
    return None


def _why(folder: Path, exc: OSError) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        return f"{blocker} is a file, not a folder"
    if exc.errno == errno.EROFS:
        return "it is on a read-only file system"
    if isinstance(exc, PermissionError):
        return "this user may not create files there"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror or type(exc).__name__
