"""A small deterministic embedder for tests that do not need the real model (hashed bag of words)."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

DIM = 64


class HashEmbedder:
    model_name = "test/hash-bow-64"
    batch_size = 16

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def encode_sync(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]{3,}", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % DIM] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_sync(texts)
