"""A channel's reading over the last weeks, as the core computes it (``bot.usecases.stats``) and a
:class:`bot.ports.ChartRenderer` draws it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.errors import PaperbotError

DEFAULT_WEEKS = 8
MAX_WEEKS = 52


class ChartUnavailableError(PaperbotError):
    """The chart cannot be drawn here (the drawing library is not installed); the message says how to get it."""


@dataclass(frozen=True)
class WeekStats:
    week_start: date  # a Monday
    posted: int
    up: int  # 👍 (and the other positive emoji)
    down: int  # 👎 (and the other negative emoji)


@dataclass(frozen=True)
class ChannelStats:
    channel_name: str
    weeks: tuple[WeekStats, ...]  # oldest first, every week present (zeros included)
    topics: tuple[tuple[str, int], ...]  # the most posted topics, most first

    @property
    def empty(self) -> bool:
        return not any(w.posted or w.up or w.down for w in self.weeks)
