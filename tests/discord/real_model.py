"""One loaded all-MiniLM-L6-v2 for the Discord and Slack thread tests (answers need the real model)."""
from __future__ import annotations

from functools import cache

from bot.taste.embedder import SentenceTransformerEmbedder


@cache
def real_embedder() -> SentenceTransformerEmbedder:
    model = SentenceTransformerEmbedder()
    model.encode_sync(["warm-up"])
    return model
