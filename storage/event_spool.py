"""The spool of kept events: one JSON line per event in a local file, fsync'd before it counts.

The events kept here are the ones the database failed, so they cannot wait in the database: they
go to a file next to it (``<SQLite file>.kept-events.jsonl``; for PostgreSQL in the user data
directory; ``[retry] spool`` names another). An event is appended and fsync'd before the retry
takes it over; once applied (or dropped because a later event of the same reaction decides), a
``{"done": [ids]}`` line marks it, fsync'd as well: replaying an applied event changes nothing,
but replaying an add a later removal overruled would bring the reaction back. At open, and whenever the
marks outnumber the live events, the file is rewritten with only what is still kept (a temporary
file, fsync'd, renamed over it). A torn line — a crash in the middle of a write — is skipped with a
warning; the rest is kept. At most ``max_events`` events and ``max_bytes`` bytes are kept: beyond
that :meth:`FileSpool.append` refuses (the retry counts the event as lost and says so).

One process owns a spool: a lock file beside it (the ``filelock`` library, a non-blocking
``flock``) is held from open to close. The default spool is named after the database and the
platforms the process serves (``paperbot.sqlite3.discord.kept-events.jsonl``; for PostgreSQL
``postgresql-<user>@<host>-<port>-<db>.slack.kept-events.jsonl``), so a Discord and a Slack process
on one database, or two databases served from one machine, never hold or replay each other's
events; processes serving the same platforms take free slots of it (``…-2.kept-events.jsonl`` …),
and one that starts later takes over a stopped one's slot with what it kept (storing an event
twice changes nothing: the core's writes are idempotent by event id).
"""
from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy.engine import make_url

from bot.errors import ConfigError
from bot.kept import MAX_LINE, KeptEvent
from storage.data_folder import data_folder_path
from storage.sqlite_file import sqlite_path

_log = logging.getLogger(__name__)

MAX_EVENTS = 10_000  # as many as the retry keeps in memory (bot.usecases.retrying.LIMIT)
MAX_BYTES = 64 * 2**20
COMPACT_AFTER = 1000  # done marks tolerated before a rewrite, however few events are live
SUFFIX = ".kept-events.jsonl"
SLOTS = 8  # processes that may share one database's default spool at once
LEGACY_NAME = "paperbot" + SUFFIX  # the one PostgreSQL default before it was named after the database


class SpoolInUseError(ConfigError):
    """Another process holds this spool's lock."""


def default_spool_path(database_url: str, platforms: Collection[str] = ()) -> Path:
    """Beside a SQLite file; else in the user data folder, named after the database (user, host,
    port and name; never the password); either way with the ``platforms`` the process serves."""
    tag = "".join(f".{name}" for name in sorted(platforms))
    file = sqlite_path(database_url)
    if file is not None:
        return Path(os.path.abspath(file + tag + SUFFIX))
    parsed = make_url(database_url)
    where = f"{parsed.username or ''}@{parsed.host or 'local'}-{parsed.port or 'default'}-{parsed.database or ''}"
    return data_folder_path() / f"{parsed.get_backend_name()}-{_safe(where)}{tag}{SUFFIX}"


def legacy_spool_path(database_url: str) -> Path:
    """Where earlier versions kept a database's events, for every platform: beside the SQLite file
    without the platforms, and for PostgreSQL one file for every database."""
    file = sqlite_path(database_url)
    return Path(os.path.abspath(file + SUFFIX)) if file is not None else data_folder_path() / LEGACY_NAME


def _safe(text: str) -> str:
    """``text`` as a file-name part: letters, digits, ``@ . _ -`` only, at most 100 characters."""
    return re.sub(r"[^A-Za-z0-9@._-]", "_", text)[:100]


def slot_path(base: Path, slot: int) -> Path:
    """The file of ``slot`` (0: ``base`` itself) of a default spool."""
    if slot == 0:
        return base
    return base.with_name(f"{base.name.removesuffix(SUFFIX)}-{slot + 1}{SUFFIX}")


def open_default_spool(base: Path, *, slots: int = SLOTS, legacy: Path | None = None,
                       platforms: Collection[str] = ()) -> FileSpool:
    """The first free slot of the default spool ``base`` (see the module doc), with the events of
    ``platforms`` (all if none is named) an earlier version kept in ``legacy`` taken over, if that
    file is free: the other platforms' events stay there for their own process."""
    for slot in range(slots):
        try:
            spool = FileSpool(slot_path(base, slot))
        except SpoolInUseError:
            continue
        if legacy is not None and legacy != spool.path:
            _take_over(legacy, spool, platforms)
        return spool
    raise ConfigError(
        f"{slots} paperbot processes already use the kept-events files {base} … {slot_path(base, slots - 1).name}; "
        "give this one its own file: [retry] spool = \"/path/to/kept-events.jsonl\"."
    )


