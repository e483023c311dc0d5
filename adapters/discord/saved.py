"""Saved papers on Discord: paged private answers (`/papers saved`, an export shown inline) as one
ephemeral message, and an export handed over as an ephemeral attachment (:class:`EphemeralFiles`).

The core packs the page (``bot.paging``); this says how much a Discord message holds (2,000
characters) and how text is made safe: words line by line as every reply's (markdown escaped,
mentions broken, links kept), a code block's content verbatim except a ``` that would close it.

The export's file is the interaction's ephemeral answer (only the member sees it). Discord says in
each interaction how large an attachment it takes (``attachment_size_limit``, 10 MiB without boosts);
a file over it, or one Discord answers 413 / 40005 "Request entity too large" (or any refusal), is
:class:`bot.usecases.saved.FileRefused` with the reason, and the core shows the pages instead.
"""
from __future__ import annotations

import logging

import aiohttp
import discord

from adapters.discord.embeds import MAX_CONTENT
from adapters.discord.interaction import Responder
from adapters.discord.text import fit, neutralise
from bot.domain import Requester
from bot.paging import page_text
from bot.replies import ExportReply, PagedReply
from bot.usecases.saved import FileRefused, FileSent

_log = logging.getLogger(__name__)

FENCE_BREAK = "`\u200b`\u200b`"
ENTITY_TOO_LARGE = 40005  # Discord's JSON code for an upload over the limit (HTTP 413)
INLINE_INSTEAD = "so here it is a page at a time instead."


def _words(text: str) -> str:
    return "\n".join(neutralise(line) for line in text.split("\n"))


def _code(text: str) -> str:
    return text.replace("```", FENCE_BREAK)


def paged_text(reply: PagedReply | ExportReply) -> str:
    """The page asked for, within one message."""
    paged = reply.inline if isinstance(reply, ExportReply) else reply
    return page_text(paged, MAX_CONTENT, escape=_words, escape_code=_code)


def size_words(size: int) -> str:
    """A byte count as people read it: "10 MB", "512 KB", "100 bytes" (binary units, as Discord counts)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


class EphemeralFiles:
    """:class:`bot.usecases.saved.PrivateFiles` for one interaction: the file as its ephemeral answer."""

    def __init__(self, responder: Responder) -> None:
        self._responder = responder

    async def send_privately(self, requester: Requester, filename: str, data: bytes, text: str) -> FileSent | FileRefused:
        interaction = self._responder.interaction
        limit = interaction.filesize_limit
        if len(data) > limit:
            _log.info("export %s is %d bytes, over Discord's %d for interaction %s: shown inline", filename,
                      len(data), limit, interaction.id)
            return FileRefused(f"The file is larger than the {size_words(limit)} Discord lets me attach here, "
                               f"{INLINE_INSTEAD}")
        try:
            message = await self._responder.private_file(fit(neutralise(text), MAX_CONTENT), filename, data)
        except discord.HTTPException as exc:
            _log.warning("Discord refused the export %s (%d bytes) for interaction %s: %s %s", filename, len(data),
                         interaction.id, exc.status, exc.code)
            if exc.status == 413 or exc.code == ENTITY_TOO_LARGE:
                return FileRefused(f"Discord would not take a file this large, {INLINE_INSTEAD}")
            return FileRefused(f"Discord did not take the file just now, {INLINE_INSTEAD}")
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            _log.warning("could not send the export %s for interaction %s: %s", filename, interaction.id,
                         type(exc).__name__)
            return FileRefused(f"I could not reach Discord to send the file, {INLINE_INSTEAD}")
        return FileSent((str(message.id),))
