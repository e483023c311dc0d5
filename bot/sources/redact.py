"""Secrets out of URLs before they reach a message or a log line (and no aiohttp, so parsers can use it).

A source's base URL may carry a proxy password (``https://user:secret@proxy/…``) and a query
may carry a key; errors and logs show the URL with those replaced by ``***``.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_SECRET_PARAM_RE = re.compile(
    r"^(?:api[_-]?key|apikey|key|token|access[_-]?token|auth|authorization|secret|client[_-]?secret|password|passwd|pwd|sig|signature)$",
    re.IGNORECASE,
)
_URL_IN_TEXT_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")


def redact_url(url: str) -> str:
    """``url`` fit for a message or a log: a password as ``user:***@``, key/token query values as ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@\s]*@", "//***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"***@{host}"
    query = "&".join(_redact_param(piece) for piece in parts.query.split("&")) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_text(text: str) -> str:
    """Every URL in ``text`` passed through :func:`redact_url`."""
    return _URL_IN_TEXT_RE.sub(lambda match: redact_url(match.group(0)), text)


def _redact_param(piece: str) -> str:
    name, equals, _ = piece.partition("=")
    return f"{name}=***" if equals and _SECRET_PARAM_RE.match(name) else piece
