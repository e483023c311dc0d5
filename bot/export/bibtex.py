"""BibTeX entries for arXiv papers, as reference managers import them (Zotero, JabRef, BibDesk, biber).

An arXiv paper is a ``@misc`` with the eprint fields biblatex and natbib styles read
(``eprint = {2511.04570}``, ``archivePrefix = {arXiv}``, ``primaryClass = {cs.CV}``). Text from a
paper is escaped: LaTeX's ten special characters become commands, so a title with ``50% & $5``
typesets as written and cannot end a field early. Keys are ``firstauthor2025firstword``: readable,
the same every export, and made unique within one export by an ``a``/``b``… suffix given in arXiv-id
order (so an older paper keeps its plain key when a newer one collides with it).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from bot.domain import Paper
from bot.export.names import is_group, surname, without_affiliation

# LaTeX's special characters, each as the command that prints it (text mode)
_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))
_WORD_RE = re.compile(r"[a-z0-9]+")
# words a key never starts with: they say nothing about the paper
_STOP = frozenset("a an the on of in for to and with from by is are towards toward via at as".split())
SHORT_AUTHORS = 10  # the short form (a page that cannot hold the whole entry) names this many, then "others"


def escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped and its whitespace made single spaces."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], " ".join(text.split()))


def _ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _WORD_RE.findall(plain)


def year_of(paper: Paper) -> int | None:
    when = paper.published_at or paper.announced_on
    return when.year if when is not None else None


def base_key(paper: Paper) -> str:
    """``lastname`` of the first author (a group's first word: ``atlas``) + year + the title's first telling word (ASCII, lower case;
    three letters or more when there is one: ``V-Thinker`` → ``thinker``)."""
    first = _ascii_words(surname(paper.authors[0])) if paper.authors else []
    words = _ascii_words(paper.title)
    telling = [w for w in words if w not in _STOP and len(w) >= 3] or [w for w in words if w not in _STOP] or ["paper"]
    year = year_of(paper)
    return f"{''.join(first) or 'anon'}{year or ''}{telling[0]}"


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """A unique key per paper, by arXiv id; colliding keys get ``a``, ``b``… in arXiv-id order."""
    keys: dict[str, str] = {}
    taken: set[str] = set()
    tried: dict[str, int] = {}  # suffixes already tried per base key: a thousand "smith2025deep" stay linear
    for paper in sorted(papers, key=lambda p: p.arxiv_id):
        key = base = base_key(paper)
        while key in taken:
            n = tried.get(base, 0)
            tried[base] = n + 1
            key = base + _suffix(n)
        taken.add(key)
        keys[paper.arxiv_id] = key
    return keys


def _suffix(n: int) -> str:
    """a, b, …, z, aa, ab, …"""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def author(name: str) -> str:
    """One author as BibTeX reads one: escaped, without an affiliation, and braced when a group
    ("{ATLAS and CMS Collaborations}": one author, not two)."""
    text = escape(without_affiliation(name))
    return f"{{{text}}}" if is_group(text) else text


def entry(paper: Paper, key: str, *, short: bool = False) -> str:
    """One ``@misc`` entry. ``short``: at most :data:`SHORT_AUTHORS` authors (then ``and others``), no abstract."""
    authors = list(paper.authors)
    if short and len(authors) > SHORT_AUTHORS:
        authors = [*authors[:SHORT_AUTHORS], "others"]
    fields: list[tuple[str, str]] = [("title", escape(paper.title))]
    if authors:
        fields.append(("author", " and ".join(author(a) for a in authors)))
    year = year_of(paper)
    if year is not None:
        fields.append(("year", str(year)))
    fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    if paper.categories:
        fields.append(("primaryClass", escape(paper.categories[0])))
    fields.append(("url", paper.abs_url))
    if paper.abstract and not short:
        fields.append(("abstract", escape(paper.abstract)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def entries(papers: Sequence[Paper], *, short: bool = False, keys: Mapping[str, str] | None = None) -> list[str]:
    """The papers' entries, in their order, with keys unique among them (``keys``: already made)."""
    keys = citation_keys(papers) if keys is None else keys
    return [entry(p, keys[p.arxiv_id], short=short) for p in papers]
