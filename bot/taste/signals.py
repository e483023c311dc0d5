"""The emoji table: which reactions are signals, and with what sign.

Emoji are compared after ``bot.emoji.normalise_emoji`` (❤️ is stored as ❤). Slack's shortcode
names (``+1``, ``heart``…) are accepted too. Emoji not in the table are ignored.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.emoji import normalise_emoji

DEFAULT_POSITIVE = ("👍", "❤️", "🔥", "⭐", "🎉", "🧠")
DEFAULT_NEGATIVE = ("👎", "😴", "🙈")
SHORTCODES = {
    "+1": "👍", "thumbsup": "👍", "heart": "❤", "fire": "🔥", "star": "⭐", "tada": "🎉", "brain": "🧠",
    "-1": "👎", "thumbsdown": "👎", "sleeping": "😴", "see_no_evil": "🙈",
}


def _key(emoji: str) -> str:
    emoji = emoji.strip().strip(":")
    return normalise_emoji(SHORTCODES.get(emoji.lower(), emoji))


@dataclass(frozen=True)
class EmojiTable:
    positive: frozenset[str]
    negative: frozenset[str]

    @classmethod
    def of(cls, positive: Iterable[str] = DEFAULT_POSITIVE, negative: Iterable[str] = DEFAULT_NEGATIVE) -> EmojiTable:
        return cls(frozenset(_key(e) for e in positive), frozenset(_key(e) for e in negative))

    def weight(self, emoji: str) -> float:
        """+1 for a positive emoji, −1 for a negative one, 0 for any other."""
        key = _key(emoji)
        if key in self.positive:
            return 1.0
        if key in self.negative:
            return -1.0
        return 0.0


DEFAULT_EMOJI = EmojiTable.of()


# A reply or question in a paper's discussion thread is interest in that paper (bot.discussion),
# weighted against a 👍 (1.0) by `[discussion] activity_weight`.
DEFAULT_ACTIVITY_WEIGHT = 0.5


def activity_signals(activities: Iterable[Any], weight: float = DEFAULT_ACTIVITY_WEIGHT) -> list[tuple[str, float, Any]]:
    """Thread activity as (arxiv_id, weight, at) signals: one per member and paper, dated by the latest message.

    Why one: ten replies in one thread are one member's interest in one paper, not ten 👍.
    """
    latest: dict[tuple[str, str], Any] = {}
    for a in activities:
        key = (a.user_id, a.arxiv_id)
        if key not in latest or (a.at is not None and (latest[key] is None or a.at > latest[key])):
            latest[key] = a.at
    return [(arxiv_id, weight, at) for (_, arxiv_id), at in latest.items()] if weight else []
