"""The hostile-input suite, sources' part: generated and crafted payloads through the REAL parsers,
HttpFetcher against the local PaperServer, and the real store.

Asserted for every input: nothing but SourceError leaves a parser or a client, every Paper made
meets the bounds (checked here field by field, not by asking ``bot.paper_bounds``), and the papers
store on SQLite and on PostgreSQL (int4, NUL, String(64)). Each input is counted in
``tests.harness.tally.HOSTILE``.
"""
from __future__ import annotations

import copy
import json
import math
import re
import time
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.arxiv_ids import try_parse_arxiv_id
from bot.domain import Paper
from bot.errors import SourceError
from bot.paper_bounds import check_paper
from bot.sources.arxiv import ArxivClient, parse_atom, parse_rss
from bot.sources.huggingface import HuggingFaceClient, parse_daily_papers
from bot.text import kept_in_place
from storage.store import SqlStore
from tests.harness.clocks import RecordingSleep
from tests.harness.fixtures_paths import ARXIV_API, HF_DAY_07, RSS_4_ITEMS, load_json
from tests.harness.paper_server import PaperServer, Reply
from tests.harness.tally import HOSTILE

pytestmark = pytest.mark.hostile

DAY = date(2025, 11, 7)
EXAMPLES = settings(
    max_examples=200, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def invisible(char: str) -> bool:
    """A character that shows nothing of its own (controls, format characters, surrogates, line and
    paragraph separators, variation selectors): each can hide or smuggle text. Newlines are
    checked apart (abstracts keep them)."""
    return char != "\n" and (unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")
                             or unicodedata.name(char, "").startswith("VARIATION SELECTOR"))


def hidden(text: str) -> list[str]:
    """The invisible characters of ``text`` that the text rule does not keep where they sit (a joiner
    inside a Persian or Indic word, or an emoji sequence, is kept: bot.text.kept_in_place)."""
    return [f"U+{ord(c):04X}" for at, c in enumerate(text) if invisible(c) and not kept_in_place(text, at)]


# ---- what every produced paper must be (the brief's bounds, written out independently) ---------


def out_of_bounds(paper: Paper, today: date | None = None) -> list[str]:
    """Every way ``paper`` breaks the bounds; [] when it meets them all."""
    last = (today or datetime.now(UTC).date()) + timedelta(days=2)
    wrong: list[str] = []

    def text(name: str, value: object, limit: int, *, optional: bool = False, newlines: bool = False) -> None:
        if optional and value is None:
            return
        if not isinstance(value, str):
            wrong.append(f"{name} is not text")
        elif len(value) > limit or (not newlines and "\n" in value):
            wrong.append(f"{name} too long or has a line break")
        elif hidden(value):
            wrong.append(f"{name} has invisible characters {hidden(value)[:5]}")

    parsed = try_parse_arxiv_id(paper.arxiv_id) if isinstance(paper.arxiv_id, str) else None
    if parsed is None or parsed.id != paper.arxiv_id or parsed.version is not None or len(paper.arxiv_id) > 64:
        wrong.append("arxiv_id is not canonical")
    text("title", paper.title, 1000)
    if isinstance(paper.title, str) and not paper.title:
        wrong.append("title is empty")
    text("abstract", paper.abstract, 20_000, newlines=True)
    text("ai_summary", paper.ai_summary, 2000, optional=True)
    for name in ("upvotes", "num_comments", "github_stars"):
        value = getattr(paper, name)
        if value is not None and not (type(value) is int and 0 <= value <= 2**31 - 1):
            wrong.append(f"{name} out of int4")
    if paper.version is not None and not (type(paper.version) is int and 1 <= paper.version <= 50):
        wrong.append("version implausible")
    for name in ("published_at", "updated_at"):
        value = getattr(paper, name)
        if value is not None and not (isinstance(value, datetime) and value.tzinfo is UTC and date(1991, 1, 1) <= value.date() <= last):
            wrong.append(f"{name} implausible")
    day = paper.announced_on
    if day is not None and not (type(day) is date and date(1991, 1, 1) <= day <= last):
        wrong.append("announced_on implausible")
    for name, most, limit in (("authors", 500, 200), ("categories", 30, 40), ("ai_keywords", 50, 100)):
        values = getattr(paper, name)
        if not isinstance(values, tuple) or len(values) > most:
            wrong.append(f"{name} not a bounded tuple")
            continue
        for value in values:
            text(name, value, limit)
    for name in ("github_repo", "project_page", "thumbnail_url"):
        value = getattr(paper, name)
        if value is not None and not (isinstance(value, str) and re.fullmatch(r"https?://[^\s]{1,2040}", value, re.IGNORECASE)
                                      and not any(invisible(c) for c in value)):
            wrong.append(f"{name} is not a clean http(s) URL")
    if not isinstance(paper.sources, frozenset) or not all(isinstance(s, str) and 0 < len(s) <= 40 for s in paper.sources):
        wrong.append("sources")
    if not wrong and check_paper(paper).problems:
        wrong.append(f"bounding again would change it: {check_paper(paper).problems}")
    return wrong


# ---- generated Hugging Face items ----------------------------------------------------------------

HOSTILE_STRINGS = [
    "", " ", "\x00", "a\x00b", "\ud800", "\u202eevil", "\x1b[31mred", "NaN", "Infinity", "-0", "1e309", "null",
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00Z", "2025-13-45", "javascript:alert(1)", "https://ok.example/x",
    "https://github.com/x\x00y", "http://a b", "A" * 30_000, "word " * 6_000, "\n" * 5_000, "é" * 3_000,
]
LEAF = (
    st.none() | st.booleans() | st.integers() | st.sampled_from([10**20, 2**31, 2**31 - 1, -1, -(2**63), 10**400])
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40) | st.sampled_from(HOSTILE_STRINGS)
)
JUNK = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=10)
GOOD_IDS = st.sampled_from(["2511.04570", "2511.04570v3", "2511.04570v99", "hep-th/9901001", "math.GT/0309136",
                            "https://arxiv.org/abs/2511.03773v2", "2511.99999"]) | st.integers(1000, 99999).map(lambda n: f"2511.{n:05d}")
