"""The bot's first message in a paper's thread, and the thread's title — pure text, no platform.

The summary comes from the answer engine (or the abstract); every untrusted field is cleaned
here and neutralised again by the adapter for its platform.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain import Paper
from bot.plural import counted
from bot.sentences import first_sentences
from bot.text import MENTION, WORD_JOINER, clean_text, shorten

THREAD_NAME_LIMIT = 100  # Discord's limit for a thread name
_UNJOINED_MENTION = re.compile(f"{MENTION}(?!{WORD_JOINER})")


def thread_name(papers: Sequence[Paper]) -> str:
    """A thread title from the papers' titles: cleaned, mention-free, at most 100 characters."""
    if not papers:
        return "Discussion"
    title = clean_text(papers[0].title) or papers[0].arxiv_id
    if len(papers) > 1:
        title = f"{title} (+{len(papers) - 1} more)"
    # "@everyone" in a title must never ping: a word joiner after "@" keeps it readable (one, even where
    # the title held it already), and clean_text keeps it when the adapter cleans the name again.
    title = _UNJOINED_MENTION.sub(MENTION + WORD_JOINER, title).replace("<", "‹").replace(">", "›")
    return shorten(title, THREAD_NAME_LIMIT)


TITLE_CHARS = 300
SUMMARY_CHARS = 600  # an opening is one message on every platform, whatever a source sent
URL_CHARS = 300  # a longer link is left out, never cut (a cut URL is a wrong link)
_URL_RE = re.compile(r"^https?://[^\s<>\"'`|]+$", re.IGNORECASE)
_GITHUB_RE = re.compile(r"^https://github\.com/([\w.-]{1,100}/[\w.-]{1,100})/?$", re.IGNORECASE)


def shown_url(url: str | None) -> str | None:
    """An http(s) link fit to show: no spaces or quotes, at most URL_CHARS; else None (left out)."""
    text = clean_text(url).strip()
    return text if text and len(text) <= URL_CHARS and _URL_RE.match(text) else None


def opening_text(paper: Paper, summary: str, number: int | None = None) -> str:
    """Summary, links, repo and stars, HF upvotes and comments, and how to ask — bounded to one message."""
    label = f"[{number}] " if number is not None else ""
    lines = [f"{label}{shorten(clean_text(paper.title), TITLE_CHARS)} ({paper.arxiv_id})"]
    if summary:
        lines.append(f"Summary: {first_sentences(summary, SUMMARY_CHARS)}")
    links = [f"arXiv {paper.abs_url}", f"PDF {paper.pdf_url}"]
    if paper.hf_url and "huggingface" in paper.sources:
        links.append(f"Hugging Face {paper.hf_url}")
    code, project = shown_url(paper.github_repo), shown_url(paper.project_page)
    if code:
        links.append(f"code {code}")
    if project:
        links.append(f"project {project}")
    lines.append("Links: " + " · ".join(links))
    facts = []
    github = _GITHUB_RE.match(code or "")
    if github:
        facts.append(f"GitHub {github.group(1)}" + (f" ★ {paper.github_stars}" if paper.github_stars is not None else ""))
    if paper.upvotes is not None:
        facts.append(f"▲ {counted(paper.upvotes, 'upvote')}")
    if paper.num_comments is not None:
        facts.append(f"💬 {counted(paper.num_comments, 'comment')} on Hugging Face")
    if facts:
        lines.append(" · ".join(facts))
    lines.append("Mention me here with a question about this paper; I answer from its text.")
    return "\n".join(lines)


def continues_in(url: str | None) -> str:
    """The pointer a post of an already-discussed paper carries."""
    return f"Discussion continues in {url}" if url else "Discussion continues in this paper's earlier thread here"
