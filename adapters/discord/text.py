"""Neutralising untrusted text (titles, abstracts, authors) before it reaches Discord.

Mentions are broken with a zero-width space (``@\u200beveryone``, ``<@\u200b123>``,
``<#\u200b123>``) and markdown is escaped, so a paper title can neither ping anyone nor
format the message. ``AllowedMentions.none()`` is still sent with every message: this is
the second lock, not the only one.
"""
from __future__ import annotations

import re

import discord

from bot.text import clean_text, shorten

ZWSP = "\u200b"
_MENTION_RE = re.compile(r"@(everyone|here)|<(@[!&]?|#|/|:|a:|t:)", re.IGNORECASE)


def neutralise(text: str | None) -> str:
    """Clean, then break every mention form and escape markdown."""
    text = clean_text(text)
    text = discord.utils.escape_markdown(text)
    return _MENTION_RE.sub(lambda m: f"@{ZWSP}{m.group(1)}" if m.group(1) else f"<{ZWSP}{m.group(2)}", text)


def fit(text: str | None, limit: int) -> str:
    """Neutralise ``text`` and shorten it so the *neutralised* form is at most ``limit`` characters."""
    raw = clean_text(text)
    out = neutralise(raw)
    budget = len(raw)
    while len(out) > limit and budget > 1:
        budget = max(1, min(budget - 1, budget * limit // len(out)))
        out = neutralise(shorten(raw, budget))
    return out[:limit]


def fit_lines(text: str | None, limit: int) -> str:
    """Like :func:`fit` for the bot's own multi-line messages: each line neutralised, line breaks kept."""
    lines = [neutralise(line) for line in (text or "").splitlines()]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"
