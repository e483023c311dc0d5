"""A :class:`~bot.replies.PagedReply` as one message within a platform's limit: the page asked for.

Written once for every surface: an adapter passes how many characters its message holds and how
its text is made safe (``escape`` for words, ``escape_code`` inside a code block); this packs the
entries, escaped, into pages of that size in their order, and says which page this is and how to
ask for the next. An entry too long for a page of its own is shown in its short form, or cut.
"""
from __future__ import annotations

from collections.abc import Callable

from bot.plural import counted, plural
from bot.replies import PagedReply
from bot.text import shorten

FOOTER = 160  # characters kept for the "page 2 of 5 …" line
FENCE = "```"
SEPARATOR = "\n\n"


def _same(text: str) -> str:
    return text


def _cut(entry: str, room: int, safe: Callable[[str], str]) -> str:
    """``entry`` shortened (at a word, with an ellipsis) until its escaped form fits ``room``: the cut
    is made before escaping, so it never falls inside an escape or a link the platform made."""
    budget = room
    while budget > 1:
        text = safe(shorten(entry, budget))
        if len(text) <= room:
            return text
        budget = min(budget - 1, int(budget * 0.9))
    return "…"


def pages(reply: PagedReply, limit: int, *, escape: Callable[[str], str] = _same,
          escape_code: Callable[[str], str] = _same) -> list[list[str]]:
    """The escaped entries, packed into pages whose message stays within ``limit`` characters."""
    room = limit - len(escape(reply.header)) - len(SEPARATOR) - FOOTER
    if reply.code:
        room -= 2 * len(FENCE) + 2
    room = max(room, 1)
    safe = escape_code if reply.code else escape
    out: list[list[str]] = [[]]
    used = 0
    for n, entry in enumerate(reply.entries):
        text = safe(entry)
        if len(text) > room and n < len(reply.short):
            text = safe(reply.short[n])
        if len(text) > room:
            text = _cut(reply.short[n] if n < len(reply.short) else entry, room, safe)
        needed = len(text) + (len(SEPARATOR) if out[-1] else 0)
        if out[-1] and used + needed > room:
            out.append([])
            used, needed = 0, len(text)
        out[-1].append(text)
        used += needed
    return out if out[0] else []


def page_text(reply: PagedReply, limit: int, *, escape: Callable[[str], str] = _same,
              escape_code: Callable[[str], str] = _same) -> str:
    """The page ``reply.page`` asks for, as one message of at most ``limit`` characters."""
    packed = pages(reply, limit, escape=escape, escape_code=escape_code)
    if not packed:
        return escape(reply.empty)[:limit]
    total = len(packed)
    if reply.page > total:
        last = reply.next_page.format(page=total) if reply.next_page else ""
        return escape(f"There {plural(total, 'is', 'are')} only {counted(total, 'page')} here"
                      f"{f': the last is {last}' if last else ''}.")[:limit]
    chunk = packed[reply.page - 1]
    body = SEPARATOR.join(chunk)
    if reply.code:
        body = f"{FENCE}\n{body}\n{FENCE}"
    parts = [escape(reply.header), body]
    if total > 1:
        first = sum(len(p) for p in packed[: reply.page - 1]) + 1
        line = f"Page {reply.page} of {total} (entries {first}–{first + len(chunk) - 1} of {len(reply.entries)})."
        if reply.page < total and reply.next_page:
            line += f" Next: {reply.next_page.format(page=reply.page + 1)}"
        parts.append(escape(line)[:FOOTER])
    return SEPARATOR.join(parts)[:limit]
