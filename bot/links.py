"""Paper links in what members paste: arXiv and Hugging Face paper URLs → canonical arXiv ids.

One parser for every surface (Slack's ``link_shared`` URLs, a Discord message's text). It is
strict on purpose, since anything pasted is someone else's text: only ``http``/``https`` URLs
whose host is exactly arxiv.org / huggingface.co (or their ``www.``/``export.``/``hf.co``
forms; ``arxiv.org.evil.com`` is not arXiv), only the paper paths (``/abs/…``, ``/pdf/…`` with
or without ``.pdf``, ``/html/…``, ``/papers/…``), and only an id that
:func:`bot.arxiv_ids.try_parse_arxiv_id` accepts with a plausible version. Text, URLs and the
number of papers are bounded, so a huge message costs a bounded amount of work.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from bot.arxiv_ids import ArxivId, try_parse_arxiv_id
from bot.paper_bounds import plausible_version

MAX_TEXT = 8_000  # characters of a message read for links (Discord's longest message is 4,000)
MAX_URL = 500  # characters: no paper URL is longer; a longer one is not read
MAX_LINKS = 5  # distinct papers taken from one message

ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})
HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
DOMAINS = ("arxiv.org", "huggingface.co")  # what Slack is told to unfurl (slack/manifest.yml)

_ID = r"(?:\d{4}\.\d{4,5}|[A-Za-z][A-Za-z\-]{1,20}(?:\.[A-Za-z]{2})?/\d{7})(?:v\d{1,3})?"
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|html)/(?P<id>{_ID})(?:\.pdf)?/?$")
_HF_PATH = re.compile(r"^/papers/(?P<id>\d{4}\.\d{4,5}(?:v\d{1,3})?)/?$")
# a URL in free text: one that starts a word (or chat markup's <…>, (…), […]), so a URL quoted inside
# something else (javascript:alert('https://…')) is not one; it stops at whitespace, brackets and quotes
_URL_IN_TEXT = re.compile(r"(?<![^\s<(\[])https?://[^\s<>|()\[\]\"'`]+", re.IGNORECASE)


def paper_link(url: str) -> ArxivId | None:
    """The paper ``url`` points at, or None when it is not an arXiv / HF paper URL (or is hostile)."""
    if len(url) > MAX_URL or any(ord(c) < 33 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed host or port
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password or port not in (None, 80, 443):
        return None
    path = unquote(parts.path)
    if host in ARXIV_HOSTS:
        match = _ARXIV_PATH.match(path)
    elif host in HF_HOSTS:
        match = _HF_PATH.match(path)
    else:
        return None
    if match is None:
        return None
    found = try_parse_arxiv_id(match.group("id"))
    if found is None or (found.version is not None and not plausible_version(found.version)):
        return None
    return found


def links_in(text: str) -> tuple[str, ...]:
    """The URLs in the first :data:`MAX_TEXT` characters of ``text``, in order, trailing punctuation off."""
    return tuple(m.group(0).rstrip(".,;:!?") for m in _URL_IN_TEXT.finditer(text[:MAX_TEXT]))


def paper_ids(urls: tuple[str, ...] | list[str]) -> tuple[ArxivId, ...]:
    """The distinct papers among ``urls`` (first sighting wins), at most :data:`MAX_LINKS`."""
    found: dict[str, ArxivId] = {}
    for url in urls:
        paper = paper_link(url)
        if paper is not None and paper.id not in found:
            found[paper.id] = paper
            if len(found) == MAX_LINKS:
                break
    return tuple(found.values())


def papers_in_text(text: str) -> tuple[ArxivId, ...]:
    """The papers a message's text links to (see :func:`paper_ids`)."""
    return paper_ids(links_in(text))
