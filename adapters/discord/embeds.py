"""Papers and digests as Discord messages with embeds, within Discord's limits.

A digest is posted as **one message per paper** (the first also carries the digest's
headline as content), so a reaction on a message maps to exactly one paper. Every embed is
kept within Discord's limits (title 256, description 4096, field 1024, footer 2048, 6000
characters per message across its embeds, at most 10 embeds per message); ``pack_embeds``
groups embeds into messages for any caller that carries several per message.
All untrusted text goes through :func:`adapters.discord.text.fit` (markdown surfaces) or
:func:`adapters.discord.text.fit_plain` (the footer, shown as plain text); only URLs that pass
:func:`safe_url` become links, each whole or not at all.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import discord

from adapters.discord.previews import unfurl_free
from adapters.discord.text import fit, fit_plain
from bot.discussion.openings import continues_in
from bot.domain import Digest, Paper, RankedPaper
from bot.plural import plural
from bot.replies import Discussion
from bot.sentences import first_sentences
from bot.text import format_authors

MAX_EMBEDS = 10
MAX_TOTAL = 6000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELD = 1024
MAX_FOOTER = 2048
MAX_CONTENT = 2000
MAX_URL = 512
WHY_CHARS = 300
SUMMARY_CHARS = 600
COLOUR = discord.Colour(0xFFB000)

_SAFE_URL_RE = re.compile(r"^https?://[^\s<>()\[\]`\"'\\]+$")
_MENTION_IN_URL = re.compile(r"@(?:everyone|here)", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL of at most 512 characters that cannot break out of a markdown link, else None."""
    url = (url or "").strip()
    if url and len(url) <= MAX_URL and _SAFE_URL_RE.match(url) and not _MENTION_IN_URL.search(url):
        return url
    return None


def _links(paper: Paper) -> str:
    """The paper's links as masked links, each whole: one that would not fit the field is left out."""
    candidates = [("arXiv", paper.abs_url), ("PDF", paper.pdf_url), ("Hugging Face", paper.hf_url),
                  ("code", paper.github_repo), ("project", paper.project_page)]
    links: list[str] = []
    for label, url in candidates:
        safe = safe_url(url)
        link = f"[{label}]({safe})" if safe else ""
        if link and len(" · ".join([*links, link])) <= MAX_FIELD:
            links.append(link)
    return " · ".join(links) or "—"


def _number(value: int) -> str:
    """A count as shown: beyond what any store holds, just "10¹⁸+" (a huge int is no reason to fail)."""
    return str(value) if abs(value) < 10**18 else "10¹⁸+"


def _popularity(paper: Paper) -> str:
    parts = []
    if paper.upvotes is not None:
        parts.append(f"▲ {_number(paper.upvotes)} {plural(paper.upvotes, 'upvote')}")
    if paper.github_stars is not None:
        parts.append(f"★ {_number(paper.github_stars)} {plural(paper.github_stars, 'star')}")
    if paper.num_comments:
        parts.append(f"💬 {_number(paper.num_comments)}")
    return fit(" · ".join(parts), MAX_FIELD)


def paper_embed(paper: Paper, why: str | None = None, *, rank: int | None = None,
                discussion: Discussion | None = None) -> discord.Embed:
    """One paper: linked title, summary, authors, popularity, the "why", thumbnail, links, and where
    its discussion already is (a second thread is never opened)."""
    prefix = f"{rank}. " if rank is not None else ""
    title = prefix + fit(paper.title or paper.arxiv_id, MAX_TITLE - len(prefix))
    summary = paper.ai_summary or first_sentences(paper.abstract, SUMMARY_CHARS)
    embed = discord.Embed(
        title=title,
        url=safe_url(paper.abs_url),
        description=fit(summary, SUMMARY_CHARS) or None,
        colour=COLOUR,
    )
    embed.add_field(name="Authors", value=fit(format_authors(paper.authors), MAX_FIELD) or "—", inline=False)
    popularity = _popularity(paper)
    if popularity:
        embed.add_field(name="Popularity", value=popularity, inline=True)
    if why:
        embed.add_field(name="Why", value=fit(why, WHY_CHARS) or "—", inline=True)
    embed.add_field(name="Links", value=_links(paper), inline=False)
    if discussion is not None:
        url = safe_url(discussion.url)
        embed.add_field(name="Discussion", value=fit(continues_in(None), 200) if url is None else f"continues in {url}",
                        inline=False)
    thumbnail = safe_url(paper.thumbnail_url)
    if thumbnail:
        embed.set_thumbnail(url=thumbnail)
    footer = paper.arxiv_id + (f" · {paper.primary_category}" if paper.primary_category else "")
    embed.set_footer(text=fit_plain(footer, 200) or None)
    return embed


def item_embed(item: RankedPaper, rank: int, discussion: Discussion | None = None) -> discord.Embed:
    return paper_embed(item.paper, item.why, rank=rank, discussion=discussion)


def digest_header(digest: Digest) -> str:
    """The headline sent as content with the first paper (or alone when the digest is empty)."""
    header = f"**{fit(digest.title, 300)}**"
    if digest.note:
        header += f"\n{fit(digest.note, 500)}"
    if not digest.items:
        header += "\nNo papers to show."
    return header[:MAX_CONTENT]


@dataclass
class OutMessage:
    """One message to send: content, embeds, and the digest items (indexes) it carries."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    items: list[int] = field(default_factory=list)


def digest_messages(digest: Digest, discussions: Mapping[str, Discussion] | None = None) -> list[OutMessage]:
    """One message per paper, the headline on the first; an empty digest is one text message."""
    header = unfurl_free(digest_header(digest))  # sent with embeds, or as an edit: no URL unfurls
    if not digest.items:
        return [OutMessage(content=header)]
    found = discussions or {}
    messages = [OutMessage(embeds=[item_embed(item, n, found.get(item.paper.arxiv_id))], items=[n - 1])
                for n, item in enumerate(digest.items, 1)]
    messages[0].content = header
    return messages


def pack_embeds(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds, in order, into messages of at most 10 embeds and 6000 characters."""
    groups: list[list[discord.Embed]] = []
    size = 0
    for embed in embeds:
        length = len(embed)
        if length > MAX_TOTAL:
            raise ValueError(f"one embed has {length} characters; Discord allows {MAX_TOTAL} per message")
        if not groups or len(groups[-1]) >= MAX_EMBEDS or size + length > MAX_TOTAL:
            groups.append([])
            size = 0
        groups[-1].append(embed)
        size += length
    return groups
