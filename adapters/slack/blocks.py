"""Block Kit rendering of digests and papers, within Slack's limits, with a plain-text fallback.

A digest is ONE readable message (header, note, one section per paper with the title
linked, authors, a 1–2-line summary, upvotes/stars, the "why", the thumbnail and links).
Under it, in its thread, the adapter posts one short line per paper ("react here"): a
reaction must name one paper, so those replies are what the core records as posts.

Every field is bounded for Slack's limits (:mod:`adapters.slack.limits`) *after* it was
neutralised (escaping lengthens text), so no paper, however hostile, makes Slack refuse the
message: ≤ 50 blocks, header ≤ 150, section ≤ 3,000, context lines ≤ 2,000, image_url ≤ 3,000,
alt_text ≤ 2,000, all sections together ≤ 11,000 and the ``text`` fallback (notifications,
screen readers) ≤ 3,000. A link whose URL is unsafe or too long is left out, never cut; the
"GitHub" label links only a ``https://github.com/<owner>/<repo>`` URL, any other safe code URL
is the "code" link. Every untrusted string goes through :mod:`adapters.slack.mrkdwn`.
"""
from __future__ import annotations

from typing import Any

from adapters.slack.limits import ALT_TEXT, CONTEXT_TEXT, HEADER_TEXT, IMAGE_URL, MESSAGE_TEXT, SECTION_TEXT, fit
from adapters.slack.limits import MAX_BLOCKS as MAX_BLOCKS  # read from here by callers too
from adapters.slack.mrkdwn import github_repo, link, neutralise, neutralise_plain, safe_url
from bot.discussion.openings import continues_in
from bot.domain import Digest, Paper, RankedPaper
from bot.replies import Discussion
from bot.sentences import first_sentences
from bot.text import clean_text, format_authors, shorten

# kept for callers that read the limits from here
HEADER_LIMIT = HEADER_TEXT
SECTION_LIMIT = SECTION_TEXT
TITLE_LIMIT = 200
SUMMARY_LIMIT = 240
WHY_LIMIT = 160
NOTE_LIMIT = 300
FALLBACK_LIMIT = MESSAGE_TEXT
DIGEST_TEXT_BUDGET = 11_000  # all paper sections together, under Slack's ~12k guidance
ALT_LIMIT = min(200, ALT_TEXT)
BIG_NUMBER = 10**12  # shown as "10¹²+": a count no paper has, and whose digits would be noise
SEP = " · "

Block = dict[str, Any]


def _clip(text: str | None, limit: int) -> str:
    """The head of ``text`` that can matter for ``limit`` shown characters: cleaning a 100 kB field
    whole, for a line of 120 characters, costs milliseconds a time, seconds a digest."""
    return (text or "")[: 8 * limit + 64]


def _text(text: str | None, limit: int) -> str:
    """Untrusted text as neutralised mrkdwn in at most ``limit`` characters (after escaping)."""
    if limit <= 0:
        return ""
    return fit(neutralise(shorten(clean_text(_clip(text, limit)), limit)), limit)


def _number(value: int) -> str:
    return str(value) if -BIG_NUMBER < value < BIG_NUMBER else "10¹²+"


def _stats(paper: Paper) -> str:
    parts = []
    if paper.upvotes is not None:
        parts.append(f"▲ {_number(paper.upvotes)}")
    if paper.github_stars is not None:
        parts.append(f"★ {_number(paper.github_stars)}")
    if paper.primary_category:
        parts.append(_text(paper.primary_category, 40))
    return SEP.join(p for p in parts if p)


def _linked(url: str | None, label: str) -> str | None:
    """``<url|label>``, or None when the URL is unsafe or too long (a label without its link is noise)."""
    return link(url, label) if safe_url(url) else None


def code_link(url: str | None) -> str | None:
    """The repository link: "GitHub" for a GitHub repository, "code" for any other safe URL, else none."""
    if github_repo(url):
        return _linked(url, "GitHub")
    return _linked(url, "code")


def _links(paper: Paper, *, compact: bool = False) -> list[str]:
    links = [_linked(paper.pdf_url, "PDF")] if compact else [_linked(paper.abs_url, "arXiv"), _linked(paper.pdf_url, "PDF")]
    if paper.hf_url and not compact:
        links.append(_linked(paper.hf_url, "HF"))
    links.append(code_link(paper.github_repo))
    if not compact:
        links.append(_linked(paper.project_page, "project"))
    return [x for x in links if x]


def _meta(paper: Paper, *, compact: bool, room: int) -> str:
    """Stats and links in at most ``room`` characters: links that do not fit are left out whole."""
    stats = _stats(paper)
    parts = [stats] if stats and len(stats) <= room else []
    for token in _links(paper, compact=compact):
        if len(SEP.join([*parts, token])) <= room:
            parts.append(token)
    return SEP.join(parts)


