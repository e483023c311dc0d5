"""Saved papers in `paperbot demo`: `react N 🔖` saves, `/papers saved` lists, `/papers export` writes the
file into the demo's data folder and prints its path — and that file is what a reference manager reads.

A real `paperbot demo` process with piped input, its data in a tmp folder; the hash embedder stands in
for the model.
"""
from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import rispy

from tests.harness.demo import run_demo


def test_save_list_export_and_unsave_in_the_demo(tmp_path: Path) -> None:
    result = run_demo(tmp_path, "\n".join([
        "react 1 🔖", "react 2 bookmark", "/papers saved", "/papers export bibtex", "/papers export ris",
        "unreact 1 🔖", "/papers saved", "quit",
    ]) + "\n", embedder="hash")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"🔖 you saved the paper of post 1 \(“[^”]+”\): /papers saved lists it", out)
    first_listing = out.split("> /papers saved\n")[1].split("> ")[0]
    assert first_listing.startswith("Your saved papers (2):") and first_listing.count("https://arxiv.org/abs/") == 2

    folder = tmp_path / "data" / "paperbot"
    paths = re.findall(r"^Written to (.+)$", out, flags=re.MULTILINE)
    assert len(paths) == 2 and all(Path(p).parent == folder for p in paths)
    bib, ris = (Path(p) for p in paths)
    assert bib.suffix == ".bib" and ris.suffix == ".ris"
    assert "BibTeX export of your 2 saved papers.\nWritten to " in out
    library = bibtexparser.parse_string(bib.read_text(encoding="utf-8"))
    assert not library.failed_blocks
    eprints = {e["eprint"] for e in library.entries}
    assert len(eprints) == 2 and all(e["archivePrefix"] == "arXiv" and e["abstract"] for e in library.entries)
    records = rispy.loads(ris.read_text(encoding="utf-8"))
    assert {r["urls"][0].rsplit("/", 1)[1] for r in records} == eprints

    last_listing = out.rsplit("> /papers saved\n", 1)[1].split("> ")[0]
    assert last_listing.startswith("Your saved papers (1):") and last_listing.count("https://arxiv.org/abs/") == 1
