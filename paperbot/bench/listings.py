"""The six arXiv daily listings of the taste benchmark, read in date order, and their embedding cache."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bot.domain import Paper
from bot.errors import UsageError
from bot.taste.embedder import SentenceTransformerEmbedder, paper_text
from bot.taste.onnx_embedder import OnnxEmbedder
from paperbot.bench import LISTINGS_HELP


@dataclass(frozen=True)
class Day:
    day: date
    papers: list[Paper]


def load_listings(folder: str | Path) -> list[Day]:
    """``daily_arxiv_listing_YYYY-MM-DD.jsonl`` files by date; an id seen on an earlier day is skipped.

    A folder without them is a UsageError naming it and what is accepted (the CLI: one line, exit 2)."""
    files = sorted(Path(folder).glob("daily_arxiv_listing_*.jsonl"))
    if not files:
        raise UsageError(f"no arXiv listings in {folder}: pass --listings DIR, {LISTINGS_HELP}")
    seen: set[str] = set()
    days: list[Day] = []
    for file in files:
        day = date.fromisoformat(file.stem.rsplit("_", 1)[-1])
        papers = []
        for line in file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            papers.append(Paper(
                arxiv_id=row["id"], title=" ".join(row["title"].split()), abstract=" ".join((row.get("summary") or "").split()),
                authors=tuple(row.get("authors") or ()), categories=tuple(row.get("categories") or ()), announced_on=day,
            ))
        days.append(Day(day, papers))
    return days


def cached_embeddings(papers: list[Paper], embedder: SentenceTransformerEmbedder | OnnxEmbedder, cache_dir: Path | None) -> dict[str, np.ndarray]:
    """Vectors by arXiv id, through the project's embedder; cached on disk per model and text set."""
    texts = [paper_text(p) for p in papers]
    key = hashlib.sha256((embedder.model_name + "\0" + "\0".join(texts)).encode()).hexdigest()[:16]
    file = cache_dir / f"taste-{key}.npy" if cache_dir else None
    if file is not None and file.exists():
        vectors = np.load(file)
    else:
        vectors = embedder.encode_sync(texts, progress=True)
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
            np.save(file, vectors)
    return {p.arxiv_id: v for p, v in zip(papers, vectors)}
