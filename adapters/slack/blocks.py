"""Block Kit rendering of digests and papers, within Slack's limits, with a plain-text fallback.

A digest is ONE readable message (header, note, one section per paper with the title
linked, authors, a 1–2-line summary, upvotes/stars, the "why", the thumbnail and links).
Under it, in its thread, the adapter posts one short line per paper ("react here"): a
reaction must name one paper, so those replies are what the core records as posts.

Limits respected (https://api.slack.com/reference/block-kit/blocks): ≤ 50 blocks,
header text ≤ 150, section text ≤ 3000, image alt_text ≤ 2000; the digest's total text is
kept far under ~12k characters by bounding every part, and the ``text`` fallback
(notifications, screen readers) is plain and bounded too. Every untrusted string goes
through :mod:`adapters.slack.mrkdwn`.
"""
from __future__ import annotations

from typing import Any

from adapters.slack.mrkdwn import link, neutralise, neutralise_plain, safe_url
from bot.discussion.openings import continues_in
from bot.domain import Digest, Paper, RankedPaper
from bot.replies import Discussion
from bot.sentences import first_sentences
from bot.text import clean_text, format_authors, shorten

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
TITLE_LIMIT = 200
SUMMARY_LIMIT = 240
WHY_LIMIT = 160
FALLBACK_LIMIT = 3000
DIGEST_TEXT_BUDGET = 11_000  # all paper sections together, under Slack's ~12k guidance

Block = dict[str, Any]


def _stats(paper: Paper) -> str:
    parts = []
    if paper.upvotes is not None:
        parts.append(f"▲ {paper.upvotes}")
    if paper.github_stars is not None:
        parts.append(f"★ {paper.github_stars}")
    if paper.primary_category:
        parts.append(neutralise(paper.primary_category))
    return " · ".join(parts)


def _links(paper: Paper, *, compact: bool = False) -> str:
    links = [link(paper.pdf_url, "PDF")] if compact else [link(paper.abs_url, "arXiv"), link(paper.pdf_url, "PDF")]
    if paper.hf_url and not compact:
        links.append(link(paper.hf_url, "HF"))
    if safe_url(paper.github_repo):
        links.append(link(paper.github_repo, "GitHub"))
    if safe_url(paper.project_page) and not compact:
        links.append(link(paper.project_page, "project"))
    return " · ".join(links)


def paper_mrkdwn(paper: Paper, *, number: int | None = None, why: str | None = None, budget: int = SECTION_LIMIT) -> str:
    """One paper as mrkdwn in at most ``budget`` characters.

    The title, authors, stats and links come first; with a small budget (long digests) they
    are shorter and fewer, and the summary gets whatever room is left (dropped if too little).
    """
    compact = budget < 900
    title = link(paper.abs_url, shorten(clean_text(paper.title), 120 if compact else TITLE_LIMIT))
    head = f"{f'{number}. ' if number is not None else ''}*{title}*"
    authors = neutralise(shorten(format_authors(paper.authors, limit=2 if compact else 3), 60 if compact else 120))
    meta = " · ".join(p for p in (_stats(paper), _links(paper, compact=compact)) if p)
    why_line = f"_Why: {neutralise(shorten(clean_text(why), 60 if compact else WHY_LIMIT))}_" if why else ""
    fixed = [head, authors, meta, why_line]
    room = budget - sum(len(x) + 1 for x in fixed if x)
    summary = ""
    raw = paper.ai_summary or paper.abstract or ""
    limit = min(SUMMARY_LIMIT, room)
    while raw and limit >= 60:  # escaping can lengthen the text: shrink until it fits
        summary = neutralise(first_sentences(raw, limit))
        if len(summary) <= room:
            break
        summary, limit = "", limit * 2 // 3
    lines = [head, authors, summary, meta, why_line]
    return "\n".join(x for x in lines if x)


def paper_section(paper: Paper, *, number: int | None = None, why: str | None = None, budget: int = SECTION_LIMIT) -> Block:
    text = paper_mrkdwn(paper, number=number, why=why, budget=budget)
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    thumb = safe_url(paper.thumbnail_url)
    if thumb:
        block["accessory"] = {"type": "image", "image_url": (paper.thumbnail_url or "").strip(), "alt_text": shorten(neutralise_plain(paper.title), 200) or "thumbnail"}
    return block


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(neutralise_plain(text), HEADER_LIMIT) or "Papers", "emoji": True}}


def digest_blocks(digest: Digest) -> list[Block]:
    blocks: list[Block] = [_header(digest.title)]
    if digest.note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": neutralise(shorten(digest.note, 300))}]})
    if not digest.items:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "No papers to show."}})
        return blocks
    room = MAX_BLOCKS - len(blocks) - 1  # keep one for the closing context line
    dividers = len(blocks) + 2 * len(digest.items) <= room
    budget = min(SECTION_LIMIT, DIGEST_TEXT_BUDGET // len(digest.items))
    for number, item in enumerate(digest.items, start=1):
        if len(blocks) >= room:
            break
        blocks.append(paper_section(item.paper, number=number, why=item.why, budget=budget))
        if dividers and number < len(digest.items):
            blocks.append({"type": "divider"})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "React to a paper's reply in the thread to teach the bot (👍 👎 ❤️ 🔥)."}]})
    return blocks


def digest_fallback(digest: Digest) -> str:
    """The ``text`` of the message: plain, escaped, bounded (notifications and accessibility)."""
    lines = [neutralise(digest.title)]
    for number, item in enumerate(digest.items, start=1):
        lines.append(f"{number}. {neutralise(shorten(item.paper.title, 120))}")
    return shorten("\n".join(lines), FALLBACK_LIMIT)


def _continues(discussion: Discussion | None) -> str:
    """Where an already-discussed paper's thread is, as mrkdwn (a link when Slack gave one)."""
    if discussion is None:
        return ""
    return f"discussion continues {link(discussion.url, 'in its thread')}" if safe_url(discussion.url) else continues_in(None)


def paper_blocks(paper: Paper, why: str | None = None, discussion: Discussion | None = None) -> list[Block]:
    context = "React to this message to teach the bot (👍 👎 ❤️ 🔥)."
    if discussion is not None:
        context += f" {_continues(discussion).capitalize()}."
    return [paper_section(paper, why=why), {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]}]


def paper_fallback(paper: Paper) -> str:
    return neutralise(shorten(paper.title, 300))


def item_reply_text(number: int, item: RankedPaper, discussion: Discussion | None = None) -> str:
    """The short per-paper reply in the digest's thread, which reactions attach to."""
    title = link(item.paper.abs_url, shorten(item.paper.title, 150))
    text = f"{number}. {title} — react here to teach the bot"
    return f"{text} · {_continues(discussion)}" if discussion is not None else text
