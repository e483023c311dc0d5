"""What a use case hands back for an adapter to render: text, one paper, or a digest.

Replies carry domain values, not markup; each adapter renders them in its own format
(console text, Block Kit, embeds) and neutralises untrusted text for its platform. A digest or a
paper is a :data:`Publication`: the core posts it (``bot.usecases.publishing``) and the adapter
only renders it; ``discussions`` says where a paper's discussion already is, so the post links
there instead of opening a second thread.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.domain import Digest, Paper, RankedPaper


@dataclass(frozen=True)
class TextReply:
    """A short message. ``ephemeral`` replies are shown only to the person who asked."""

    text: str
    ephemeral: bool = False


@dataclass(frozen=True)
class Discussion:
    """Where a paper's discussion already is in this channel: a link, or words when there is no link."""

    thread_id: str
    url: str | None = None


@dataclass(frozen=True)
class PaperReply:
    """One paper, shown in full (``/papers paper``)."""

    paper: Paper
    why: str | None = None
    discussions: Mapping[str, Discussion] = field(default_factory=dict)

    def as_digest(self) -> Digest:
        return Digest(title=self.paper.title, items=(RankedPaper(self.paper, 0.0, self.why or ""),))


@dataclass(frozen=True)
class DigestReply:
    """A ranked list to post."""

    digest: Digest
    discussions: Mapping[str, Discussion] = field(default_factory=dict)

    def as_digest(self) -> Digest:
        return self.digest


Publication = DigestReply | PaperReply


@dataclass(frozen=True)
class PagedReply:
    """A private answer that may be longer than one message (`/papers saved`, an export shown inline):
    entries shown a page at a time. The core says what is shown and how to ask for the next page;
    the adapter says how much its message holds (``bot.paging.page_text``), so a page fits every platform.

    ``short`` is each entry's form for a page that cannot hold the whole entry (empty: cut it);
    ``code``: the entries are one code block, to be copied as they are; ``next_page`` is the command
    that shows page N (``{page}``).
    """

    header: str
    entries: tuple[str, ...]
    page: int = 1
    next_page: str = ""
    short: tuple[str, ...] = ()
    code: bool = False
    empty: str = "Nothing to show."


@dataclass(frozen=True)
class ExportReply:
    """A file for the person who asked (an export): its name, its bytes, and a one-line summary.

    It is personal: ``SavedUseCases.deliver`` hands ``data`` as ``filename`` to the member privately
    through the surface's ``PrivateFiles`` (Discord: an ephemeral attachment; Slack: their DM), and
    shows ``inline``, the same content a page at a time, when the surface refuses the file (or a
    later page is asked for); the console writes it to its data directory.
    """

    filename: str
    data: bytes
    summary: str
    inline: PagedReply


@dataclass(frozen=True)
class FileReply:
    """A file to post in the channel with a line of text (``/papers stats``' chart, a PNG).
    The core sends it through the transport (``ChatTransport.send_file``), like a publication."""

    filename: str
    data: bytes = field(repr=False)
    text: str


@dataclass(frozen=True)
class Posted:
    """A publication the core has posted (and recorded, and threaded): nothing left for the adapter to send."""

    publication: Publication | TextReply | FileReply
    message_ids: tuple[str, ...]


Reply = TextReply | PaperReply | DigestReply | Posted | PagedReply | ExportReply | FileReply