IDS = st.one_of(GOOD_IDS, GOOD_IDS, GOOD_IDS, st.sampled_from(["a" + "b" * 70 + "/9901001", "2511.0457\x00", "2511.04570v" + "9" * 30]))
STAMPS = st.sampled_from(["2025-11-07T00:00:00.000Z", "2025-11-06T17:25:23.000Z", "9999-12-31T23:59:59-12:00",
                          "0001-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "1990-12-31T23:00:00+05:00"]) \
    | st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(lambda d: d.isoformat() + "Z") \
    | st.integers()
COUNTS = st.integers() | st.sampled_from([0, 5, 2**31 - 1, 2**31, 10**20, -1])
URLS = st.sampled_from(["https://github.com/a/b", "http://x.example", "ftp://x", "https://x.example/" + "p" * 3000,
                        "https://github.com/x\x00y", " https://github.com/a/b ", "https://[::1", "javascript:alert(1)"]) | st.text(max_size=30)
TEXT = st.text(max_size=60) | st.sampled_from(HOSTILE_STRINGS)
AUTHORS = st.lists(st.fixed_dictionaries({}, optional={"name": TEXT | JUNK, "hidden": st.booleans() | JUNK}), max_size=5) \
    | st.just([{"name": f"Author {n}"} for n in range(700)])


PAPER_VALID = {
    "id": IDS, "title": st.text(min_size=1, max_size=60) | st.sampled_from(HOSTILE_STRINGS), "summary": TEXT, "authors": AUTHORS, "publishedAt": STAMPS, "submittedOnDailyAt": STAMPS,
    "upvotes": COUNTS, "numComments": COUNTS, "githubRepo": URLS, "githubStars": COUNTS, "projectPage": URLS, "ai_summary": TEXT,
    "ai_keywords": st.lists(TEXT, max_size=4) | st.just([f"k{n}" for n in range(90)]),
}


@st.composite
def with_junk(draw: st.DrawFn, valid: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...]) -> dict[str, Any]:
    """An object of mostly plausible fields (so items get past validation and meet the bounds) with up to two
    fields replaced by arbitrary JSON."""
    fields = draw(st.fixed_dictionaries({k: valid[k] for k in required}, optional={k: v for k, v in valid.items() if k not in required}))
    for name in draw(st.lists(st.sampled_from(sorted(valid)), max_size=2, unique=True)):
        fields[name] = draw(JUNK)
    return fields


PAPER_FIELDS = with_junk(PAPER_VALID, ("id", "title"))
DAILY_VALID = {"paper": PAPER_FIELDS, "thumbnail": URLS, "numComments": COUNTS, "title": TEXT, "summary": TEXT}
ITEMS = st.one_of(
    with_junk(DAILY_VALID, ("paper",)),
    with_junk(DAILY_VALID, ("paper",)),
    PAPER_FIELDS,  # a flat /api/papers object
    JUNK,
)
PAYLOADS = st.lists(ITEMS, max_size=6)


def _describe(payload: object) -> str:
    return json.dumps(payload, default=repr)[:300] if not isinstance(payload, bytes) else repr(payload[:300])


def _parse_hf(payload: Any) -> list[Paper] | None:
    """The real parser on ``payload``; None for a SourceError. Records the input in the tally."""
    try:
        papers = parse_daily_papers(payload, fallback_day=DAY, origin="hostile")
    except SourceError:
        HOSTILE.tried()
        return None
    except Exception as exc:
        HOSTILE.failed(f"HF parser raised {type(exc).__name__}: {exc} on {_describe(payload)}")
        raise
    broken = {p.arxiv_id: out_of_bounds(p) for p in papers if out_of_bounds(p)}
    if broken:
        HOSTILE.failed(f"HF parser made papers out of bounds {broken} from {_describe(payload)}")
        raise AssertionError(broken)
    HOSTILE.tried()
    return papers


async def _store_each(store: SqlStore, batches: list[tuple[object, list[Paper]]]) -> None:
    """Each example's papers stored as one batch (merging with what earlier ones stored)."""
    for payload, papers in batches:
        try:
            await store.upsert_papers(papers)
        except Exception as exc:
            HOSTILE.failed(f"storing papers from {_describe(payload)} failed: {type(exc).__name__}: {str(exc)[:200]}")
            raise
    for paper in (await store.get_papers([p.arxiv_id for _, papers in batches for p in papers])).values():
        assert out_of_bounds(paper) == [], paper  # and what came back (merged) is still within bounds


_MADE: list[tuple[object, list[Paper]]] = []


def generated_hf_papers() -> list[tuple[object, list[Paper]]]:
    """The generated payloads' papers (parsed and checked once; both databases store the same ones)."""
    if not _MADE:
        made: list[tuple[object, list[Paper]]] = []

        @EXAMPLES
        @given(PAYLOADS)
        def parse(payload: list[Any]) -> None:
            papers = _parse_hf(payload)
            if papers:
                made.append((payload, papers))

        parse()
        _MADE.extend(made)
    return _MADE


async def test_generated_hugging_face_items_parse_within_bounds_and_store(store: SqlStore) -> None:
    made = generated_hf_papers()
    assert sum(len(papers) for _, papers in made) >= 50  # the strategy does reach the bounds, not only refusals
    await _store_each(store, made)


async def test_generated_payloads_over_http_end_in_papers_or_a_source_error(server: PaperServer, sleep: RecordingSleep) -> None:
    """The same kind of payloads served by the fake Hugging Face, through HttpFetcher and the client."""
    served: list[Any] = []

    @settings(EXAMPLES, max_examples=40)
    @given(PAYLOADS | JUNK)
    def collect(payload: Any) -> None:
        served.append(payload)

    collect()
    async with HuggingFaceClient(server.base_url, max_retries=0, sleep=sleep) as hf:
        for payload in served:
            server.route("/api/daily_papers", Reply(json.dumps(payload).encode()))
            try:
                papers = await hf.fetch_day(DAY)
            except SourceError:
                HOSTILE.tried()
                continue
            except Exception as exc:
                HOSTILE.failed(f"HF client raised {type(exc).__name__}: {exc} on {_describe(payload)}")
                raise
            assert all(out_of_bounds(p) == [] for p in papers)
            HOSTILE.tried()


# ---- crafted bodies over HTTP --------------------------------------------------------------------

def entity_bomb(levels: int) -> bytes:
    """An RSS feed whose title expands to 3 * 10**(levels - 1) characters ("billion laughs" at 10)."""
    entities = b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, levels))
    return (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + entities + b']><rss version="2.0"><channel><item>'
            b"<title>&lol%d;</title><guid>oai:arXiv.org:2511.04570v1</guid></item></channel></rss>" % (levels - 1))
