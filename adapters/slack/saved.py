"""Paged private answers (`/papers saved`, `/papers export`) as one response_url message.

The core packs the page (``bot.paging``); this says how much one Slack message here holds
(:data:`adapters.slack.limits.MESSAGE_TEXT`) and how text is made safe: words are neutralised as
every reply's are (links kept), while a code block's content only has Slack's three control
characters escaped — it is shown verbatim, and must be copied back out exactly (a zero-width space
in a BibTeX key breaks the import).

Exports (``ExportReply``) are shown inline until the file-upload port lands: that is the one place
to send ``reply.data`` as ``reply.filename`` instead.
"""
from __future__ import annotations

from adapters.slack.limits import MESSAGE_TEXT
from adapters.slack.mrkdwn import neutralise_text
from bot.paging import page_text
from bot.replies import ExportReply, PagedReply

FENCE_BREAK = "`\u200b`\u200b`"  # a ``` inside the content would close the block early


def _code(text: str) -> str:
    """Slack's ``&``, ``<``, ``>`` escaped (the client shows them as typed); line breaks and spaces kept."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("```", FENCE_BREAK)


def paged_text(reply: PagedReply | ExportReply) -> str:
    """The page asked for, within one message."""
    paged = reply.inline if isinstance(reply, ExportReply) else reply
    return page_text(paged, MESSAGE_TEXT, escape=neutralise_text, escape_code=_code)
