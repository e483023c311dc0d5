"""Saved papers: a member's 🔖 reactions on the bot's posts, listed, exported and handed over as a file.

Saving is not a store of its own: 🔖 on a post (or the post's Save button) goes through the
reaction use case (``bot.usecases.reactions``) like every reaction, and removing it unsaves the
paper. So a save is also a taste signal (``[taste] save_weight``), a retried event never saves
twice, and `/papers forget me` forgets saves too. Saves count in every channel of the member's
workspace; one paper saved on two posts is listed once, dated by the newest 🔖. The App Home
(``bot.usecases.home``) reads them through :meth:`SavedUseCases.saved` too: one definition.

An export is personal, so it goes to the member privately (:meth:`SavedUseCases.deliver`): through
the surface's :class:`PrivateFiles` (Discord: an ephemeral attachment; Slack: their DM with the bot),
and when the surface refuses the file, a page of it inline with the reason in one line.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.clock import Clock, utc_now
from bot.domain import Paper, Requester
from bot.export.file import ExportFormat, export_file
from bot.plural import counted
from bot.ports import Store
from bot.replies import ExportReply, FileReply, PagedReply, Posted, TextReply
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


@dataclass(frozen=True)
class FileSent:
    """The file reached the member, privately. ``where``: where to find it, in words, when it is not
    in the answer they are looking at ("your DMs with paperbot"); empty when the file is the answer."""

    message_ids: tuple[str, ...]
    where: str = ""


@dataclass(frozen=True)
class FileRefused:
    """The surface could not hand the file over; ``reason`` says why in one plain line (no codes)."""

    reason: str


class PrivateFiles(Protocol):
    """How a surface hands one member a file only they see. The adapter passes the one it has to
    :meth:`SavedUseCases.deliver`; a refusal it can word is a :class:`FileRefused`, not an exception."""

    async def send_privately(self, requester: Requester, filename: str, data: bytes, text: str) -> FileSent | FileRefused:
        """Send ``data`` as ``filename`` with ``text`` beside it, for ``requester`` only."""
        ...


class SavedUseCases:
    def __init__(self, store: Store, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    async def saved(self, requester: Requester, *, limit: int = MAX_SAVED) -> SavedPapers:
        """The requester's saved papers in this workspace (every channel of it), newest first, at most
        ``limit`` of them, with how many there are in all."""
        ch = requester.channel
        async with self._store.transaction() as tx:  # the count and the list from one snapshot
            total = await tx.count_papers_reacted_by(ch.platform, ch.workspace, requester.user_id, SAVE_EMOJI)
            papers = await tx.papers_reacted_by(ch.platform, ch.workspace, requester.user_id, SAVE_EMOJI,
                                                limit=limit) if total and limit > 0 else []
        return SavedPapers(tuple(papers), total)

    async def export(self, requester: Requester, fmt: ExportFormat, page: int = 1) -> ExportReply:
        """The requester's saved papers as a reference-manager file (``bot.export``), newest saved first."""
        saved = await self.saved(requester)
        note = f" (the newest {len(saved.papers)} of {saved.total})" if saved.capped else ""
        return export_file([p for p, _ in saved.papers], fmt, day=self._clock().date(), page=page, note=note)

    async def deliver(self, export: ExportReply, requester: Requester,
                      files: PrivateFiles) -> Posted | TextReply | PagedReply:
        """Hand an export to the member who asked, privately: the file through ``files``; when the
        surface refuses it, the page asked for inline, headed by the reason. Nothing saved, or a later
        page asked for by number (`/papers export bibtex 2`), is the inline page itself.

        Returns what is left to show: nothing (``Posted``: the file was the answer), a private note
        saying where the file went, or the inline page."""
        inline = export.inline
        if not export.data or inline.page > 1:
            return inline
        sent = await files.send_privately(requester, export.filename, export.data, export.summary)
        if isinstance(sent, FileRefused):
            return replace(inline, header=f"{sent.reason}\n{inline.header}")
        if not sent.where:
            return Posted(FileReply(export.filename, export.data, export.summary), sent.message_ids)
        n = len(inline.entries)
        return TextReply(f"Sent to {sent.where}: {export.filename} ({counted(n, 'entry', 'entries')}).", ephemeral=True)
