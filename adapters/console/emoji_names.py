"""Typing-friendly names for the emoji people react with in a terminal, and the one rule for a typed
reaction: a real emoji, or one the core's emoji table knows (by emoji or by name, ``[taste]`` included)."""
from __future__ import annotations

from bot.emoji import is_emoji
from bot.taste.signals import SHORTCODES, EmojiTable
from bot.text import clean_text

# the core's shortcodes (Slack's names), and a few words a terminal user may type for them
NAMES: dict[str, str] = {
    **SHORTCODES, "heart": "❤️", "like": "👍", "up": "👍", "dislike": "👎", "down": "👎", "save": "🔖",
}
NOT_AN_EMOJI = "'{typed}' is not an emoji; use e.g. 👍 or :thumbsup:."


def emoji_from_text(text: str, table: EmojiTable) -> str | None:
    """':+1:', '+1' or '👍' → '👍'; a name the table knows as itself; None when it is no emoji at all."""
    typed = clean_text(text, typed=True)
    emoji = NAMES.get(typed.strip(":").lower(), typed)
    return emoji if is_emoji(emoji) or table.knows(emoji) else None
