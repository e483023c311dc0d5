"""The all-MiniLM-L6-v2 sentence encoder as an ONNX graph, built in memory from its safetensors weights.

No package ships an ONNX export of the model, and exporting one needs torch — the 2.7 GB download
the light install avoids. The architecture is small and fixed, so the graph is written out here
with ``onnx.helper``: a BERT encoder (post-LayerNorm, erf GELU), then sentence-transformers' mean
pooling over the attention mask and L2 normalisation. Inputs: ``input_ids`` and ``attention_mask``
(int64, batch × tokens); output: ``embedding`` (float32, batch × hidden, unit rows). Token types
are all 0 for single sentences, so type embedding 0 is folded into the position table.

The weight matrices stay numpy arrays handed to onnxruntime as external initializers (used in
place) rather than copied into the protobuf, serialised and parsed again: loading peaks ~250 MB lower.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

OPSET = 18  # Reduce* take their axes as an input; LayerNormalization is a standard op since 17
EXTERNAL_FROM = 4096  # elements: larger constants (the weight matrices) are external initializers


@dataclass(frozen=True)
class BertShape:
    """What the graph needs from the model's ``config.json``."""

    layers: int
    hidden: int
    heads: int
    eps: float

    @classmethod
    def of(cls, model_dir: Path) -> BertShape:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{model_dir}: only BERT with erf GELU and absolute positions is supported")
        return cls(int(config["num_hidden_layers"]), int(config["hidden_size"]), int(config["num_attention_heads"]),
                   float(config["layer_norm_eps"]))


@dataclass(frozen=True)
class EncoderGraph:
    """The model, and the arrays its external initializers name (to give ``add_external_initializers``;
    onnxruntime uses them in place, so they must live as long as the session)."""

    model: onnx.ModelProto
    external: dict[str, np.ndarray]


class _Graph:
    """Accumulates nodes and initializers; each helper returns its output's name."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.external: dict[str, np.ndarray] = {}
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, value: np.ndarray) -> str:
        name = self.name(hint)
        value = np.ascontiguousarray(value)
        if value.size < EXTERNAL_FROM:
            self.inits.append(numpy_helper.from_array(value, name))
            return name
        tensor = TensorProto(name=name, data_type=helper.np_dtype_to_tensor_dtype(value.dtype), dims=value.shape,
                             data_location=TensorProto.EXTERNAL)
        for key, text in (("location", "in-memory"), ("offset", "0"), ("length", str(value.nbytes))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, text
        self.inits.append(tensor)
        self.external[name] = value
        return name

    def op(self, op_type: str, inputs: list[str], hint: str | None = None, **attrs: Any) -> str:
        out = self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def linear(self, x: str, prefix: str) -> str:
        """``x @ W.T + b`` with torch's (out, in) weight layout transposed once, here."""
        weight = self.const(prefix + ".weight", self.weights[prefix + ".weight"].T)
        bias = self.const(prefix + ".bias", self.weights[prefix + ".bias"])
        return self.op("Add", [self.op("MatMul", [x, weight]), bias])

    def layer_norm(self, x: str, prefix: str, eps: float) -> str:
        scale = self.const(prefix + ".weight", self.weights[prefix + ".weight"])
        bias = self.const(prefix + ".bias", self.weights[prefix + ".bias"])
        return self.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=eps)


def _attention(g: _Graph, x: str, mask: str, prefix: str, shape: BertShape) -> str:
    """Self-attention as onnxruntime's fused ``com.microsoft.Attention`` (packed Q|K|V weights, the
    0/1 padding mask): one kernel instead of a batch × heads × tokens² score tensor per step, which
    made the plain-op graph slower than torch and ~400 MB heavier at batch 64 × 256 tokens."""
    names = ("query", "key", "value")
    packed = np.concatenate([g.weights[f"{prefix}.self.{n}.weight"].T for n in names], axis=1)
    bias = np.concatenate([g.weights[f"{prefix}.self.{n}.bias"] for n in names])
    context = g.op("Attention", [x, g.const(prefix + ".qkv.weight", packed), g.const(prefix + ".qkv.bias", bias), mask],
                   domain="com.microsoft", num_heads=shape.heads)
    out = g.linear(context, f"{prefix}.output.dense")
    return g.layer_norm(g.op("Add", [out, x]), f"{prefix}.output.LayerNorm", shape.eps)


