"""No link previews: no message the bot sends unfurls a URL (papers' abstracts, project pages and
repositories are untrusted: an invite in an abstract would show as an invite card, an attacker's page
as a rich preview, and an ordinary opening would carry five cards).

Discord unfurls the URLs in a message's *content*, never those inside embeds (the bot's masked
links there stay links). Two ways to stop it, by what the message carries:

- a new message without the bot's embeds is sent with the SUPPRESS_EMBEDS flag (``1 << 2``), which
  hides every embed of the message — so it cannot be used on one that carries the bot's own;
- content sent with the bot's embeds, and every edit (discord.py sets no flags on an edit), writes
  each URL as ``<url>``, which Discord shows as a link and never unfurls.

:func:`new_message` says which for a message about to be sent; :func:`unfurl_free` and
:func:`fitted` write the URLs of content.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import discord

# what Discord autolinks (case aside): a URL already written <url> (a "<" before it) is left alone;
# the text's own "<" never comes right before a URL (adapters.discord.text breaks each with a ZWSP)
_BARE_URL = re.compile(r"(?<!<)https?://[^\s<>]+", re.IGNORECASE)
_URL_TAIL = ".,:;\"')]"  # Discord ends a link before these, as the sentence does


def _wrap(match: re.Match[str]) -> str:
    url = match.group(0)
    kept = url.rstrip(_URL_TAIL)
    if len(kept) <= len("https://"):
        return url
    return f"<{kept}>{url[len(kept):]}"


def unfurl_free(content: str) -> str:
    """``content`` with every bare URL written ``<url>``: still a link, never a preview."""
    return _BARE_URL.sub(_wrap, content)


def fitted(render: Callable[[int], str], limit: int) -> str:
    """``render(room)`` made :func:`unfurl_free`, at most ``limit`` characters: rendered again with less
    room until the two characters each URL gains fit (``render`` bounds what it returns by ``room``)."""
    room = limit
    while True:
        out = unfurl_free(render(room))
        if len(out) <= limit or room <= 1:
            return out[:limit] if len(out) > limit else out
        room = max(1, room - (len(out) - limit))


def new_message(content: str | None, embeds: Sequence[discord.Embed] = ()) -> dict[str, Any]:
    """The content and flag a new message is sent with so it unfurls nothing: with the bot's embeds,
    its URLs written ``<url>``; without, SUPPRESS_EMBEDS set."""
    if embeds:
        return {"content": unfurl_free(content) if content else content}
    return {"content": content, "suppress_embeds": True}
