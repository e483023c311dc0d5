"""Defusing a feed before feedparser reads it: author fields that would take it minutes.

feedparser looks for an e-mail address in every RSS author field (``author``, ``dc:creator``,
``managingEditor``, ``webMaster``…) with a regular expression that takes time quadratic in
the longest run of e-mail characters: 40,000 letters cost ~6 s and a 1 MB run hours, all of
it blocking the event loop (a deadline cannot interrupt it). No real name has a run of 64
such characters, so inside those fields such runs get a space every 64 characters, and a
field's text is cut at 200,000 bytes (far past 500 authors of 200 characters). One linear
pass; nothing else in the feed is touched.
"""
from __future__ import annotations

import re

RUN = 64
MAX_FIELD = 200_000

_AUTHORISH_TAG_RE = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(?:author|creator|publisher|managingEditor|webMaster|owner|contributor|name|email)(?=[\s/>])",
    re.IGNORECASE,
)
_ANY_TAG_START = b"<"
# e-mail characters, and numeric character references (which may decode to one)
_RUN_RE = re.compile(rb"(?:[A-Za-z0-9_.+\-]|&#[0-9]{1,8};|&#[xX][0-9A-Fa-f]{1,7};){%d}" % RUN)


def defuse_author_fields(payload: bytes) -> bytes:
    """``payload`` with long runs in author-like fields broken up (see the module docstring)."""
    if not _AUTHORISH_TAG_RE.search(payload):
        return payload
    pieces: list[bytes] = []
    position = 0
    inside = False
    for match in _AUTHORISH_TAG_RE.finditer(payload):
        segment = payload[position:match.start()]
        pieces.append(_defuse(segment) if inside else segment)
        inside = not match.group(1)  # an opening tag starts an author field, a closing one ends it
        position = match.start()
    tail = payload[position:]
    pieces.append(_defuse(tail) if inside else tail)
    return b"".join(pieces)


def _defuse(segment: bytes) -> bytes:
    """The text of one author field (from its opening tag to the next author-like tag)."""
    if len(segment) > MAX_FIELD:
        end = segment.find(_ANY_TAG_START, MAX_FIELD)  # keep whatever tag follows the text
        segment = segment[:MAX_FIELD] + (segment[end:] if end != -1 else b"")
    return _RUN_RE.sub(lambda match: match.group(0) + b" ", segment)
