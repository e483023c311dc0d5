"""Neutralising untrusted text (titles, abstracts, authors, what people type) before it reaches Discord.

Two surfaces, one rule — nothing from a paper or a person is live markup:

- :func:`neutralise` for what Discord renders as markdown (message content, embed titles,
  descriptions and fields): every markdown special is escaped with a backslash (``\\ * _ ~ | ` [ < >
  #``, a lone ``-``/``+`` and a ``1.`` that would start a list). Escaping every ``[`` means no masked
  link ``[label](url)`` can start, however many a string holds (``discord.utils.escape_markdown``
  escapes only the first: its pattern is greedy). Plain ``http(s)`` URLs are kept as they are, so
  they stay clickable and show where they go.
- :func:`plain` for what Discord shows as plain text (thread names, embed footers and author names,
  autocomplete choices): no backslashes, which would show.

On both, mentions are broken with a zero-width space (``@\u200beveryone``, and after every ``<``:
``<\u200b@123>``, ``<\u200b#123>``, ``<\u200b/cmd:1>``, ``<\u200bhttps://…>``), so text can neither
ping nor show as a mention, an emoji, a timestamp or a hidden link.
``AllowedMentions.none()`` is still sent with every message: this is the second lock, not the only
one. Every function works token by token (whitespace-separated), so splitting text between tokens
never revives what was neutralised, and the bounded forms (:func:`fit`, :func:`fit_plain`,
:func:`pieces`) measure the text *after* escaping.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from bot.text import clean_text

ZWSP = "\u200b"
ELLIPSIS = "…"
MAX_URL = 512  # longer URLs are dropped from text, never cut (a cut URL leads somewhere else)

# a URL Discord autolinks, up to the first character that could be markup or end a link
_URL_RE = re.compile(r"https?://[^\s<>\[\]()`\"'\\|*~{}]+")
_URL_TAIL = ".,:;"  # trailing punctuation belongs to the sentence (Discord ends its links before it too)
_ESCAPES = {ord(c): "\\" + c for c in "\\*_~|`[<>#"}
_LIST_MARKER = re.compile(r"^(?:[-+]|\d+\.)$")
# every "<" is broken, not only those of mentions: a URL just before a "\\<" takes the backslash into
# itself (Discord's links end only at whitespace or "<"), and "<" + ZWSP can start no markup at all
_MENTION_RE = re.compile(r"@(everyone|here)|<", re.IGNORECASE)
_MASKED_RE = re.compile(r"\](?=\()")
_HAS_URL = re.compile(r"https?://", re.IGNORECASE)


def _break_mentions(text: str) -> str:
    return _MENTION_RE.sub(lambda m: f"@{ZWSP}{m.group(1)}" if m.group(1) else f"<{ZWSP}", text)


def _escape(segment: str) -> str:
    return segment.translate(_ESCAPES)


def neutral_token(token: str) -> str:
    """One whitespace-free token for a markdown surface: URLs kept, everything else escaped."""
    if _LIST_MARKER.match(token):
        return "\\" + token if not token[0].isdigit() else token[:-1] + "\\."
    out: list[str] = []
    at = 0
    for url in _URL_RE.finditer(token):
        link = url.group(0)
        kept = link.rstrip(_URL_TAIL)
        if len(kept) <= len("https://"):
            continue
        out.append(_escape(token[at:url.start()]))
        out.append(kept)
        at = url.start() + len(kept)
    out.append(_escape(token[at:]))
    return _break_mentions("".join(out))


def neutralise(text: str | None) -> str:
    """Clean (one line: control and zero-width characters dropped, whitespace collapsed), then escape
    every markdown special and break every mention form; URLs are kept clickable."""
    return " ".join(neutral_token(t) for t in clean_text(text).split(" ")) if text else ""


def plain(text: str | None) -> str:
    """Clean, then break mentions and ``](`` (no link even where markdown is rendered), without
    backslashes: for surfaces Discord shows as plain text."""
    return _MASKED_RE.sub(f"]{ZWSP}", _break_mentions(clean_text(text)))


def _bounded(text: str, limit: int, render: Callable[[str], str]) -> str:
    """The longest word-boundary prefix of ``text`` whose rendered form, plus an ellipsis, fits ``limit``.

    The cut is between words when it can be; a URL is never cut (a cut URL leads somewhere else), it
    is left out instead."""
    if len(text) <= limit:  # rendering never shortens text: a longer text cannot fit whole
        whole = render(text)
        if len(whole) <= limit:
            return whole
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    low, high = 0, min(len(text), limit)  # rendering never shortens text: no more than ``limit`` raw characters fit
    while low < high:  # binary search on the raw length: rendering a longer prefix is never shorter
        mid = (low + high + 1) // 2
        if len(render(text[:mid])) + len(ELLIPSIS) <= limit:
            low = mid
        else:
            high = mid - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > low * 0.6 or (space >= 0 and "://" in cut[space:]) or (space < 0 and "://" in cut):
        cut = cut[:max(space, 0)]  # end on a word, as bot.text.shorten does; never inside a URL
    out = render(cut.rstrip(" ,;:.")) + ELLIPSIS
    return out if len(out) <= limit else ELLIPSIS


def fit(text: str | None, limit: int) -> str:
    """:func:`neutralise` ``text``, shortened (at a word, with an ellipsis) so the *neutralised* form is at
    most ``limit`` characters; a URL longer than :data:`MAX_URL` is left out, none is cut."""
    cleaned = _drop_long_urls(clean_text(text))
    return _bounded(cleaned, limit, _neutralise_words) if cleaned else ""


def fit_plain(text: str | None, limit: int) -> str:
    """:func:`plain` ``text``, shortened so that the result is at most ``limit`` characters."""
    cleaned = _drop_long_urls(clean_text(text))
    return _bounded(cleaned, limit, plain) if cleaned else ""


def _neutralise_words(text: str) -> str:
    # a cut may end inside a word: it is neutralised as the shorter word it now is (still escaped)
    return " ".join(neutral_token(t) for t in text.split(" "))


def _drop_long_urls(line: str) -> str:
    """Remove every word holding a URL longer than :data:`MAX_URL`: a cut URL would be a wrong link."""
    if len(line) <= MAX_URL:
        return line
    return " ".join(w for w in line.split(" ") if len(w) <= MAX_URL or not _HAS_URL.search(w))


MIN_FILL = 40  # a word longer than a message starts in the current one only if this much room is left


def _parts(word: str, room: int, first_room: int) -> list[str]:
    """A word as neutralised parts: one, unless it is longer than a message (text without spaces:
    a URL never is, see :data:`MAX_URL`); then it is cut between raw characters, the first part
    filling ``first_room`` and the others ``room`` each, every part neutralised whole, so no escape
    or mention break is split."""
    whole = neutral_token(word)
    if len(whole) <= room:
        return [whole]
    out: list[str] = []
    budget = first_room if first_room >= MIN_FILL else room
    while word:
        low, high = 1, max(1, min(len(word), budget))
        while low < high:
            mid = (low + high + 1) // 2
            if len(neutral_token(word[:mid])) <= budget:
                low = mid
            else:
                high = mid - 1
        out.append(neutral_token(word[:low]))
        word, budget = word[low:], room
    return out


def pieces(text: str | None, limit: int, max_messages: int, *, first_limit: int | None = None) -> list[str]:
    """Multi-line text (the bot's replies, openings, answers, recaps) as at most ``max_messages``
    neutralised message contents of at most ``limit`` characters (``first_limit`` for the first),
    line breaks kept, runs of empty lines as one. Messages break between words, never inside a URL
    (one longer than :data:`MAX_URL` is dropped); what does not fit is left out after an ellipsis."""
    # one character of each message is kept for the ellipsis, so cutting never has to undo anything
    rooms = [(first_limit if first_limit is not None else limit) - len(ELLIPSIS)] + \
        [limit - len(ELLIPSIS)] * (max_messages - 1)
    smallest = max(1, min(rooms))
    messages: list[str] = []
    current = ""
    truncated = False
    blank = False
    for raw in (text or "").splitlines():
        line = _drop_long_urls(clean_text(raw))
        if not line:
            blank = bool(current)
            continue
        first = True
        for word in line.split(" "):
            sep = (("\n\n" if blank else "\n") if first else " ") if current else ""
            for part in _parts(word, smallest, rooms[len(messages)] - len(current) - len(sep)):
                sep = (("\n\n" if blank else "\n") if first else " ") if current else ""
                if len(current) + len(sep) + len(part) <= rooms[len(messages)]:
                    current += sep + part
                elif len(messages) + 1 < max_messages:
                    messages.append(current)
                    current = part
                else:
                    truncated = True
                    break
                first = blank = False
            if truncated:
                break
        if truncated:
            break
    if current:
        messages.append(current + (ELLIPSIS if truncated else ""))
    return messages or [""]


def fit_lines(text: str | None, limit: int) -> str:
    """:func:`pieces` in one message: the bot's multi-line text, line breaks kept, at most ``limit``."""
    return pieces(text, limit, 1)[0]
