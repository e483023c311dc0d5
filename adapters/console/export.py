"""The console's answer to `/papers export`: the file written to a folder, and its path printed.

A terminal has no upload, but it has a disk: the demo writes the export beside its database
(the data directory's demo.sqlite3, or a --db file), where a reference manager can import it from. Without a folder, or when
the file cannot be written, the export is printed instead (all of it: a terminal has no limit).
"""
from __future__ import annotations

from pathlib import Path

from bot.paging import page_text
from bot.replies import ExportReply, PagedReply

NO_LIMIT = 10_000_000  # characters: one page holds every entry


def paged(reply: PagedReply) -> str:
    return page_text(reply, NO_LIMIT)


def export_text(reply: ExportReply, folder: Path | None) -> str:
    """Write ``reply`` into ``folder`` and say where; print it when there is no folder or no write."""
    if not reply.data or folder is None:
        return paged(reply.inline)
    path = folder / reply.filename
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(reply.data)
    except OSError as exc:
        reason = exc.strerror or "it could not be written"
        return f"{reply.summary} It could not be written to {path} ({reason}); here it is:\n{paged(reply.inline)}"
    return f"{reply.summary}\nWritten to {path}"
