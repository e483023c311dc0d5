"""BibTeX and RIS exports read back by real parsers: special characters, keys, eprint fields, pages.

``bibtexparser`` (2.x) with its LaTeX-decoding middleware (pylatexenc) is what turns ``\\&`` back
into ``&``: if our escaping were wrong, the decoded title would differ, or the entry would not parse.
"""
from __future__ import annotations

from datetime import UTC, datetime

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

from bot.domain import Paper
from bot.export import bibtex, ris
from bot.export.file import ExportFormat, export_file
from bot.paging import page_text

NASTY = r"50% of $5 & #1_best {set} ~ approx ^ power \ slash"


def paper(arxiv_id: str, title: str, authors: tuple[str, ...] = ("Ada Lovelace", "Émile Borel"), **kw: object) -> Paper:
    return Paper(arxiv_id, title, abstract=kw.pop("abstract", "An abstract."), authors=authors,  # type: ignore[arg-type]
                 categories=("cs.CV", "cs.LG"), published_at=datetime(2025, 11, 6, tzinfo=UTC), **kw)  # type: ignore[arg-type]


def parse(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def decoded(value: str) -> str:
    """pylatexenc reads ``\\textasciicircum`` (which LaTeX prints as ``^``) as U+02C6 ``ˆ``."""
    return value.replace("\u02c6", "^")


def test_special_characters_round_trip_through_a_real_bibtex_parser() -> None:
    p = paper("2511.04570", f"Title {NASTY}", authors=("Ann O'Neil & Co", "Bob {Braces}"),
              abstract=f"Abstract with {NASTY}\nand a line break.")
    [entry] = parse(bibtex.entry(p, "key")).entries
    assert decoded(entry["title"]) == f"Title {NASTY}"
    assert decoded(entry["abstract"]) == f"Abstract with {NASTY} and a line break."
    assert entry["author"] == "Ann O'Neil & Co and Bob {Braces}"
    assert (entry["eprint"], entry["archivePrefix"], entry["primaryClass"]) == ("2511.04570", "arXiv", "cs.CV")
    assert entry["year"] == "2025" and entry["url"] == "https://arxiv.org/abs/2511.04570" and entry.entry_type == "misc"


def test_an_unbalanced_brace_cannot_end_a_field_early() -> None:
    p = paper("2511.00001", "Evil } title = {pwned", abstract="}}} @misc{x, title={y}")
    library = parse(bibtex.entry(p, "k"))
    assert len(library.entries) == 1
    assert library.entries[0]["title"] == "Evil } title = {pwned"


def test_keys_are_readable_unique_and_stable() -> None:
    papers = [paper("2511.00002", "The Diffusion of Things"), paper("2511.00001", "Diffusion models"),
              paper("2511.00003", "A study", authors=("Jürgen Schmidhuber",)), paper("2511.00004", "Ünïcode", authors=())]
    keys = bibtex.citation_keys(papers)
    assert keys == {"2511.00001": "lovelace2025diffusion", "2511.00002": "lovelace2025diffusiona",
                    "2511.00003": "schmidhuber2025study", "2511.00004": "anon2025unicode"}
    assert bibtex.citation_keys(reversed(papers)) == keys  # the order saved does not change a key
    library = parse("\n\n".join(bibtex.entries(papers)))
    assert sorted(e.key for e in library.entries) == sorted(keys.values())


def test_a_thousand_colliding_keys_stay_unique() -> None:
    same = [paper(f"2511.{n:05d}", "Deep learning") for n in range(1000)]
    keys = bibtex.citation_keys(same)
    assert len(set(keys.values())) == 1000 and keys["2511.00000"] == "lovelace2025deep"
    assert keys["2511.00001"] == "lovelace2025deepa" and keys["2511.00027"] == "lovelace2025deepaa"


def test_ris_records_parse_with_rispy() -> None:
    papers = [paper("2511.04570", f"Title {NASTY}", abstract="line one\nline two"), paper("2511.00001", "Second", authors=())]
    records = rispy.loads("\n".join(ris.records(papers)) + "\n")
    assert len(records) == 2
    first = records[0]
    assert first["type_of_reference"] == "GEN" and first["title"] == f"Title {NASTY}"
    assert first["authors"] == ["Ada Lovelace", "Émile Borel"] and first["year"] == "2025"
    assert first["urls"] == ["https://arxiv.org/abs/2511.04570"] and first["abstract"] == "line one line two"
    assert "authors" not in records[1]
    for line in "\n".join(ris.records(papers)).splitlines():  # the strict form: "XX  - value", ER closing
        assert len(line) >= 6 and line[2:6] == "  - " and line[:2].isalnum()


@pytest.mark.parametrize("fmt", list(ExportFormat))
@pytest.mark.parametrize("limit", [2000, 3000])
def test_an_export_shown_inline_is_pages_of_whole_entries_within_the_limit(fmt: ExportFormat, limit: int) -> None:
    many = tuple(f"Author {n}" for n in range(40))
    papers = [paper(f"2511.{n:05d}", f"Paper number {n} on {NASTY}", authors=many, abstract="word " * 300) for n in range(12)]
    reply = export_file(papers, fmt, day=datetime(2025, 11, 9).date())
    texts = [page_text(reply.inline, limit)]
    total = int(texts[0].split("Page 1 of ")[1].split(" ")[0])
    for n in range(2, total + 1):
        texts.append(page_text(export_file(papers, fmt, day=datetime(2025, 11, 9).date(), page=n).inline, limit))
    assert all(len(t) <= limit for t in texts)
    assert f"Next: /papers export {fmt.value} 2" in texts[0] and "Next:" not in texts[-1]
    blocks = [t.split("```\n", 1)[1].rsplit("\n```", 1)[0] for t in texts]
    if fmt is ExportFormat.BIBTEX:
        found = [e["eprint"] for b in blocks for e in parse(b).entries]
    else:
        found = [r["urls"][0].rsplit("/", 1)[1] for b in blocks for r in rispy.loads(b + "\n")]
    assert sorted(found) == sorted(p.arxiv_id for p in papers)  # every paper once, each page valid on its own
    # the whole file is complete (all authors, abstracts), whatever the pages had to leave out
    assert reply.data.decode().count("Author 39") == 12


def test_the_file_is_named_and_summarised() -> None:
    reply = export_file([paper("2511.00001", "One")], ExportFormat.BIBTEX, day=datetime(2025, 11, 9).date())
    assert (reply.filename, reply.summary) == ("paperbot-saved-2025-11-09.bib", "BibTeX export of your 1 saved paper.")
    assert page_text(reply.inline, 2000).startswith("BibTeX export of your 1 saved paper. Copy it into a .bib file")


def test_a_long_entry_is_cut_before_escaping_so_no_escape_is_broken() -> None:
    import re

    from adapters.discord import saved as discord_saved
    from adapters.slack import saved as slack_saved
    from bot.replies import PagedReply

    huge = "x & y <!channel> `code` *bold* " * 400 + "https://arxiv.org/abs/2511.00001"
    reply = PagedReply("Your saved papers (2):", (huge, "2. short & sweet"), next_page="/papers saved {page}")
    slack = slack_saved.paged_text(reply)
    assert len(slack) <= 3000 and "<!channel>" not in slack
    assert not re.search(r"&(?!amp;|lt;|gt;)", slack)  # every & is a whole entity
    discord = discord_saved.paged_text(reply)
    assert len(discord) <= 2000 and "<!channel>" not in discord and discord.endswith("2\\. short & sweet")


def test_a_name_with_and_or_a_collaboration_is_one_author_and_keys_use_the_real_surname() -> None:
    groups = paper("2511.00010", "Combined Higgs results", authors=("ATLAS and CMS Collaborations", "Ada Lovelace"))
    pair = paper("2511.00011", "A url shortener", authors=("Smith and Jones",))
    team = paper("2511.00012", "Gemini", authors=("The Gemini Team",))
    affiliated = paper("2511.00013", "Deep nets", authors=("John Smith (MIT)",))
    dotted = paper("2511.00014", "Deep nets", authors=("J.Smith",))
    suffixed = paper("2511.00015", "Graphs", authors=("Wei Zhang Jr.",))
    text = "\n\n".join(bibtex.entries([groups, pair, team, affiliated, dotted, suffixed]))
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not library.failed_blocks
    by_key = {e.key: e for e in library.entries}
    assert set(by_key) == {"atlas2025combined", "smith2025url", "gemini2025gemini", "smith2025deep", "smith2025deepa",
                          "zhang2025graphs"}
    atlas, ada = by_key["atlas2025combined"]["author"]
    assert (atlas.last, atlas.first, ada.last) == (["{ATLAS and CMS Collaborations}"], [], ["Lovelace"])
    [pair_author] = by_key["smith2025url"]["author"]
    assert pair_author.last == ["{Smith and Jones}"]
    [smith] = by_key["smith2025deep"]["author"]  # the affiliation is not part of the name
    assert (smith.first, smith.last) == (["John"], ["Smith"])


def test_ris_gives_a_group_as_one_name_and_leaves_affiliations_out() -> None:
    record = ris.record(paper("2511.00010", "Combined", authors=("ATLAS and CMS Collaborations", "John Smith (MIT)")))
    [parsed] = rispy.loads(record + "\n")
    assert parsed["authors"] == ["ATLAS and CMS Collaborations,", "John Smith"]