def _feed_forward(g: _Graph, x: str, prefix: str, shape: BertShape) -> str:
    h = g.linear(x, f"{prefix}.intermediate.dense")
    # GELU, erf form: h · ½ · (1 + erf(h / √2)) — what BERT's "gelu" means (not the tanh approximation)
    erf = g.op("Erf", [g.op("Div", [h, g.const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))])])
    one = g.const("one", np.array(1.0, dtype=np.float32))
    half = g.const("half", np.array(0.5, dtype=np.float32))
    gelu = g.op("Mul", [g.op("Mul", [h, half]), g.op("Add", [erf, one])])
    out = g.linear(gelu, f"{prefix}.output.dense")
    return g.layer_norm(g.op("Add", [out, x]), f"{prefix}.output.LayerNorm", shape.eps)


def build_model(model_dir: Path) -> EncoderGraph:
    """The sentence encoder of the sentence-transformers folder ``model_dir`` (weights in model.safetensors)."""
    shape = BertShape.of(model_dir)
    weights = load_file(str(model_dir / "model.safetensors"))
    g = _Graph(weights)

    positions = weights["embeddings.position_embeddings.weight"] + weights["embeddings.token_type_embeddings.weight"][0]
    words = g.op("Gather", [g.const("word_embeddings", weights["embeddings.word_embeddings.weight"]), "input_ids"], axis=0)
    tokens = g.op("Slice", [g.op("Shape", ["input_ids"]), g.const("i1", np.array([1], np.int64)), g.const("i2", np.array([2], np.int64))])
    position_rows = g.op("Slice", [g.const("positions", positions), g.const("i0", np.array([0], np.int64)), tokens,
                                   g.const("axis0", np.array([0], np.int64))])
    x = g.layer_norm(g.op("Add", [words, position_rows]), "embeddings.LayerNorm", shape.eps)

    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)  # batch, tokens
    mask_index = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)  # the fused attention's 0/1 key mask

    for layer in range(shape.layers):
        prefix = f"encoder.layer.{layer}"
        x = _attention(g, x, mask_index, prefix + ".attention", shape)
        x = _feed_forward(g, x, prefix, shape)

    # sentence-transformers' Pooling(mean) then Normalize: the mask-weighted mean, divided by its L2 norm
    weights_col = g.op("Unsqueeze", [mask, g.const("axis2", np.array([2], np.int64))])  # batch, tokens, 1
    axis1 = g.const("axis1", np.array([1], np.int64))
    summed = g.op("ReduceSum", [g.op("Mul", [x, weights_col]), axis1], keepdims=0)
    counts = g.op("Max", [g.op("ReduceSum", [weights_col, axis1], keepdims=0), g.const("min_count", np.array(1e-9, np.float32))])
    mean = g.op("Div", [summed, counts])
    norm = g.op("Max", [g.op("ReduceL2", [mean, g.const("last", np.array([-1], np.int64))], keepdims=1),
                        g.const("min_norm", np.array(1e-12, np.float32))])
    g.nodes.append(helper.make_node("Div", [mean, norm], ["embedding"]))

    graph = helper.make_graph(
        g.nodes, "all-MiniLM-L6-v2",
        inputs=[helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
                helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        outputs=[helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", shape.hidden])],
        initializer=g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
                              producer_name="paperbot")
    model.ir_version = 8  # old enough for every onnxruntime that reads opset 18
    return EncoderGraph(model, g.external)
