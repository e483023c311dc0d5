"""Words of scripts written with joiners stay whole in fetched papers, as in typed and shown text.

bot.paper_bounds had a control-character rule of its own that spaced every ZWNJ and ZWJ, so a
Persian title ("می‌خواهم") or a Devanagari conjunct ("क्‍ष") from a source was stored split in two,
and a search typed from the title (bot.text keeps them) no longer matched it. It now cleans with
bot.text's rule, which also spaces what typed text already removed (U+180E, U+206A–206F, U+FFF9–FFFB).
"""
from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from bot.domain import Paper
from bot.sources.arxiv import parse_atom
from bot.sources.huggingface import parse_daily_papers
from bot.text import clean_text
from storage.store import SqlStore
from tests.harness.fixtures_paths import ARXIV_API, HF_DAY_07, load_json

PERSIAN = "می\u200cخواهم یادگیری ماشین"  # a non-joiner between the prefix and the verb
DEVANAGARI = "क्\u200dषमता और शिक्षा"  # a joiner after the virama asks for the half form
ATOM = ARXIV_API / "2026-04_id_list=1707.08567.xml"


def from_hugging_face(title: str, abstract: str, author: str) -> Paper:
    item: dict[str, Any] = copy.deepcopy(load_json(HF_DAY_07)[0])
    item.pop("title", None)
    item.pop("summary", None)  # the listing's own fields would stand in for the paper's
    item["paper"].update(title=title, summary=abstract, authors=[{"name": author}])
    (paper,) = parse_daily_papers([item], origin="test")
    return paper


def from_arxiv(title: str, abstract: str, author: str) -> Paper:
    feed = ATOM.read_text(encoding="utf-8")
    feed = re.sub(r"(<entry>.*?)<title>[^<]*</title>", lambda m: f"{m.group(1)}<title>{title}</title>", feed, count=1, flags=re.S)
    feed = re.sub(r"<summary>[^<]*</summary>", f"<summary>{abstract}</summary>", feed, count=1)
    feed = re.sub(r"<name>[^<]*</name>", f"<name>{author}</name>", feed, count=1)
    (paper, *_) = parse_atom(feed.encode())
    return paper


FETCH = [from_hugging_face, from_arxiv]


@pytest.mark.parametrize("fetch", FETCH)
@pytest.mark.parametrize("words", [PERSIAN, DEVANAGARI])
async def test_a_fetched_title_abstract_and_author_keep_their_joiners(fetch: Any, words: str, store: SqlStore) -> None:
    paper = fetch(f"{words} \u2014 a study", f"On {words}.", words)
    assert paper.title == f"{words} \u2014 a study"
    assert paper.abstract == f"On {words}."
    assert words in paper.authors
    await store.upsert_papers([paper])
    stored = (await store.get_papers([paper.arxiv_id]))[paper.arxiv_id]
    assert stored.title == paper.title and stored.authors == paper.authors
    assert clean_text(words, typed=True) in stored.title  # a search typed from the title finds it


@pytest.mark.parametrize("fetch", FETCH)
@pytest.mark.parametrize("char", ["\u180e", "\u206a", "\u206f", "\ufff9", "\ufffa", "\ufffb", "\u061c"])
def test_a_fetched_title_loses_the_format_characters_typed_text_removes(fetch: Any, char: str) -> None:
    paper = fetch(f"Trans{char}formers", "x", "A")
    assert paper.title == "Trans formers"

