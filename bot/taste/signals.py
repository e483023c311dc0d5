"""The emoji table: which reactions are signals, and with what weight.

Emoji are compared after ``bot.emoji.normalise_emoji`` (❤️ is stored as ❤). Slack's shortcode
names (``+1``, ``heart``…) are accepted too. Emoji not in the table are ignored.

Two reactions are not moods but acts, and weigh what ``[taste]`` says: 🔖 is a member saving the
paper (`/papers saved`), a strong positive signal (``save_weight``, 2.0 by default: twice a 👍);
🔗 is a member pasting the paper's link in the channel, mild interest (``link_weight``, 0.5).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.emoji import normalise_emoji

DEFAULT_POSITIVE = ("👍", "❤️", "🔥", "⭐", "🎉", "🧠")
DEFAULT_NEGATIVE = ("👎", "😴", "🙈")
SAVE_EMOJI = "🔖"  # a saved paper is the member's 🔖 on its post (bot.usecases.saved)
LINK_EMOJI = "🔗"  # a pasted link to the paper, recorded as the member's 🔗 on it
DEFAULT_SAVE_WEIGHT = 2.0
DEFAULT_LINK_WEIGHT = 0.5
SHORTCODES = {
    "bookmark": SAVE_EMOJI, "link": LINK_EMOJI,
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
    save: float = DEFAULT_SAVE_WEIGHT
    link: float = DEFAULT_LINK_WEIGHT

    @classmethod
    def of(cls, positive: Iterable[str] = DEFAULT_POSITIVE, negative: Iterable[str] = DEFAULT_NEGATIVE, *,
           save: float = DEFAULT_SAVE_WEIGHT, link: float = DEFAULT_LINK_WEIGHT) -> EmojiTable:
        return cls(frozenset(_key(e) for e in positive), frozenset(_key(e) for e in negative), save, link)

    def knows(self, emoji: str) -> bool:
        """Whether ``emoji`` (an emoji or a name such as ``thumbsup``) is one of the table's signals."""
        key = _key(emoji)
        return key in self.positive or key in self.negative or key in (SAVE_EMOJI, LINK_EMOJI)

    def weight(self, emoji: str) -> float:
        """``save`` for 🔖, ``link`` for 🔗 (whatever the lists say), +1 for a positive emoji, −1 for a
        negative one, 0 for any other."""
        key = _key(emoji)
        if key == SAVE_EMOJI:
            return self.save
        if key == LINK_EMOJI:
            return self.link
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
