"""The names ``[embedding] backend`` accepts: one list for the config, the factory and the CLI.

Kept apart from ``bot.taste.backends`` (which imports the embedders, and so numpy) because the
config and the CLI's parser are read before the CLI limits numpy's BLAS threads."""
from __future__ import annotations

from typing import Literal, get_args

Backend = Literal["onnx", "onnx-int8", "onnx-fast", "sentence-transformers"]
BACKENDS: tuple[Backend, ...] = get_args(Backend)
DEFAULT_BACKEND: Backend = "onnx"
