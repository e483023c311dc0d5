"""The emoji table: which reactions are signals, and with what sign.

Emoji are compared after ``bot.emoji.normalise_emoji`` (❤️ is stored as ❤). Slack's shortcode
names (``+1``, ``heart``…) are accepted too. Emoji not in the table are ignored.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