def paper_mrkdwn(paper: Paper, *, number: int | None = None, why: str | None = None, budget: int = SECTION_TEXT) -> str:
    """One paper as mrkdwn in at most ``budget`` characters.

    The title, stats, links, authors and "why" come first; with a small budget (long digests) they
    are shorter and fewer, and the summary gets whatever room is left (dropped if too little).
    """
    compact = budget < 900
    prefix = f"{number}. " if number is not None else ""
    title_limit = 120 if compact else TITLE_LIMIT
    title = clean_text(_clip(paper.title, title_limit)) or clean_text(_clip(paper.arxiv_id, 40))[:40] or "Untitled"
    head = f"{prefix}*{link(paper.abs_url, title, limit=title_limit)}*"
    if len(head) > budget // 2:  # the link does not fit this room: the title alone
        head = f"{prefix}*{_text(title, min(title_limit, budget // 2))}*"
    room = budget - len(head) - 1
    meta = _meta(paper, compact=compact, room=min(room, budget // 2))
    room -= len(meta) + 1
    names = tuple(_clip(name, 120) for name in paper.authors)
    authors = _text(format_authors(names, limit=2 if compact else 3), min(60 if compact else 120, room))
    room -= len(authors) + 1
    why_line = ""
    if why and room > 20:
        why_line = f"_Why: {_text(why, min(60 if compact else WHY_LIMIT, room - 8))}_"
        room -= len(why_line) + 1
    summary = ""
    raw = paper.ai_summary or paper.abstract or ""
    limit = min(SUMMARY_LIMIT, room)
    if raw and limit >= 60:
        summary = fit(neutralise(first_sentences(shorten(raw, 4 * SUMMARY_LIMIT), limit)), room)
    lines = [head, authors, summary, meta, why_line]
    return fit("\n".join(x for x in lines if x), budget)


def thumbnail(paper: Paper) -> str | None:
    """The thumbnail's URL when it is safe and short enough for an image element, else None."""
    url = (paper.thumbnail_url or "").strip()
    return url if safe_url(url) and len(url) <= IMAGE_URL else None


def paper_section(paper: Paper, *, number: int | None = None, why: str | None = None, budget: int = SECTION_TEXT) -> Block:
    text = paper_mrkdwn(paper, number=number, why=why, budget=budget)
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    thumb = thumbnail(paper)
    if thumb:
        alt = shorten(neutralise_plain(_clip(paper.title, ALT_LIMIT)), ALT_LIMIT) or "thumbnail"
        block["accessory"] = {"type": "image", "image_url": thumb, "alt_text": alt}
    return block


def _header(text: str) -> Block:
    shown = shorten(neutralise_plain(_clip(text, HEADER_TEXT)), HEADER_TEXT)
    return {"type": "header", "text": {"type": "plain_text", "text": shown or "Papers", "emoji": True}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": fit(text, CONTEXT_TEXT)}]}


def digest_blocks(digest: Digest) -> list[Block]:
    blocks: list[Block] = [_header(digest.title)]
    if digest.note:
        note = _text(digest.note, NOTE_LIMIT)
        if note:
            blocks.append(_context(note))
    if not digest.items:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "No papers to show."}})
        return blocks
    room = MAX_BLOCKS - len(blocks) - 1  # keep one for the closing context line
    dividers = len(blocks) + 2 * len(digest.items) <= room
    budget = min(SECTION_TEXT, DIGEST_TEXT_BUDGET // len(digest.items))
    for number, item in enumerate(digest.items, start=1):
        if len(blocks) >= room:
            break
        blocks.append(paper_section(item.paper, number=number, why=item.why, budget=budget))
        if dividers and number < len(digest.items):
            blocks.append({"type": "divider"})
    blocks.append(_context("React to a paper's reply in the thread, or use its buttons, to teach the bot (👍 👎 ❤️ 🔥 🔖)."))
    return blocks


def digest_fallback(digest: Digest) -> str:
    """The ``text`` of the message: plain, escaped, bounded (notifications and accessibility)."""
    lines = [_text(digest.title, HEADER_TEXT)]
    for number, item in enumerate(digest.items, start=1):
        lines.append(f"{number}. {_text(item.paper.title, 120)}")
    return fit("\n".join(x for x in lines if x), FALLBACK_LIMIT) or "Papers"


def _continues(discussion: Discussion | None) -> str:
    """Where an already-discussed paper's thread is, as mrkdwn (a link when Slack gave one)."""
    if discussion is None:
        return ""
    return f"discussion continues {link(discussion.url, 'in its thread')}" if safe_url(discussion.url) else continues_in(None)


def paper_blocks(paper: Paper, why: str | None = None, discussion: Discussion | None = None) -> list[Block]:
    context = "React to this message to teach the bot (👍 👎 ❤️ 🔥)."
    if discussion is not None:
        where = _continues(discussion)
        context += f" {where[:1].upper()}{where[1:]}."  # not str.capitalize(): it would lowercase the link
    return [paper_section(paper, why=why), _context(context)]


def paper_fallback(paper: Paper) -> str:
    return _text(paper.title, 300) or "A paper"


def item_reply_text(number: int, item: RankedPaper, discussion: Discussion | None = None) -> str:
    """The short per-paper reply in the digest's thread, which reactions attach to."""
    paper = item.paper
    title = clean_text(_clip(paper.title, 150)) or "this paper"
    shown = link(paper.abs_url, title, limit=150)
    text = f"{number}. {shown} — react here to teach the bot"
    return fit(f"{text} · {_continues(discussion)}" if discussion is not None else text, MESSAGE_TEXT)
