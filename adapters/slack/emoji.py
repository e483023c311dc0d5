"""Slack reaction names ("+1", "thumbsup", "heart::skin-tone-2") → the Unicode emoji the core stores.

Slack sends short names, not characters. The core keys reactions by Unicode emoji
(👍 from Slack, Discord and the console must be the same signal), so common names are
mapped here; a custom or unknown name is kept as ``:name:`` (stored, just not a known signal).
"""
from __future__ import annotations

NAMES: dict[str, str] = {
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎",
    "heart": "❤️", "heavy_heart_exclamation_mark_ornament": "❣️", "heart_eyes": "😍",
    "fire": "🔥", "star": "⭐", "star2": "🌟", "tada": "🎉", "brain": "🧠",
    "eyes": "👀", "rocket": "🚀", "100": "💯", "clap": "👏", "raised_hands": "🙌",
    "sleeping": "😴", "see_no_evil": "🙈", "thinking_face": "🤔", "joy": "😂",
    "white_check_mark": "✅", "heavy_check_mark": "✔️", "x": "❌", "no_entry": "⛔",
    "bookmark": "🔖", "books": "📚", "memo": "📝", "bulb": "💡", "pray": "🙏",
    "muscle": "💪", "ok_hand": "👌", "wave": "👋", "zzz": "💤", "confused": "😕",
    "exploding_head": "🤯", "nerd_face": "🤓", "warning": "⚠️", "question": "❓",
}


def emoji_from_slack(name: str) -> str:
    """'+1' → '👍'; 'thumbsup::skin-tone-2' → '👍'; 'partyparrot' → ':partyparrot:'."""
    base = name.strip().strip(":").split("::", 1)[0].lower()
    return NAMES.get(base, f":{base}:")
