"""The all-MiniLM-L6-v2 sentence encoder as an ONNX graph, built in memory from its safetensors weights.

No package ships an ONNX export of the model, and exporting one needs torch — the 2.7 GB download
the light install avoids. The architecture is small and fixed, so the graph is written out here
with ``onnx.helper``: a BERT encoder (post-LayerNorm, erf GELU), then sentence-transformers' mean
pooling over the attention mask and L2 normalisation. Inputs: ``input_ids`` and ``attention_mask``
(int64, batch × tokens); output: ``embedding`` (float32, batch × hidden, unit rows). Token types
are all 0 for single sentences, so type embedding 0 is folded into the position table.
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


class _Graph:
    """Accumulates nodes and initializers; each helper returns its output's name."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, value: np.ndarray) -> str:
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
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


def _attention(g: _Graph, x: str, mask_bias: str, prefix: str, shape: BertShape) -> str:
    head = shape.hidden // shape.heads
    split = g.const("split_heads", np.array([0, 0, shape.heads, head], dtype=np.int64))
    merge = g.const("merge_heads", np.array([0, 0, shape.hidden], dtype=np.int64))

    def heads(name: str, perm: list[int]) -> str:
        return g.op("Transpose", [g.op("Reshape", [g.linear(x, f"{prefix}.self.{name}"), split])], perm=perm)

    q = heads("query", [0, 2, 1, 3])  # batch, heads, tokens, head
    k = heads("key", [0, 2, 3, 1])  # batch, heads, head, tokens
    v = heads("value", [0, 2, 1, 3])
    scale = g.const("scale", np.array(1.0 / math.sqrt(head), dtype=np.float32))
    scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask_bias])
    probs = g.op("Softmax", [scores], axis=-1)
    context = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3]), merge])
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


def build_model(model_dir: Path) -> onnx.ModelProto:
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
    # padding gets a large negative score before the softmax (what transformers' extended mask does)
    blocked = g.op("Mul", [g.op("Sub", [g.const("one", np.array(1.0, np.float32)), mask]),
                           g.const("neg", np.array(np.finfo(np.float32).min, np.float32))])
    mask_bias = g.op("Unsqueeze", [blocked, g.const("axes12", np.array([1, 2], np.int64))])  # batch, 1, 1, tokens

    for layer in range(shape.layers):
        prefix = f"encoder.layer.{layer}"
        x = _attention(g, x, mask_bias, prefix + ".attention", shape)
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
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="paperbot")
    model.ir_version = 8  # old enough for every onnxruntime that reads opset 18
    return model
