"""The documentation's links point at files that exist in this repository, and the README stays short.

Checked: README.md, every docs/**/*.md and benchmarks/README.md. Links are markdown links and
images ``[text](target)``, reference definitions ``[id]: target``, autolinks ``<target>`` and bare
relative paths (``./…``, ``../…``, anywhere in the text, code included). A relative target, with
its ``#anchor`` stripped, must resolve — from the markdown file's folder — to a file or folder
inside the repository. ``http(s)://`` and ``mailto:`` targets and pure ``#anchors`` are not
checked for existence; absolute paths, ``file:`` URLs and paths that leave the repository fail.
An ``#anchor`` into one of these markdown files must name one of its headings.

Config keys are written as the product writes them (``[digest] count``, bot/config_words.py), not
dotted (``digest.count``): a code span in prose naming a real key with dots fails.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.config import Config
from bot.config_words import key_name

ROOT = Path(__file__).resolve().parents[1]
README_MAX_LINES = 170


def doc_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md")), ROOT / "benchmarks" / "README.md"]
    return [f for f in files if f.is_file()]


FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
AUTOLINK = re.compile(r"<((?:[a-zA-Z][a-zA-Z0-9+.-]*:|\.{1,2}/)[^<>\s]*)>")
BARE = re.compile(r"(?<![\w/.~-])(\.{1,2}/[\w./#~-]*[\w/~-])")
LOCAL_ABSOLUTE = re.compile(r"(?<![\w.:/-])(?:file://|/work/|/home/|/Users/|/root/)\S*")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
UNCHECKED = ("http://", "https://", "mailto:")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
DOTTED = re.compile(r"(?<![\w.])([a-z_]+(?:\.(?:[a-z_]+|\*))+)(?![\w.])")


def links(text: str) -> list[str]:
    """Every link target in ``text``: markdown links, references and autolinks outside fenced
    code, and bare ``./`` / ``../`` paths anywhere."""
    prose = FENCE.sub("", text)
    found = [m.group(1) for pattern in (INLINE, REFERENCE, AUTOLINK) for m in pattern.finditer(prose)]
    found += [m.group(1) for m in BARE.finditer(text)]
    return [t[1:-1] if t.startswith("<") and t.endswith(">") else t for t in found]


def problem(source: Path, target: str) -> str | None:
    """Why ``target`` (a link in ``source``) is broken, or None when it is fine."""
    if target.lower().startswith(UNCHECKED) or target.startswith("#"):
        return None
    if SCHEME.match(target):
        return "not a web link and not a path in the repository"
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    if path.startswith(("/", "~")):
        return "an absolute path: link to the file relative to this markdown file"
    resolved = (source.parent / path).resolve()
    if resolved != ROOT and ROOT not in resolved.parents:
        return "outside the repository"
    if not resolved.exists():
        return "no such file or folder"
    return None


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces → hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text.replace("`", ""))
    return text.replace(" ", "-")


def anchors(markdown: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in FENCE.sub("", markdown.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f"{base}-{n}")
    return out


def config_keys(model: type[BaseModel] = Config, tables: tuple[str, ...] = ()) -> dict[str, str]:
    """Every config key, dotted (``sources.arxiv.categories``) → as messages write it (``[sources.arxiv] categories``)."""
    keys: dict[str, str] = {}
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            keys |= config_keys(field.annotation, (*tables, name))
        elif tables:
            keys[".".join((*tables, name))] = key_name(*tables, name)
    return keys


def dotted_keys(text: str, keys: dict[str, str]) -> list[str]:
    """Config keys written with dots in ``text``'s code spans (fenced code aside); ``*`` stands for a table."""
    found = []
    for span in CODE_SPAN.finditer(FENCE.sub("", text)):
        for match in DOTTED.finditer(span.group(1)):
            pattern = re.compile(re.escape(match.group(1)).replace(r"\*", r"[a-z_]+") + "$")
            named = sorted(written for dotted, written in keys.items() if pattern.match(dotted))
            if named:
                found.append(f"`{match.group(1)}`: write {' / '.join(named[:2])}")
    return found


@pytest.mark.parametrize("source", doc_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_config_keys_are_written_as_the_product_writes_them(source: Path) -> None:
    found = dotted_keys(source.read_text(encoding="utf-8"), config_keys())
    assert not found, f"{source.relative_to(ROOT)}:\n  " + "\n  ".join(found)


def test_the_key_checker_itself() -> None:
    keys = config_keys()
    assert keys["digest.count"] == "[digest] count" and keys["sources.arxiv.categories"] == "[sources.arxiv] categories"
    text = ("set `digest.count`, `embedding.enabled = false`, `GET {discord.api_base_url}/x`, `sources.*.base_url`\n"
            "not `[digest] count`, `slack.md`, `auth.test`, `discord.slack`, `config.example.toml`\n```\ndigest.count\n```\n")
    assert [f.split("`")[1] for f in dotted_keys(text, keys)] == [
        "digest.count", "embedding.enabled", "discord.api_base_url", "sources.*.base_url"]


def test_the_documentation_files_are_there() -> None:
    names = {f.relative_to(ROOT).as_posix() for f in doc_files()}
    assert {"README.md", "benchmarks/README.md"} <= names
    assert any(n.startswith("docs/") for n in names)


@pytest.mark.parametrize("source", doc_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves_inside_the_repository(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    broken = [f"{target}: {why}" for target in links(text) if (why := problem(source, target))]
    broken += [f"{m.group(0)}: a path on one machine, not in the repository" for m in LOCAL_ABSOLUTE.finditer(text)]
    assert not broken, f"{source.relative_to(ROOT)}:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("source", doc_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_anchors_into_markdown_files_name_a_heading(source: Path) -> None:
    broken = []
    for target in links(source.read_text(encoding="utf-8")):
        if target.lower().startswith(UNCHECKED) or SCHEME.match(target) or "#" not in target:
            continue
        path, anchor = target.split("#", 1)
        markdown = (source.parent / path).resolve() if path else source
        if markdown.suffix == ".md" and markdown.is_file() and anchor not in anchors(markdown):
            broken.append(f"{target}: no heading '#{anchor}' in {markdown.relative_to(ROOT)}")
    assert not broken, f"{source.relative_to(ROOT)}:\n  " + "\n  ".join(broken)


def test_the_readme_stays_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move details to docs/ (at most {README_MAX_LINES})"


@pytest.mark.parametrize("target, fine", [
    ("docs/usage.md", True), ("docs/usage.md#the-demo", True), ("#anchor", True),
    ("https://api.slack.com/apps", True), ("mailto:someone@example.org", True),
    ("docs/nowhere.md", False), ("../shared/fixtures/arxiv_metadata", False),
    ("/work/main/README.md", False), ("file:///etc/passwd", False),
])
def test_the_checker_itself(target: str, fine: bool) -> None:
    assert (problem(ROOT / "README.md", target) is None) is fine


def test_links_are_found_in_every_form() -> None:
    text = ("[a](docs/a.md) ![img](pic.png \"title\") [`code`](../b.md#x)\n[ref]: ./c.md\n<../d.md> "
            "see ../e/f.py, or `./g.toml`.\n```\n[not](a-link.md) --listings ../h\n```\n")
    found = links(text)
    assert set(found) == {"docs/a.md", "pic.png", "../b.md#x", "./c.md", "../d.md", "../e/f.py", "./g.toml", "../h"}
    assert "a-link.md" not in found  # a markdown link inside fenced code is code, not a link