def _take_over(legacy: Path, spool: FileSpool, platforms: Collection[str]) -> None:
    """Move what ``legacy`` keeps for ``platforms`` into ``spool`` (the file goes once it keeps
    nothing), unless a process still holds it."""
    if not legacy.exists():
        return
    try:
        old = FileSpool(legacy)
    except SpoolInUseError:
        return  # a process of an earlier version still runs on it: it stays that process's
    try:
        events = [e for e in old.load() if not platforms or e.platform in platforms]
        if not spool.take_over(events):
            _log.warning("%s is full: kept events of an earlier version stay in %s until it has room", spool.path, legacy)
            return
        old.done(e.id for e in events)
        if events:
            _log.info("%d kept events of an earlier version moved from %s to %s", len(events), legacy, spool.path)
        if not old.kept:
            os.remove(legacy)
            _fsync_dir(legacy.parent)
    finally:
        old.close()


def _fsync_dir(folder: Path) -> None:
    """Make a created or renamed file's name durable too (POSIX; a no-op where directories cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


class FileSpool:
    """:class:`bot.ports.EventSpool` in one file, locked for this process (see the module doc)."""

    def __init__(self, path: str | Path, *, max_events: int = MAX_EVENTS, max_bytes: int = MAX_BYTES) -> None:
        self.path = Path(path).expanduser()
        self.max_events = max_events
        self.max_bytes = max_bytes
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"the spool of kept events cannot be created in {self.path.parent}: {exc.strerror} "
                              "(set [retry] spool to a file paperbot can write).") from None
        self._lock = FileLock(f"{self.path}.lock")
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise SpoolInUseError(
                f"another paperbot process uses the spool of kept events {self.path} (lock {self.path}.lock); "
                "stop it, or give this one its own file: [retry] spool = \"/path/to/kept-events.jsonl\"."
            ) from None
        self._lines: dict[str, str] = {}  # live event id → its line (newline included), oldest first
        self._bytes = 0
        self._marks = 0  # done marks (and skipped lines) in the file since the last rewrite
        try:
            self._events = self._read()
            self._rewrite()
            self._file = open(self.path, "a", encoding="utf-8")  # held until close()
        except BaseException:
            self._lock.release()
            raise

    # EventSpool -----------------------------------------------------------------------------------

    def load(self) -> list[KeptEvent]:
        """What was kept when the spool was opened and is not done yet, oldest first."""
        return [e for e in self._events if e.id in self._lines]

    def append(self, event: KeptEvent) -> bool:
        if event.id in self._lines:
            return True
        line = event.to_line() + "\n"
        size = len(line.encode("utf-8"))
        if size > MAX_LINE or len(self._lines) >= self.max_events or self._bytes + size > self.max_bytes:
            return False
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._lines[event.id] = line
        self._bytes += size
        return True

    def take_over(self, events: Iterable[KeptEvent]) -> bool:
        """Keep ``events`` another spool kept, as if this one had been opened with them (``load``
        returns them too); False if some did not fit within this spool's bounds."""
        complete = True
        for kept in events:
            if self.append(kept):
                self._events.append(kept)
            else:
                complete = False
        return complete

    def done(self, event_ids: Iterable[str]) -> None:
        ids = [i for i in event_ids if i in self._lines]
        if not ids:
            return
        for event_id in ids:
            self._bytes -= len(self._lines.pop(event_id).encode("utf-8"))
        if not self._lines:  # nothing is kept: an empty file, no rewrite needed
            self._file.truncate(0)
            os.fsync(self._file.fileno())
            self._marks = 0
            return
        self._file.write(json.dumps({"done": ids}, separators=(",", ":")) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._marks += 1
        if self._marks > max(len(self._lines), COMPACT_AFTER):
            self._file.close()
            self._rewrite()
            self._file = open(self.path, "a", encoding="utf-8")  # held until close()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._lock.release()

    @property
    def kept(self) -> int:
        """Events kept now (not done)."""
        return len(self._lines)

    # inside -----------------------------------------------------------------------------------------

    def _read(self) -> list[KeptEvent]:
        """The events of the file not marked done, in order; unreadable lines skipped with a warning."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        events: dict[str, KeptEvent] = {}
        lines = raw.split(b"\n")
        torn_tail = lines.pop() if lines else b""  # the text after the last newline: a write cut short
        if torn_tail:
            self._marks += 1
            _log.warning("the last line of %s was cut short (a crash while writing it): skipped, the rest is kept",
                         self.path)
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line.decode("utf-8"))
                if isinstance(data, dict) and set(data) == {"done"} and isinstance(data["done"], list):
                    for event_id in data["done"]:
                        events.pop(str(event_id), None)
                    self._marks += 1
                    continue
                event = KeptEvent.from_line(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                self._marks += 1
                _log.warning("line %d of %s is not a kept event (%s): skipped, the rest is kept", number, self.path, exc)
                continue
            events[event.id] = event
        for event in events.values():
            line_text = event.to_line() + "\n"
            self._lines[event.id] = line_text
            self._bytes += len(line_text.encode("utf-8"))
        if events:
            _log.info("%d kept events in %s", len(events), self.path)
        return list(events.values())

    def _rewrite(self) -> None:
        """Only the live events, through a temporary file renamed over the spool (never half a spool)."""
        if self._marks == 0 and (self.path.exists() or not self._lines):
            if not self.path.exists():
                self.path.touch()
                _fsync_dir(self.path.parent)
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as out:
            out.writelines(self._lines.values())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        _fsync_dir(self.path.parent)
        self._marks = 0