CRAFTED_BODIES = [
    b"", b"null", b"{}", b'"text"', b"42", b"[" * 200_000, b"[" + b"9" * 5_000 + b"]", b"[1e999999]", b"[NaN, Infinity]",
    b"\xff\xfe\x00\x00", b"<html><body>502 Bad Gateway</body></html>", b'[{"paper": {"id": "2511.04570", "title": "\\u0000"}}]', entity_bomb(6),
    b'[{"paper": {"id": "2511.04570", "title": "ok", "upvotes": 1' + b"0" * 4_400 + b"}}]",
    b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id></entry></feed>",
    b"\x1f\x8b\x08\x00garbage",
]


@pytest.mark.parametrize("index", range(len(CRAFTED_BODIES)))
async def test_crafted_bodies_end_in_papers_or_a_source_error_for_every_source(
    index: int, server: PaperServer, sleep: RecordingSleep
) -> None:
    body = CRAFTED_BODIES[index]
    server.route("/api/daily_papers", Reply(body))
    server.route("/rss/cs.LG", Reply(body, content_type="application/rss+xml"))
    server.route("/api/query", Reply(body, content_type="application/atom+xml"))
    async with HuggingFaceClient(server.base_url, max_retries=0, sleep=sleep) as hf, \
            ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, categories=["cs.LG"], min_interval=0,
                        max_retries=0, sleep=sleep) as arxiv:
        for call in (lambda: hf.fetch_day(DAY), lambda: arxiv.fetch_new(), lambda: arxiv.lookup(["2511.04570"]),
                     lambda: hf.fetch_paper("2511.04570")):
            try:
                result = await call()
            except SourceError:
                HOSTILE.tried()
                continue
            except Exception as exc:
                HOSTILE.failed(f"a source raised {type(exc).__name__} on crafted body {index}: {_describe(body)}")
                raise
            papers = result if isinstance(result, list) else [result] if result is not None else []
            assert all(out_of_bounds(p) == [] for p in papers)
            HOSTILE.tried()


