"""Paged private answers (`/papers saved`, `/papers export`) as one ephemeral Discord message.

The core packs the page (``bot.paging``); this says how much a Discord message holds (2,000
characters) and how text is made safe: words line by line as every reply's (markdown escaped,
mentions broken, links kept), a code block's content verbatim except a ``` that would close it.

Exports (``ExportReply``) are shown inline until the file-upload port lands: that is the one place
to attach ``reply.data`` as ``discord.File(..., filename=reply.filename)`` instead.
"""
from __future__ import annotations

from adapters.discord.embeds import MAX_CONTENT
from adapters.discord.text import neutralise
from bot.paging import page_text
from bot.replies import ExportReply, PagedReply

FENCE_BREAK = "`\u200b`\u200b`"


def _words(text: str) -> str:
    return "\n".join(neutralise(line) for line in text.split("\n"))


def _code(text: str) -> str:
    return text.replace("```", FENCE_BREAK)


def paged_text(reply: PagedReply | ExportReply) -> str:
    """The page asked for, within one message."""
    paged = reply.inline if isinstance(reply, ExportReply) else reply
    return page_text(paged, MAX_CONTENT, escape=_words, escape_code=_code)
