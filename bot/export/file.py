"""An export as a file: (filename, bytes, summary), and the same content a page at a time.

Why both: a file is what a reference manager imports, and is what a surface that uploads files
sends; a surface that cannot upload yet shows the entries as a code block, a page at a time
(``bot.paging``), each page itself a file's worth of valid entries.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import Enum

from bot.domain import Paper
from bot.export import bibtex, ris
from bot.plural import counted
from bot.replies import ExportReply, PagedReply


class ExportFormat(str, Enum):
    BIBTEX = "bibtex"
    RIS = "ris"


SUFFIX = {ExportFormat.BIBTEX: "bib", ExportFormat.RIS: "ris"}
LABEL = {ExportFormat.BIBTEX: "BibTeX", ExportFormat.RIS: "RIS"}


def export_file(papers: Sequence[Paper], fmt: ExportFormat, *, day: date, page: int = 1, note: str = "") -> ExportReply:
    """The papers (newest saved first) as one file named ``paperbot-saved-<day>.<bib|ris>``."""
    if fmt is ExportFormat.BIBTEX:
        keys = bibtex.citation_keys(papers)
        full, short = bibtex.entries(papers, keys=keys), bibtex.entries(papers, short=True, keys=keys)
    else:
        full, short = ris.records(papers), ris.records(papers, short=True)
    count = counted(len(papers), 'saved paper')
    summary = f"{LABEL[fmt]} export of your {count}{note}."
    data = ("\n\n".join(full) + "\n").encode("utf-8") if full else b""
    inline = PagedReply(
        header=f"{summary} Copy it into a .{SUFFIX[fmt]} file to import it:",
        entries=tuple(full), short=tuple(short), page=page, code=True,
        next_page=f"/papers export {fmt.value} {{page}}",
        empty="You have no saved papers to export yet: react with 🔖 to a paper the bot posted to save it.",
    )
    return ExportReply(f"paperbot-saved-{day.isoformat()}.{SUFFIX[fmt]}", data, summary, inline)