# ---- generated arXiv entries ---------------------------------------------------------------------

XML_TEXT = st.text(max_size=40) | st.sampled_from(HOSTILE_STRINGS + ["]]>", "&amp;", "&#0;", "&unknown;", "<b>x</b>"])
ATOM_ENTRY = st.fixed_dictionaries({
    "id": st.sampled_from(["http://arxiv.org/abs/2511.04570v1", "http://arxiv.org/abs/2511.04570v99", "x", ""]) | XML_TEXT,
    "title": XML_TEXT, "summary": XML_TEXT, "published": STAMPS.map(str) | XML_TEXT, "updated": STAMPS.map(str) | XML_TEXT,
    "authors": st.lists(XML_TEXT, max_size=3), "terms": st.lists(XML_TEXT, max_size=3),
    "raw": st.booleans(),  # raw: the text goes in unescaped, so the feed may be broken XML
})


def _atom(entry: dict[str, Any]) -> bytes:
    put = (lambda s: s) if entry["raw"] else escape

    authors = "".join(f"<author><name>{put(a)}</name></author>" for a in entry["authors"])
    terms = "".join(f'<category term="{escape(t, {chr(34): "&quot;"})}"/>' for t in entry["terms"])
    return (
        "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' xmlns:arxiv='http://arxiv.org/schemas/atom'>"
        f"<entry><id>{put(entry['id'])}</id><title>{put(entry['title'])}</title><summary>{put(entry['summary'])}</summary>"
        f"<published>{put(entry['published'])}</published><updated>{put(entry['updated'])}</updated>{authors}{terms}</entry></feed>"
    ).encode("utf-8", errors="surrogatepass")


RSS_ITEM = st.fixed_dictionaries({
    "guid": st.sampled_from(["2511.04570v1", "2511.04570v99", "hep-th/9901001v2", "a" + "b" * 70 + "/9901001v1"])
    | st.integers(1000, 99999).map(lambda n: f"2511.{n:05d}v1") | XML_TEXT,
    "title": XML_TEXT, "abstract": XML_TEXT, "type": st.sampled_from(["new", "cross", "replace"]) | XML_TEXT,
    "pubDate": st.sampled_from(["Fri, 07 Nov 2025 00:00:00 -0500", "Thu, 01 Jan 1970 00:00:00 -0000", "Fri, 31 Dec 9999 23:59:59 -1200"])
    | XML_TEXT, "creators": st.lists(XML_TEXT, max_size=3), "terms": st.lists(XML_TEXT, max_size=3), "raw": st.booleans(),
})


