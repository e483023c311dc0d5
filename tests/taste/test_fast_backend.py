"""The opt-in fast backend (``embedding.backend = "onnx-fast"``): the fp32 graph reading each text's
first 128 tokens. Its vectors are sentence-transformers' with ``max_seq_length = 128`` (cosine ≥ 0.9999),
the default backend's for texts that fit in 128 tokens, stored under their own model name; it loads
offline from the bundled model with torch blocked."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.config import config_from_dict
from bot.errors import ConfigError
from bot.taste.backends import make_embedder
from bot.taste.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder, paper_text
from bot.taste.onnx_embedder import FAST, OnnxEmbedder
from tests.harness.embedders import LIGHT, TORCH, missing_modules, needs_light
from tests.harness.sample import sample_papers
from tests.harness.torch_blocked import embed_with_torch_blocked

needs_both = pytest.mark.skipif(bool(missing_modules(LIGHT + TORCH)),
                                reason=f"compares with the [torch] extra's backend ({', '.join(missing_modules(LIGHT + TORCH))} missing)")
LONG = " ".join(["Diffusion transformers scale with compute, data and careful tokenization of video frames."] * 40)


def test_the_config_accepts_onnx_fast_for_minilm_only() -> None:
    assert config_from_dict({"embedding": {"backend": "onnx-fast"}}, environ={}).embedding.backend == "onnx-fast"
    with pytest.raises(ConfigError, match='backend = "onnx-fast" runs only sentence-transformers/all-MiniLM-L6-v2'):
        config_from_dict({"embedding": {"backend": "onnx-fast", "model": "BAAI/bge-small-en"}}, environ={})


@needs_light
def test_its_vectors_are_stored_under_their_own_model_name() -> None:
    fast, fp32 = make_embedder("onnx-fast"), make_embedder("onnx")
    assert isinstance(fast, OnnxEmbedder) and not fast.ready
    assert fast.model_name == DEFAULT_MODEL + FAST.suffix != fp32.model_name  # switching re-embeds, never mixes


@needs_both
@pytest.mark.real_model
def test_its_vectors_are_sentence_transformers_at_128_tokens() -> None:
    texts = [paper_text(p) for p in sample_papers()] + [LONG, "", "a"]
    torch = SentenceTransformerEmbedder(batch_size=16)
    torch.model.max_seq_length = 128
    ours, theirs = OnnxEmbedder(variant=FAST, batch_size=16).encode_sync(texts), torch.encode_sync(texts)
    assert ours.shape == theirs.shape == (len(texts), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.9999, (cos.min(), texts[int(cos.argmin())][:80])


@needs_light
@pytest.mark.real_model
def test_it_reads_128_tokens_and_agrees_with_the_default_below_them() -> None:
    words = LONG.split()
    at_limit = " ".join(words[:200])  # well past 128 tokens
    beyond = at_limit + " completely different words about cooking pasta and gardening"
    short = " ".join(words[:40])  # under 128 tokens: nothing is cut
    fast = OnnxEmbedder(variant=FAST).encode_sync([at_limit, beyond, short])
    fp32 = OnnxEmbedder().encode_sync([at_limit, beyond, short])
    assert float(fast[0] @ fast[1]) > 0.99999  # what follows the 128th token is not read
    assert float(fp32[0] @ fp32[1]) < 0.99999  # the default (256 tokens) reads it
    assert float(fast[2] @ fp32[2]) > 0.99999


@needs_light
@pytest.mark.real_model
def test_the_fast_backend_loads_offline_with_torch_blocked(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "xdg"),
           "HF_HUB_OFFLINE": "1", "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
    done = embed_with_torch_blocked({"embedding": {"backend": "onnx-fast"}}, env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"OnnxEmbedder {DEFAULT_MODEL}{FAST.suffix} (2, 384) []"
    assert not (tmp_path / "xdg" / "paperbot").exists()  # nothing built or cached: the fp32 graph is made in memory
