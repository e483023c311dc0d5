"""Make untrusted text (titles, abstracts, authors, URLs) harmless inside Slack mrkdwn.

Slack parses control sequences only inside ``<…>`` (``<!channel>``, ``<!here>``,
``<!everyone>``, ``<@U…>``, ``<#C…>``, ``<!subteam^…>``, ``<http…|label>``), so escaping
``&``, ``<`` and ``>`` as Slack documents disarms every one of them. On top of that,
bare ``@channel``/``@here``/``@everyone`` get a zero-width space after the ``@`` (in case a
message is ever sent with ``link_names``), and mrkdwn formatting characters get one in
front so a title like ``*bold* ~x~`` renders as typed instead of formatting the message.

A URL is linked only when it is plain http(s), cannot break out of ``<url|label>``, and is at most
:data:`adapters.slack.limits.URL` characters once escaped: a longer one is dropped, never cut (a
cut URL leads somewhere else). The "GitHub" label is for a repository URL only (:func:`github_repo`).
"""
from __future__ import annotations

import re

from adapters.slack.limits import URL, fit
from bot.text import clean_text, shorten

ZWSP = "\u200b"
_BROADCAST_RE = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_FORMAT_RE = re.compile(r"([*_~`])")
_SAFE_URL_RE = re.compile(r"^https?://[^\s<>|\"'`]+$", re.IGNORECASE)
_GITHUB_REPO_RE = re.compile(r"^https://github\.com/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}/?$")
LINK_LEFT_OUT = "(link too long to show)"


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
    """An http(s) URL that cannot break out of ``<url|label>``, escaped, at most ``URL`` characters;
    anything else → None."""
    if not url:
        return None
    url = url.strip()
    if len(url) > URL or not _SAFE_URL_RE.match(url):
        return None
    escaped = url.replace("&", "&amp;")
    return escaped if len(escaped) <= URL else None


def too_long_url(url: str | None) -> bool:
    """A URL that would be safe but is longer than Slack's links may be here (it is dropped)."""
    if not url:
        return False
    url = url.strip()
    return bool(_SAFE_URL_RE.match(url)) and safe_url(url) is None


def github_repo(url: str | None) -> bool:
    """Whether ``url`` is a GitHub repository (``https://github.com/<owner>/<repo>``), the only
    thing a "GitHub" label may link to."""
    return bool(url) and bool(_GITHUB_REPO_RE.match((url or "").strip())) and safe_url(url) is not None


def link(url: str | None, label: str, limit: int | None = None) -> str:
    """``<url|label>`` with the label neutralised (and fitted into ``limit`` characters once
    neutralised), or just the label when the URL is unsafe or too long."""
    target = safe_url(url)
    shown = neutralise(shorten(clean_text(label), limit) if limit else label).replace("|", "¦")
    if limit:
        shown = fit(shown, limit)
    return f"<{target}|{shown}>" if target else shown



_URL_RE = re.compile(r"https?://[^\s<>|\"'`]+", re.IGNORECASE)


def _spaced(segment: str) -> str:
    """Neutralise a piece of a line, keeping the single spaces at its edges."""
    if not segment.strip():
        return " " if segment else ""
    lead = " " if segment[0].isspace() else ""
    trail = " " if segment[-1].isspace() else ""
    return lead + neutralise(segment) + trail


def neutralise_line(line: str) -> str:
    out, last = [], 0
    for match in _URL_RE.finditer(line):
        url = match.group(0).rstrip(".,;:!?)]")
        out.append(_spaced(line[last:match.start()]))
        target = safe_url(url)
        out.append(f"<{target}>" if target else LINK_LEFT_OUT if too_long_url(url) else neutralise(url))
        last = match.start() + len(url)
    out.append(_spaced(line[last:]))
    return "".join(out).strip()


def neutralise_text(text: str | None) -> str:
    """Like :func:`neutralise`, but line breaks are kept and bare http(s) URLs stay clickable (``<url>``).

    For the bot's own multi-line messages that carry links and quotes (thread openings,
    answers): every word around the links may come from a paper and is neutralised; each URL
    becomes a safe link, or is left out (said in words) when it is too long for Slack.
    """
    lines = [neutralise_line(line) for line in (text or "").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def neutralise_lines(text: str | None) -> str:
    """Like :func:`neutralise_text` but nothing becomes a link: for messages that repeat what a
    person typed (error messages quote the command), where a URL is shown, never linked."""
    lines = [neutralise(line) for line in (text or "").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