def _rss(item: dict[str, Any]) -> bytes:
    put = (lambda s: s) if item["raw"] else escape
    terms = "".join(f"<category>{put(t)}</category>" for t in item["terms"])
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss xmlns:arxiv='http://arxiv.org/schemas/atom' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/' version='2.0'><channel><title>cs.LG updates on arXiv.org</title>"
        "<pubDate>Fri, 07 Nov 2025 00:00:00 -0500</pubDate>"
        f"<item><title>{put(item['title'])}</title><link>https://arxiv.org/abs/{put(item['guid'])}</link>"
        f"<description>arXiv:{put(item['guid'])} Announce Type: {put(item['type'])} Abstract: {put(item['abstract'])}</description>"
        f"<guid isPermaLink='false'>oai:arXiv.org:{put(item['guid'])}</guid>{terms}<pubDate>{put(item['pubDate'])}</pubDate>"
        f"<arxiv:announce_type>{put(item['type'])}</arxiv:announce_type><dc:creator>{put(', '.join(item['creators']))}</dc:creator>"
        "</item></channel></rss>"
    ).encode("utf-8", errors="surrogatepass")


def _parse_feed(kind: str, body: bytes) -> None:
    try:
        papers = parse_atom(body) if kind == "atom" else [e.paper for e in parse_rss(body).entries]
    except SourceError:
        HOSTILE.tried()
        return
    except Exception as exc:
        HOSTILE.failed(f"{kind} parser raised {type(exc).__name__}: {exc} on {body[:300]!r}")
        raise
    broken = {p.arxiv_id: out_of_bounds(p) for p in papers if out_of_bounds(p)}
    if broken:
        HOSTILE.failed(f"{kind} parser made papers out of bounds {broken} from {body[:300]!r}")
        raise AssertionError(broken)
    HOSTILE.tried()


@settings(EXAMPLES, max_examples=150)
@given(ATOM_ENTRY)
def test_generated_arxiv_api_entries_parse_within_bounds(entry: dict[str, Any]) -> None:
    _parse_feed("atom", _atom(entry))


@settings(EXAMPLES, max_examples=150)
@given(RSS_ITEM)
def test_generated_arxiv_rss_items_parse_within_bounds(item: dict[str, Any]) -> None:
    _parse_feed("rss", _rss(item))


@settings(EXAMPLES, max_examples=100)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_a_parser(body: bytes) -> None:
    for kind in ("atom", "rss"):
        _parse_feed(kind, body)
    try:
        papers = parse_daily_papers(json.loads(body), origin="bytes")
    except (ValueError, RecursionError):  # not JSON: the fetcher's SourceError, tested above
        HOSTILE.tried()
        return
    except SourceError:
        HOSTILE.tried()
        return
    assert all(out_of_bounds(p) == [] for p in papers)
    HOSTILE.tried()


@pytest.mark.parametrize("creator", ["A" * 100_000, "&#65;" * 100_000, "<![CDATA[" + "a.b-c" * 40_000 + "]]>"])
def test_a_huge_author_field_is_read_in_linear_time(creator: str) -> None:
    """feedparser's e-mail regex is quadratic in such a run: 100,000 letters took it ~35 s, blocking the loop."""
    feed = RSS_4_ITEMS.read_text(encoding="utf-8").replace("<dc:creator>", f"<dc:creator>{creator}, ", 1)
    started = time.monotonic()
    _parse_feed("rss", feed.encode())
    atom = (ARXIV_API / "2026-04_id_list=1707.08567.xml").read_text(encoding="utf-8").replace("<name>", f"<name>{creator}", 1)
    _parse_feed("atom", atom.replace("<author>", f"<author>{creator}", 1).encode())
    assert time.monotonic() - started < 2


def test_billion_laughs_is_refused_or_bounded_quickly() -> None:
    """expat stops the expansion (its amplification limit); what is left is one bounded paper at most."""
    started = time.monotonic()
    _parse_feed("rss", entity_bomb(10))
    assert time.monotonic() - started < 5


def test_the_recorded_payloads_meet_the_bounds_unchanged() -> None:
    """The bounds refuse junk, not real data: every recorded paper passes untouched."""
    papers = parse_daily_papers(load_json(HF_DAY_07)) + parse_atom((ARXIV_API / "2026-04_id_list=1707.08567.xml").read_bytes())
    papers += [e.paper for e in parse_rss(RSS_4_ITEMS.read_bytes()).entries]
    for paper in papers:
        assert out_of_bounds(paper) == [] and check_paper(paper).problems == ()
    HOSTILE.tried(len(papers))
    assert not any(math.isnan(p.upvotes or 0) for p in papers)
    assert copy.deepcopy(papers) == papers
