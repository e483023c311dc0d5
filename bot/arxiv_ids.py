"""Recognise arXiv identifiers in everything users paste: bare ids, abs/pdf/HF URLs, arXiv DOIs.

Only ids that can exist are recognised (months 01–12, 4 digits up to 1412 and 5 from 1501, real
archives, versions from v1), so a mistyped id is refused as one rather than looked up in vain.

A paper is one paper whatever its version, so the canonical id drops the ``vN`` suffix;
the version is returned separately.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UsageError

# arXiv's documented scheme (https://info.arxiv.org/help/arxiv_identifier.html). New style, from
# April 2007: YYMM.NNNN up to 1412, YYMM.NNNNN from 1501; old style, August 1991 to March 2007:
# archive(.XX)/YYMMNNN, the archive one of arXiv's own and XX a two-letter subject class (math.GT).
# The shapes are matched here; which months and archives exist is checked in ``_exists``.
_NEW = r"(?P<new>(?P<new_yymm>\d{4})\.(?P<new_number>\d{4,5}))"
_OLD = r"(?P<archive>[a-z][a-z\-]+)(?:\.[A-Za-z]{2})?/(?P<number>(?P<old_yymm>\d{4})\d{3})"
_VERSION = r"(?:v(?P<version>\d{1,3}))?"  # versions start at v1; arXiv's highest are in the dozens
_ID_RE = re.compile(rf"^(?:{_NEW}|{_OLD}){_VERSION}$", re.IGNORECASE)
_URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|hf\.co/papers/)"
    r"(?P<rest>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# arXiv's DOIs (since 2022): 10.48550/arXiv.<id>, bare or as a doi.org link.
_DOI_RE = re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.(?P<rest>.+)$", re.IGNORECASE)
# The archives of the old scheme (arXiv's list; q-fin, stat, eess and econ began after it ended).
OLD_ARCHIVES = frozenset({
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn", "chem-ph",
    "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
    "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph",
    "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
})
_FIRST_NEW, _FOUR_DIGITS_UNTIL, _FIVE_DIGITS_FROM = 704, 1412, 1501
_FIRST_OLD = 9108  # hep-th/9108001, August 1991


def _problem(match: re.Match[str]) -> str | None:
    """Why an id of the right shape names no paper (None: it can): a month that is not 01–12 or
    outside its scheme, the wrong number of digits for its month, sequence number or version 0, an
    archive arXiv never had."""
    version = match.group("version")
    if version is not None and int(version) < 1:
        return "versions start at v1"
    if match.group("new"):
        yymm, number = int(match.group("new_yymm")), match.group("new_number")
        if not 1 <= yymm % 100 <= 12:
            return "the month (the two digits after the year) must be 01 to 12"
        if yymm < _FIRST_NEW:
            return "ids of this form start in April 2007 (0704); older papers have ids like hep-th/9901001"
        digits = 4 if yymm <= _FOUR_DIGITS_UNTIL else 5
        if len(number) != digits:
            return ("ids up to 1412 have 4 digits after the dot" if digits == 4
                    else "since 1501 ids have 5 digits after the dot")
        return "numbers start at 1" if int(number) == 0 else None
    if match.group("archive").lower() not in OLD_ARCHIVES:
        return "the part before the slash must be an arXiv archive such as hep-th, math, cs or astro-ph"
    yymm = int(match.group("old_yymm"))
    if not 1 <= yymm % 100 <= 12:
        return "the month (the two digits after the year) must be 01 to 12"
    if not (yymm >= _FIRST_OLD if yymm // 100 >= 91 else yymm < _FIRST_NEW):
        return "ids of this form run from 9108 (August 1991) to 0703 (March 2007)"
    return "numbers start at 001" if int(match.group("number")[4:]) == 0 else None


ACCEPTED_FORMS = (
    "an arXiv id like 2511.04570 or 2511.04570v2 (old style: hep-th/9901001), "
    "an arXiv URL (https://arxiv.org/abs/… or /pdf/…), an arXiv DOI (10.48550/arXiv.2511.04570) "
    "or a Hugging Face paper URL (https://huggingface.co/papers/…)"
)


@dataclass(frozen=True)
class ArxivId:
    """A canonical arXiv id (no version) and the version that was named, if any."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


def try_parse_arxiv_id(text: str) -> ArxivId | None:
    """Return the id in ``text`` (bare id, URL or DOI), or None when it is not one that can exist."""
    match = _match(text)
    if match is None or _problem(match) is not None:
        return None
    # Old-style ids drop the subject class: math.GT/0309136 is math/0309136.
    canonical = match.group("new") or f"{match.group('archive').lower()}/{match.group('number')}"
    version = match.group("version")
    return ArxivId(canonical, int(version) if version else None)


def _match(text: str) -> re.Match[str] | None:
    """The id's shape in ``text``, prefix, URL or DOI set aside."""
    candidate = text.strip().strip("<>")
    if candidate.lower().startswith("arxiv:"):
        candidate = candidate[6:]
    url = _URL_RE.match(candidate) or _DOI_RE.match(candidate)
    if url:
        candidate = url.group("rest")
    return _ID_RE.match(candidate)


def parse_arxiv_id(text: str) -> ArxivId:
    """Like :func:`try_parse_arxiv_id` but raise a UsageError naming the accepted forms."""
    parsed = try_parse_arxiv_id(text)
    if parsed is None:
        match = _match(text)
        problem = _problem(match) if match is not None else None
        reason = f" ({problem})" if problem else ""
        raise UsageError(f"'{text.strip()[:80]}' is not an arXiv id{reason}. Accepted: {ACCEPTED_FORMS}.")
    return parsed
