"""Saved papers: a member's 🔖 reactions on the bot's posts, listed and exported.

Saving is not a store of its own: 🔖 on a post (or the post's Save button) goes through the
reaction use case (``bot.usecases.reactions``) like every reaction, and removing it unsaves the
paper. So a save is also a taste signal (``[taste] save_weight``), a retried event never saves
twice, and `/papers forget me` forgets saves too. Saves count in every channel of the member's
workspace; one paper saved on two posts is listed once, dated by the newest 🔖.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock, utc_now
from bot.domain import Paper, Requester
from bot.export.file import ExportFormat, export_file
from bot.ports import Store
from bot.replies import ExportReply
from bot.taste.signals import SAVE_EMOJI

MAX_SAVED = 2_000  # papers one listing or export reads: far more than a reading list, bounded all the same


@dataclass(frozen=True)
class SavedPapers:
    """A member's saved papers, newest first (at most :data:`MAX_SAVED`), and how many there are in all."""

    papers: tuple[tuple[Paper, datetime], ...]
    total: int

    @property
    def capped(self) -> bool:
        return self.total > len(self.papers)


class SavedUseCases:
    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    async def saved(self, requester: Requester) -> SavedPapers:
        """The requester's saved papers in this workspace (every channel of it), newest first."""
        ch = requester.channel
        async with self._store.transaction() as tx:  # the count and the list from one snapshot
            total = await tx.count_papers_reacted_by(ch.platform, ch.workspace, requester.user_id, SAVE_EMOJI)
            papers = await tx.papers_reacted_by(ch.platform, ch.workspace, requester.user_id, SAVE_EMOJI,
                                                limit=MAX_SAVED) if total else []
        return SavedPapers(tuple(papers), total)

    async def export(self, requester: Requester, fmt: ExportFormat, page: int = 1) -> ExportReply:
        """The requester's saved papers as a reference-manager file (``bot.export``), newest saved first."""
        saved = await self.saved(requester)
        note = f" (the newest {len(saved.papers)} of {saved.total})" if saved.capped else ""
        return export_file([p for p, _ in saved.papers], fmt, day=self._clock().date(), page=page, note=note)
