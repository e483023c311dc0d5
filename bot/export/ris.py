"""RIS records for arXiv papers (EndNote, Zotero, Mendeley, RefWorks import them).

Each record is ``TY`` (``GEN``: RIS has no preprint type, and a generic record is what
reference managers import without guessing a journal), then ``TI``, one ``AU`` per author, ``PY``,
``UR``, ``AB`` and the closing ``ER``. A tag line is ``XX  - value``; values are one line each
(RIS has no continuation), so line breaks in a title or abstract become spaces.
"""
from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Paper
from bot.export.bibtex import SHORT_AUTHORS, year_of
from bot.export.names import is_group, without_affiliation


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _author(name: str) -> str:
    """A person as written, without an affiliation; a group with a trailing comma, so that it is
    read as one name without a first name ("ATLAS Collaboration," not first name "ATLAS")."""
    text = _one_line(without_affiliation(name))
    return f"{text.rstrip(',')}," if is_group(text) and "," not in text.rstrip(",") else text


def record(paper: Paper, *, short: bool = False) -> str:
    """One RIS record; ``short``: at most :data:`SHORT_AUTHORS` authors and no abstract."""
    lines = ["TY  - GEN", f"TI  - {_one_line(paper.title)}"]
    authors = paper.authors[:SHORT_AUTHORS] if short else paper.authors
    lines += [f"AU  - {_author(a)}" for a in authors if a.strip()]
    year = year_of(paper)
    if year is not None:
        lines.append(f"PY  - {year}")
    lines += [f"UR  - {paper.abs_url}", f"AN  - arXiv:{paper.arxiv_id}"]
    if paper.abstract and not short:
        lines.append(f"AB  - {_one_line(paper.abstract)}")
    lines.append("ER  - ")
    return "\n".join(lines)


def records(papers: Sequence[Paper], *, short: bool = False) -> list[str]:
    return [record(p, short=short) for p in papers]
