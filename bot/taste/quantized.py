"""The all-MiniLM-L6-v2 graph quantized to int8 (``[embedding] backend = "onnx-int8"``), cached on disk.

``onnxruntime.quantization.quantize_dynamic`` turns the fused attention into ``QAttention`` and the
MatMuls into ``MatMulInteger`` (weights int8, activations quantized per batch at run time). It
needs the whole model as a file, so it is built once — from the fp32 graph of
``bot.taste.minilm_graph`` — and kept under the user cache dir, named by the safetensors file's
sha256 (a new model version builds its own), then loaded offline like any ONNX file.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

_log = logging.getLogger(__name__)

GRAPH_VERSION = 2  # bump when the graph or the quantization settings change: old files are not reused
OP_TYPES = ["MatMul", "Attention"]  # Attention (com.microsoft) → QAttention; MatMul → MatMulInteger
# per-channel weight scales: per-tensor ones leave the sample's cosines to fp32 at 0.90–0.96, per-channel 0.99+


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("paperbot")) / "models"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_path(model_dir: Path, folder: Path | None = None) -> Path:
    """Where the int8 graph of ``model_dir``'s weights lives (whether built yet or not)."""
    key = _sha256(model_dir / "model.safetensors")[:16]
    return (folder or cache_dir()) / f"all-MiniLM-L6-v2-int8-v{GRAPH_VERSION}-{key}.onnx"


def int8_model(model_dir: Path, folder: Path | None = None) -> Path:
    """The int8 ONNX file for ``model_dir``: the cached one, or built now (a few seconds) and cached."""
    target = cached_path(model_dir, folder)
    if target.is_file():
        return target
    import onnx
    from onnx import numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from bot.taste.minilm_graph import build_model

    graph = build_model(model_dir)
    inits = graph.model.graph.initializer
    for i, tensor in enumerate(inits):  # the in-memory external weights, written into the file
        if tensor.name in graph.external:
            inits[i].CopyFrom(numpy_helper.from_array(graph.external[tensor.name], tensor.name))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        fp32, int8 = Path(scratch) / "fp32.onnx", Path(scratch) / "int8.onnx"
        onnx.save(graph.model, str(fp32))
        del graph
        logging.disable(logging.WARNING)  # quantize_dynamic warns on the root logger to "pre-process" (not needed here)
        try:
            quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=OP_TYPES,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})  # Attention: no shape inference
        finally:
            logging.disable(logging.NOTSET)
        os.replace(int8, target)  # atomic: a reader never sees half a file
    _log.info("built the int8 embedding model at %s", target)
    return target
