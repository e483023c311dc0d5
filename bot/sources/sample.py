"""A local snapshot of Hugging Face daily papers as a paper source (the offline demo, tests).

Accepts one JSON file or a folder of ``*.json`` files, each in the exact format of
``GET /api/daily_papers`` (what the bundled sample and a user's own ``curl`` save hold).
A file named like ``…2025-11-07.json`` lends that day to items without ``submittedOnDailyAt``.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import date
from pathlib import Path

from bot.domain import Paper, dedupe_papers
from bot.errors import SourceError
from bot.paper_bounds import plausible_day
from bot.sources.guard import unexpected
from bot.sources.hf_payload import ACCEPTED_FORMAT, parse_daily_papers

_log = logging.getLogger(__name__)

_DAY_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


class SampleSource:
    """Papers read from local daily-papers JSON; read once, on first use."""

    name = "sample"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._papers: list[Paper] | None = None

    def files(self) -> list[Path]:
        """The JSON files this source reads, in name order."""
        if self.path.is_dir():
            found = sorted(p for p in self.path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
            if not found:
                raise SourceError(f"{self.path} holds no .json files; expected {ACCEPTED_FORMAT}, one file per day")
            return found
        if self.path.is_file():
            return [self.path]
        raise SourceError(f"{self.path} does not exist; give a JSON file or a folder of JSON files ({ACCEPTED_FORMAT})")

    def all_papers(self) -> list[Paper]:
        """Every paper in the snapshot, sightings of one paper merged, in file order."""
        if self._papers is None:
            papers: list[Paper] = []
            for file in self.files():
                papers.extend(_read_file(file))
            self._papers = dedupe_papers(papers)
        return list(self._papers)

    async def fetch_day(self, day: date) -> list[Paper]:
        try:
            return [p for p in self.all_papers() if p.announced_on == day]
        except SourceError:
            raise
        except Exception as exc:  # callers catch SourceError; a surprise in a file is one too
            raise unexpected("sample", f"reading {self.path}", exc) from exc

    def days(self) -> list[date]:
        """The days that have papers, oldest first."""
        return sorted({p.announced_on for p in self.all_papers() if p.announced_on is not None})


def _read_file(file: Path) -> list[Paper]:
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SourceError(f"{file} is not UTF-8 text; expected {ACCEPTED_FORMAT}") from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"{file} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); expected {ACCEPTED_FORMAT}") from None
    except OSError as exc:
        raise SourceError(f"{file} cannot be read ({exc.strerror or exc}).") from None
    except (ValueError, RecursionError) as exc:  # an integer past 4,300 digits, nesting too deep
        reason = "nested too deep" if isinstance(exc, RecursionError) else str(exc)[:120]
        raise SourceError(f"{file} is not usable JSON ({reason}); expected {ACCEPTED_FORMAT}") from None
    named = _DAY_IN_NAME.search(file.name)
    try:
        fallback = date.fromisoformat(named.group(1)) if named else None
    except ValueError:
        fallback = None
    if fallback is not None and not plausible_day(fallback):
        fallback = None
    papers = parse_daily_papers(payload, fallback_day=fallback, origin=str(file))
    if payload and not papers:
        raise SourceError(f"{file}: none of its {len(payload)} items is a daily-papers item (see the log); expected {ACCEPTED_FORMAT}")
    if len(payload) > len(papers):
        _log.warning("%s: skipped %d of %d items (the reasons are logged above); kept the rest", file, len(payload) - len(papers), len(payload))
    _log.debug("%s: %d papers", file, len(papers))
    return papers
