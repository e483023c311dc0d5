"""The torch-free backend (onnxruntime) gives the sentence-transformers backend's vectors for the same
texts — the bundled sample's papers, very long texts (past the 256-token truncation) and empty-ish
ones — to cosine ≥ 0.9999, in the caller's order, and never imports torch."""
from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from bot.taste.embedder import DEFAULT_MODEL, SentenceTransformerEmbedder, paper_text
from bot.taste.onnx_embedder import OnnxEmbedder
from tests.harness.embedders import LIGHT, TORCH, fp32_sample_vectors, missing_modules, needs_light
from tests.harness.sample import sample_papers
from tests.harness.torch_blocked import embed_with_torch_blocked

needs_both = pytest.mark.skipif(bool(missing_modules(LIGHT + TORCH)),
                                reason=f"compares with the [torch] extra's backend ({', '.join(missing_modules(LIGHT + TORCH))} missing)")

LONG = " ".join(["Diffusion transformers scale with compute, data and careful tokenization of video frames."] * 80)
ODD_TEXTS = [
    "", " ", ".", "\n\t", "a", "?!", "🔥", "x" * 5000, LONG, "Ünïcödé — naïve café, 中文 and ελληνικά",
    "[CLS] [SEP] [PAD] [MASK]", "   spaces   around   ",
]


@cache
def onnx_model() -> OnnxEmbedder:
    return OnnxEmbedder(batch_size=16)


@cache
def torch_model() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(batch_size=16)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))


@needs_both
@pytest.mark.real_model
def test_the_sample_papers_embed_alike_in_both_backends() -> None:
    texts = [paper_text(p) for p in sample_papers()]
    assert len(texts) > 50
    ours, theirs = fp32_sample_vectors(), torch_model().encode_sync(texts)  # ours: a fresh OnnxEmbedder(batch_size=16)'s
    assert ours.shape == theirs.shape == (len(texts), 384) and ours.dtype == np.float32
    cos = _cosines(ours, theirs)
    assert cos.min() >= 0.9999, (cos.min(), texts[int(cos.argmin())][:80])
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)  # unit rows: a dot product is the cosine


@needs_both
@pytest.mark.real_model
def test_long_and_empty_ish_texts_embed_alike() -> None:
    ours, theirs = onnx_model().encode_sync(ODD_TEXTS), torch_model().encode_sync(ODD_TEXTS)
    cos = _cosines(ours, theirs)
    assert cos.min() >= 0.9999, dict(zip(ODD_TEXTS, cos.round(6)))


@needs_both
@pytest.mark.real_model
def test_truncation_is_the_models_256_tokens() -> None:
    """Past 256 tokens the text does not change the vector (sentence-transformers' max_seq_length); before, it does."""
    words = LONG.split()
    at_limit = " ".join(words[:400])
    beyond = at_limit + " completely different words about cooking pasta and gardening"
    short = " ".join(words[:100])
    vectors = onnx_model().encode_sync([at_limit, beyond, short, short + " cooking pasta and gardening"])
    assert float(vectors[0] @ vectors[1]) > 0.99999
    assert float(vectors[2] @ vectors[3]) < 0.999
    assert torch_model().model.max_seq_length == 256


@needs_light
@pytest.mark.real_model
def test_rows_come_back_in_the_callers_order_whatever_the_batching() -> None:
    """Runs of a few texts go to a pool of threads at once; each row lands where its text was, whatever
    the run sizes (batch_size) and however many runs go at once (workers)."""
    texts = [paper_text(p) for p in sample_papers()[:40]] + ODD_TEXTS
    sequential = OnnxEmbedder(batch_size=4096, workers=1).encode_sync(texts)  # one run after another, in this thread
    parallel = onnx_model().encode_sync(texts)  # runs of at most 16 texts, one per core at once
    wide = OnnxEmbedder(batch_size=3, workers=5).encode_sync(texts)  # more threads than cores, runs of ≤ 3
    singly = np.stack([onnx_model().encode_sync([t])[0] for t in texts[:8]])
    assert _cosines(sequential, parallel).min() > 0.99999
    assert _cosines(wide, parallel).min() > 0.99999
    assert _cosines(singly, parallel[:8]).min() > 0.99999
    assert onnx_model().encode_sync([]).shape == (0, 384)


@needs_light
async def test_warm_loads_once_and_then_it_is_ready() -> None:
    model = OnnxEmbedder()
    assert not model.ready
    await model.warm()
    assert model.ready
    await model.warm()  # again: nothing to do
    vectors = await model.encode(["hello", "world"])
    assert vectors.shape == (2, 384)


@needs_light
@pytest.mark.real_model
def test_the_default_backend_runs_with_torch_blocked() -> None:
    done = embed_with_torch_blocked({})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"OnnxEmbedder {DEFAULT_MODEL} (2, 384) []"
