"""Typing-friendly names for the emoji people react with in a terminal."""
from __future__ import annotations

NAMES: dict[str, str] = {
    "+1": "👍", "thumbsup": "👍", "like": "👍", "up": "👍",
    "-1": "👎", "thumbsdown": "👎", "dislike": "👎", "down": "👎",
    "heart": "❤️", "fire": "🔥", "star": "⭐", "tada": "🎉", "brain": "🧠",
    "sleeping": "😴", "see_no_evil": "🙈",
    "bookmark": "🔖", "save": "🔖",
}


def emoji_from_text(text: str) -> str:
    """':+1:', '+1' or '👍' → '👍'; anything else is taken as typed."""
    key = text.strip().strip(":").lower()
    return NAMES.get(key, text.strip())
