"""A disk cache in front of a full-text source, so each paper version is fetched once.

One JSON file per paper and version (``<id>v<version>.json``, or ``<id>.json`` when the
version is unknown) under a directory from config (default: the user cache dir). A paper
without full text is remembered too (``{"missing": true}``) and asked again after
``retry_missing_after`` seconds, since arXiv renders HTML for some papers later.
A corrupt or unreadable file counts as a miss and is rewritten.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.sources.fulltext import FullText, FullTextSource, Section

_log = logging.getLogger(__name__)

FORMAT = 1
_UNSAFE_RE = re.compile(r"[^A-Za-z0-9._-]")


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("paperbot")) / "fulltext"


class FullTextCache:
    """Reads and writes cached full texts (blocking file I/O; callers run it off the loop)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).expanduser()

    def path(self, arxiv_id: str, version: int | None) -> Path:
        name = _UNSAFE_RE.sub("_", arxiv_id) + (f"v{version}" if version else "")
        return self.directory / f"{name}.json"

    def load(self, arxiv_id: str, version: int | None) -> dict[str, Any] | None:
        """The stored record, or None on a miss (absent, corrupt, other format)."""
        file = self.path(arxiv_id, version)
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            _log.warning("ignoring unreadable full-text cache file %s: %s", file, exc)
            return None
        return record if isinstance(record, dict) and record.get("format") == FORMAT else None

    def store(self, arxiv_id: str, version: int | None, full: FullText | None, *, now: float) -> None:
        record: dict[str, Any] = {"format": FORMAT, "arxiv_id": arxiv_id, "version": version, "fetched_at": now}
        if full is None:
            record["missing"] = True
        else:
            record["sections"] = [{"title": s.title, "paragraphs": list(s.paragraphs)} for s in full.sections]
        file = self.path(arxiv_id, version)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            temporary = file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            temporary.replace(file)  # atomic: a reader never sees half a file
        except OSError as exc:
            _log.warning("cannot write the full-text cache file %s: %s", file, exc)


def _from_record(record: dict[str, Any]) -> FullText:
    sections = tuple(
        Section(str(s.get("title", "")), tuple(str(p) for p in s.get("paragraphs", ())))
        for s in record.get("sections", ())
        if isinstance(s, dict)
    )
    return FullText(str(record.get("arxiv_id", "")), record.get("version"), sections)


class CachedFullText:
    """A :class:`FullTextSource` that asks ``source`` only on a cache miss; concurrent asks share one fetch."""

    def __init__(
        self, source: FullTextSource, cache: FullTextCache, *, retry_missing_after: float = 86_400.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._source = source
        self._cache = cache
        self._retry_missing_after = retry_missing_after
        self._clock = clock
        self._locks: dict[tuple[str, int | None], asyncio.Lock] = {}

    async def fetch(self, arxiv_id: str, version: int | None = None) -> FullText | None:
        async with self._locks.setdefault((arxiv_id, version), asyncio.Lock()):
            record = await asyncio.to_thread(self._cache.load, arxiv_id, version)
            if record is not None:
                if not record.get("missing"):
                    return _from_record(record)
                if self._clock() - float(record.get("fetched_at", 0)) < self._retry_missing_after:
                    return None
            full = await self._source.fetch(arxiv_id, version)  # errors propagate, nothing is cached
            await asyncio.to_thread(self._cache.store, arxiv_id, version, full, now=self._clock())
            return full
