"""Replies as terminal text. Untrusted text is cleaned of control characters (escape sequences)."""
from __future__ import annotations

import textwrap

from bot.domain import Digest, Paper, RankedPaper
from bot.sentences import first_sentences
from bot.taste.signals import DEFAULT_NEGATIVE, DEFAULT_POSITIVE, SAVE_EMOJI, EmojiTable
from bot.text import clean_text, format_authors
from bot.usecases.reactions import ReactionMeaning, ReactionResult

WIDTH = 100


def _wrap(text: str, indent: str = "     ") -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def render_paper(paper: Paper, *, number: int | None = None, why: str | None = None, full: bool = False) -> str:
    """One paper as a block: title, authors, figures, why, summary, links."""
    label = f"[{number}] " if number is not None else ""
    lines = [f"{label}{clean_text(paper.title)}", _wrap(format_authors(paper.authors, limit=4 if not full else 12))]
    facts = []
    if paper.categories:
        facts.append(" ".join(clean_text(c) for c in paper.categories[:4]))
    if paper.announced_on:
        facts.append(f"announced {paper.announced_on:%Y-%m-%d}")
    if paper.upvotes is not None:
        facts.append(f"▲ {paper.upvotes}")
    if paper.num_comments:
        facts.append(f"💬 {paper.num_comments}")
    if paper.github_stars:
        facts.append(f"★ {paper.github_stars}")
    if facts:
        lines.append(_wrap(" · ".join(facts)))
    if why:
        lines.append(_wrap(f"why: {clean_text(why)}"))
    summary = clean_text(paper.ai_summary) if paper.ai_summary and not full else ""
    if full:
        summary = clean_text(paper.abstract)
    elif not summary:
        summary = first_sentences(paper.abstract, 280)
    if summary:
        lines.append(_wrap(summary))
    links = [paper.abs_url, paper.pdf_url]
    if paper.hf_url and "huggingface" in paper.sources:
        links.append(paper.hf_url)
    if paper.github_repo:
        links.append(clean_text(paper.github_repo))
    lines.append(_wrap(" · ".join(links)))
    return "\n".join(lines)


def render_digest_header(digest: Digest) -> str:
    head = f"── {digest.title} ──"
    return head + (f"\n   {digest.note}" if digest.note else "")


def render_item(item: RankedPaper, number: int) -> str:
    return render_paper(item.paper, number=number, why=item.why)


def render_thread_lines(who: str, text: str) -> list[str]:
    """A message inside a thread: indented under its post, each line cleaned and wrapped."""
    lines = [f"   │ {clean_text(who)}:"]
    for paragraph in text.splitlines():
        cleaned = clean_text(paragraph)
        if cleaned:
            lines.append(textwrap.fill(cleaned, width=WIDTH, initial_indent="   │   ", subsequent_indent="   │   ",
                                       break_long_words=False, break_on_hyphens=False))
    return lines


def _some(emoji: frozenset[str], usual: tuple[str, ...], shown: int) -> str:
    """A few of a set of emoji, the usual ones first (a table is a set: no order of its own)."""
    order = {key: n for n, e in enumerate(usual) for key in EmojiTable.of((e,), ()).positive}
    ordered = sorted(emoji, key=lambda e: (order.get(e, len(order)), e))
    return " ".join(ordered[:shown]) + (" …" if len(ordered) > shown else "")


def render_stored_reaction(result: ReactionResult, who: str, post: str, emoji: EmojiTable, *, papers: str = "") -> str:
    """A stored reaction and what it does: more like this, fewer, or — not in ``[taste]`` — nothing.
    ``papers``: the post's papers named (' (“Title”)'), as unreact names them."""
    if result.meaning is ReactionMeaning.NEUTRAL:
        return (f"{result.emoji} noted — it doesn't change what you see. "
                f"{_some(emoji.positive, DEFAULT_POSITIVE, 3)} bring more like this, "
                f"{_some(emoji.negative, DEFAULT_NEGATIVE, 3)} fewer.")
    if result.emoji == SAVE_EMOJI and result.meaning is ReactionMeaning.POSITIVE:
        return (f"{result.emoji} {clean_text(who)} saved the paper of post {post}{papers}: /papers saved lists it "
                f"(unreact {post} {result.emoji} unsaves it); more papers like this one.")
    effect = "more papers like this one" if result.meaning is ReactionMeaning.POSITIVE else "fewer papers like this one"
    return f"{result.emoji} from {clean_text(who)} recorded on post {post}{papers}: {effect}."
