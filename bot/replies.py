"""What a use case hands back for an adapter to render: text, one paper, or a digest.

Replies carry domain values, not markup; each adapter renders them in its own format
(console text, Block Kit, embeds) and neutralises untrusted text for its platform.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.domain import Digest, Paper


@dataclass(frozen=True)
class TextReply:
    """A short message. ``ephemeral`` replies are shown only to the person who asked."""

    text: str
    ephemeral: bool = False


@dataclass(frozen=True)
class PaperReply:
    paper: Paper
    why: str | None = None


@dataclass(frozen=True)
class DigestReply:
    """A ranked list to post; the adapter posts it then calls ``PaperBot.record_posted``."""

    digest: Digest


Reply = TextReply | PaperReply | DigestReply
