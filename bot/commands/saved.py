"""Saved papers: `/papers saved [page]` lists yours, `/papers export bibtex|ris [page]` exports them.

A paper is saved with 🔖 on its post (or its Save button), unsaved by removing the 🔖
(``bot.usecases.saved``). Both answers are private: what one member saved is theirs. Both may be
longer than a message, so they are pages (``bot.replies.PagedReply``) the surface fits to its limit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.commands.params import Choice, Count, Param
from bot.commands.spec import command
from bot.domain import Paper, Requester
from bot.export.bibtex import year_of
from bot.export.file import ExportFormat
from bot.replies import ExportReply, PagedReply
from bot.text import shorten
from bot.usecases.saved import SavedUseCases

MAX_PAGE = 1_000
TITLE_CHARS = 200
AUTHORS_SHOWN = 3
HOW_TO_SAVE = "react with 🔖 to a paper the bot posted (or press its Save button); remove the 🔖 to unsave it"


class Page(Count):
    """A page number (1–1000): a count with no autocomplete (3, 5, 10… mean nothing for pages)."""

    suggests = False

    def __init__(self) -> None:
        super().__init__(MAX_PAGE, "page")
        self.noun = f"a page number (1–{MAX_PAGE})"


PAGE = Param("page", Page(), "which page, when they do not fit one message")


def authors_line(paper: Paper) -> str:
    if not paper.authors:
        return "unknown authors"
    shown = ", ".join(paper.authors[:AUTHORS_SHOWN])
    return shorten(shown + (" et al." if len(paper.authors) > AUTHORS_SHOWN else ""), 120)


def saved_line(n: int, paper: Paper, saved_at: datetime) -> str:
    """``3. Title — A, B, C et al. (2025), saved 2025-11-09`` and the link on the next line."""
    year = year_of(paper)
    return (f"{n}. {shorten(' '.join(paper.title.split()), TITLE_CHARS)} — {authors_line(paper)}"
            f"{f' ({year})' if year else ''}, saved {saved_at.date().isoformat()}\n{paper.abs_url}")


@command("saved", "the papers you saved with 🔖, newest first", order=130, params=(PAGE,))
@dataclass(frozen=True)
class SavedCommand:
    page: int = 1

    async def execute(self, requester: Requester, saved: SavedUseCases) -> PagedReply:
        found = await saved.saved(requester)
        more = f" (the newest {len(found.papers)} are listed)" if found.capped else ""
        return PagedReply(
            header=f"Your saved papers ({found.total}){more}:",
            entries=tuple(saved_line(n, p, at) for n, (p, at) in enumerate(found.papers, 1)),
            page=self.page, next_page="/papers saved {page}",
            empty=f"You have no saved papers yet: {HOW_TO_SAVE}.",
        )


@command("export", "your saved papers as a BibTeX or RIS file for a reference manager", order=140, params=(
    Param("format", Choice([f.value for f in ExportFormat]), "bibtex or ris", required=True, field="fmt",
          missing="which format? /papers export bibtex or /papers export ris"),
    PAGE,
))
@dataclass(frozen=True)
class ExportCommand:
    fmt: str
    page: int = 1

    async def execute(self, requester: Requester, saved: SavedUseCases) -> ExportReply:
        return await saved.export(requester, ExportFormat(self.fmt), self.page)
