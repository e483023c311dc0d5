"""Whether a followed (or included/excluded) author names one of a paper's authors.

A name is compared by its key: case folded, an affiliation in parentheses dropped, runs of spaces
made one — so following "John Smith (MIT)" finds the paper arXiv lists as "John Smith", and
following "John Smith" finds "John Smith (MIT)". The key of the followed name is then looked for
inside each author's key, as before (a followed "Smith" finds "John Smith").
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_AFFILIATION = re.compile(r"\([^()]*\)|[()]")


@lru_cache(maxsize=8192)  # the same few thousand authors are compared for every followed name of every row
def author_key(name: str) -> str:
    return " ".join(_AFFILIATION.sub(" ", name).casefold().split())


def names_author(followed: str, authors: Sequence[str]) -> bool:
    """Whether ``followed`` names one of ``authors``; a name with nothing outside parentheses names no one."""
    key = author_key(followed)
    return bool(key) and any(key in author_key(a) for a in authors)
