"""A paper's full text from arXiv's HTML rendering (LaTeXML), as sections of plain text.

``GET {base_url}/html/{arxiv_id}[v{version}]``. Papers without an HTML rendering answer 404:
that is ``None`` (the answer then uses the abstract only), not an error. Timeouts and 5xx go
through :class:`bot.sources.http.HttpFetcher`'s retries and end as an ``HttpError``.

Parsing keeps what a reader would quote: section titles (``h2``/``h3`` of class
``ltx_title``) and paragraphs (``p.ltx_p``). Math becomes its TeX source (``$…$``, from the
``alttext``), never the MathML tokens; the bibliography, footnotes, figures, tables, the
abstract (we have it already), author blocks and page chrome are dropped. PDF text is not
extracted: a paper without HTML is answered from its abstract.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Protocol

from bot.sources.http import HttpError, HttpFetcher
from bot.text import clean_text

_log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://arxiv.org"
MAX_CHARS = 400_000  # a safety cap on what one paper may contribute (long appendices)


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class FullText:
    arxiv_id: str
    version: int | None
    sections: tuple[Section, ...]

    @property
    def empty(self) -> bool:
        return not any(section.paragraphs for section in self.sections)


class FullTextSource(Protocol):
    """Anything that can give a paper's full text, or None when there is none."""

    async def fetch(self, arxiv_id: str, version: int | None = None) -> FullText | None: ...


class ArxivHtmlSource:
    """Fetches and parses arXiv's HTML pages (no caching: wrap it in ``CachedFullText``)."""

    def __init__(self, fetcher: HttpFetcher, *, base_url: str = DEFAULT_BASE_URL) -> None:
        self._fetcher = fetcher
        self.base_url = base_url.rstrip("/")

    def url(self, arxiv_id: str, version: int | None = None) -> str:
        return f"{self.base_url}/html/{arxiv_id}" + (f"v{version}" if version else "")

    async def fetch(self, arxiv_id: str, version: int | None = None) -> FullText | None:
        url = self.url(arxiv_id, version)
        try:
            response = await self._fetcher.get(url, headers={"Accept": "text/html"})
        except HttpError as exc:
            if exc.status in (404, 410):
                _log.info("no HTML full text for %s at %s", arxiv_id, url)
                return None
            raise
        full = parse_latexml(response.text(), arxiv_id=arxiv_id, version=version)
        if full.empty:
            _log.info("the HTML page of %s has no LaTeXML paragraphs; using the abstract only", arxiv_id)
            return None
        return full


def parse_latexml(html: str, *, arxiv_id: str = "", version: int | None = None) -> FullText:
    """Sections of plain text from a LaTeXML page (see the module docstring for what is kept)."""
    parser = _LatexmlParser()
    parser.feed(html)
    parser.close()
    return FullText(arxiv_id, version, tuple(parser.sections()))


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_SKIP_TAGS = frozenset({"script", "style", "nav", "header", "footer", "figure", "table", "button", "svg", "noscript"})
_SKIP_CLASSES = frozenset({
    "ltx_bibliography", "ltx_biblist", "ltx_abstract", "ltx_authors", "ltx_dates", "ltx_note", "ltx_ERROR",
    "ltx_page_header", "ltx_page_footer", "ltx_figure", "ltx_table", "ltx_float", "ltx_TOC", "ltx_keywords",
    "ltx_classification", "ltx_acknowledgements",
})


@dataclass
class _Open:
    tag: str
    skip: bool = False
    title: bool = False
    para: bool = False


class _LatexmlParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[_Open] = []
        self._skipping = 0
        self._title: list[str] | None = None
        self._para: list[str] | None = None
        self._sections: list[tuple[str, list[str]]] = [("", [])]
        self._chars = 0

    def sections(self) -> list[Section]:
        return [Section(title, tuple(paras)) for title, paras in self._sections if paras]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        entry = _Open(tag)
        if self._skipping or tag in _SKIP_TAGS or classes & _SKIP_CLASSES:
            entry.skip = True
        elif tag == "math":
            alttext = dict(attrs).get("alttext")
            if alttext and (self._para is not None or self._title is not None):
                self._text(f" ${clean_text(alttext)}$ ")
            entry.skip = True  # the MathML inside is noise for quoting
        elif tag in ("h2", "h3") and "ltx_title" in classes:
            entry.title, self._title = True, []
        elif tag == "p" and "ltx_p" in classes and self._para is None and self._title is None:
            entry.para, self._para = True, []
        if entry.skip:
            self._skipping += 1
        self._stack.append(entry)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(e.tag == tag for e in self._stack):
            return  # a stray end tag: ignore rather than unwind the stack
        while self._stack:
            entry = self._stack.pop()
            self._close(entry)
            if entry.tag == tag:
                break

    def close(self) -> None:
        super().close()
        while self._stack:
            self._close(self._stack.pop())

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._text(data)

    def _text(self, data: str) -> None:
        target = self._para if self._para is not None else self._title
        if target is not None:
            target.append(data)

    def _close(self, entry: _Open) -> None:
        if entry.skip:
            self._skipping -= 1
        if entry.title and self._title is not None:
            self._sections.append((clean_text("".join(self._title)), []))
            self._title = None
        if entry.para and self._para is not None:
            text = clean_text("".join(self._para))
            self._para = None
            if text and self._chars < MAX_CHARS:
                self._chars += len(text)
                self._sections[-1][1].append(text)
