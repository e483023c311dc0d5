"""Recognise arXiv identifiers in everything users paste: bare ids, abs/pdf/HF URLs.

A paper is one paper whatever its version, so the canonical id drops the ``vN`` suffix;
the version is returned separately.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UsageError

# New style (2007+): YYMM.NNNN or YYMM.NNNNN; old style: archive(.subject)/YYMMNNN.
_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_OLD = r"(?P<archive>[a-z][a-z\-]+)(?:\.[A-Za-z]{2})?/(?P<number>\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ID_RE = re.compile(rf"^(?:{_NEW}|{_OLD}){_VERSION}$", re.IGNORECASE)
_URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|hf\.co/papers/)"
    r"(?P<rest>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)

ACCEPTED_FORMS = (
    "an arXiv id like 2511.04570 or 2511.04570v2 (old style: hep-th/9901001), "
    "an arXiv URL (https://arxiv.org/abs/… or /pdf/…) or a Hugging Face paper URL "
    "(https://huggingface.co/papers/…)"
)


@dataclass(frozen=True)
class ArxivId:
    """A canonical arXiv id (no version) and the version that was named, if any."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def try_parse_arxiv_id(text: str) -> ArxivId | None:
    """Return the id in ``text`` (bare id or URL), or None when it is not one."""
    candidate = text.strip().strip("<>")
    if candidate.lower().startswith("arxiv:"):
        candidate = candidate[6:]
    url = _URL_RE.match(candidate)
    if url:
        candidate = url.group("rest")
    match = _ID_RE.match(candidate)
    if not match:
        return None
    # Old-style ids drop the subject class: math.GT/0309136 is math/0309136.
    canonical = match.group("new") or f"{match.group('archive').lower()}/{match.group('number')}"
    version = match.group("version")
    return ArxivId(canonical, int(version) if version else None)


def parse_arxiv_id(text: str) -> ArxivId:
    """Like :func:`try_parse_arxiv_id` but raise a UsageError naming the accepted forms."""
    parsed = try_parse_arxiv_id(text)
    if parsed is None:
        raise UsageError(f"'{text.strip()[:80]}' is not a paper id. Accepted: {ACCEPTED_FORMS}.")
    return parsed
