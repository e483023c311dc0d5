"""Authors' names as reference formats read them: one person, or one group, per name.

BibTeX separates authors with the word "and" and takes a person's last word as the surname, so
"ATLAS and CMS Collaborations" would be two authors, the second surnamed "Collaborations". A name
that holds the word "and", or names a group (a collaboration, consortium, team…), is one corporate
author: BibTeX gets it braced, RIS with the trailing comma that marks a name without a first name
(EndNote's convention, which Zotero reads). An affiliation ("John Smith (MIT)", as arXiv writes
it) is not part of the name, so formats get the name without it and keys use the real surname.
"""
from __future__ import annotations

import re

_AND_RE = re.compile(r"(?<!\S)and(?!\S)", re.IGNORECASE)  # BibTeX's separator: "and" between spaces
_GROUP_RE = re.compile(
    r"\b(?:collaborations?|consortium|consortia|team|group|project|initiative|committee|association|society|"
    r"organi[sz]ation|institute|laboratory|network|alliance|council|foundation|corporation|inc|ltd)\b",
    re.IGNORECASE,
)
_AFFILIATION_RE = re.compile(r"\s*\([^()]*\)")
_SUFFIX_RE = re.compile(r"^(?:jr|sr|ii|iii|iv|v|\d+(?:st|nd|rd|th)?)\.?$", re.IGNORECASE)
_ARTICLES = frozenset({"the", "a", "an"})


def without_affiliation(name: str) -> str:
    """The name with any parenthesised affiliation removed (the name itself when that leaves nothing)."""
    bare = " ".join(_AFFILIATION_RE.sub(" ", name).split())
    return bare or " ".join(name.split())


def is_group(name: str) -> bool:
    """Whether a name is one corporate author (see module docstring), not a person's name."""
    return bool(_AND_RE.search(name) or _GROUP_RE.search(name))


def surname(name: str) -> str:
    """The word a key is made of: a person's surname ("Smith, J." → Smith, "J.Smith" → Smith,
    "John Smith Jr." → Smith), or a group's first word ("The ATLAS Collaboration" → ATLAS)."""
    bare = without_affiliation(name)
    if is_group(bare):
        words = [w for w in re.split(r"[\s,]+", bare) if w and w.lower() not in _ARTICLES]
        return words[0] if words else ""
    if "," in bare:
        return bare.split(",")[0].strip()
    words = [w for w in re.split(r"[\s.]+", bare) if w]
    while len(words) > 1 and _SUFFIX_RE.match(words[-1]):
        words.pop()
    return words[-1] if words else ""
