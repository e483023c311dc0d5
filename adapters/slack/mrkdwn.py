"""Make untrusted text (titles, abstracts, authors, URLs) harmless inside Slack mrkdwn.

Slack parses control sequences only inside ``<…>`` (``<!channel>``, ``<!here>``,
``<!everyone>``, ``<@U…>``, ``<#C…>``, ``<!subteam^…>``, ``<http…|label>``), so escaping
``&``, ``<`` and ``>`` as Slack documents disarms every one of them. On top of that,
bare ``@channel``/``@here``/``@everyone`` get a zero-width space after the ``@`` (in case a
message is ever sent with ``link_names``), and mrkdwn formatting characters get one in
front so a title like ``*bold* ~x~`` renders as typed instead of formatting the message.
"""
from __future__ import annotations

import re

from bot.text import clean_text

ZWSP = "\u200b"
_BROADCAST_RE = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_FORMAT_RE = re.compile(r"([*_~`])")
_SAFE_URL_RE = re.compile(r"^https?://[^\s<>|\"'`]+$", re.IGNORECASE)


def escape(text: str | None) -> str:
    """Escape ``&``, ``<``, ``>`` (Slack's three control characters) after cleaning."""
    return clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise(text: str | None) -> str:
    """Untrusted text → mrkdwn that shows exactly what was written and pings no one."""
    out = escape(text)
    out = _BROADCAST_RE.sub(lambda m: f"@{ZWSP}{m.group(1)}", out)
    return _FORMAT_RE.sub(lambda m: f"{ZWSP}{m.group(1)}", out)


def neutralise_plain(text: str | None) -> str:
    """For ``plain_text`` objects (never parsed as mrkdwn): clean, and still no broadcast words."""
    return _BROADCAST_RE.sub(lambda m: f"@{ZWSP}{m.group(1)}", clean_text(text))


def safe_url(url: str | None) -> str | None:
    """An http(s) URL that cannot break out of ``<url|label>``; anything else → None."""
    if not url:
        return None
    url = url.strip()
    if not _SAFE_URL_RE.match(url):
        return None
    return url.replace("&", "&amp;")


def link(url: str | None, label: str) -> str:
    """``<url|label>`` with the label neutralised, or just the label when the URL is unsafe."""
    target = safe_url(url)
    shown = neutralise(label).replace("|", "¦")
    return f"<{target}|{shown}>" if target else shown
