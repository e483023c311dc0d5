"""Emoji normalisation: one reaction is one key whatever skin tone or variation selector."""
from __future__ import annotations

import re

_MODIFIERS_RE = re.compile("[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F]")


def normalise_emoji(emoji: str) -> str:
    """Drop skin-tone modifiers and variation selectors: 👍🏽 → 👍, ❤️ → ❤."""
    cleaned = _MODIFIERS_RE.sub("", emoji.strip())
    return cleaned or emoji.strip()
