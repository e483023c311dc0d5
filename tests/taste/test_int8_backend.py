"""The opt-in int8 backend (``embedding.backend = "onnx-int8"``): vectors close to the fp32 graph's
on the bundled sample (cosine ≥ 0.98 per text), stored under their own model name, the int8 file
built once into the cache and reused, rebuilt when the model's weights change, and no torch."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.config import config_from_dict
from bot.errors import ConfigError
from bot.taste import minilm_graph, quantized
from bot.taste.embedder import DEFAULT_MODEL, bundled_path, paper_text
from bot.taste.onnx_embedder import INT8, INT8_SUFFIX, MODEL_FILES, OnnxEmbedder
from tests.harness.embedders import fp32_sample_vectors, needs_light
from tests.harness.sample import sample_papers
from tests.harness.torch_blocked import embed_with_torch_blocked


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("int8-cache")


def test_the_config_accepts_onnx_int8_for_minilm_only() -> None:
    assert config_from_dict({"embedding": {"backend": "onnx-int8"}}, environ={}).embedding.backend == "onnx-int8"
    with pytest.raises(ConfigError, match='backend = "onnx-int8" runs only sentence-transformers/all-MiniLM-L6-v2'):
        config_from_dict({"embedding": {"backend": "onnx-int8", "model": "BAAI/bge-small-en"}}, environ={})


@needs_light
@pytest.mark.real_model
def test_int8_vectors_are_close_to_fp32_and_stored_apart(cache: Path) -> None:
    texts = [paper_text(p) for p in sample_papers()]
    int8, fp32 = OnnxEmbedder(variant=INT8, cache=cache), OnnxEmbedder()
    assert int8.model_name == DEFAULT_MODEL + INT8_SUFFIX != fp32.model_name  # switching re-embeds, never mixes
    ours, theirs = int8.encode_sync(texts), fp32_sample_vectors()  # theirs: the fp32 graph's, shared with the onnx test
    assert ours.shape == theirs.shape == (len(texts), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = (ours * theirs).sum(axis=1)
    print(f"int8 vs fp32 cosine over {len(cos)} texts: min {cos.min():.4f}, median {np.median(cos):.4f}, "
          f"p5 {np.percentile(cos, 5):.4f}")
    assert cos.min() >= 0.98, (cos.min(), texts[int(cos.argmin())][:80])


@needs_light
@pytest.mark.real_model
def test_the_int8_file_is_reused_and_rebuilt_when_the_weights_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = Path(bundled_path(DEFAULT_MODEL) or "")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    for name in MODEL_FILES:
        shutil.copy(source / name, model_dir / name)
    first = quantized.int8_model(model_dir, tmp_path / "cache")
    assert first.is_file()
    built = first.stat().st_mtime_ns

    def no_build(_: Path) -> None:
        raise AssertionError("the cached int8 file should have been reused")

    with monkeypatch.context() as patch:
        patch.setattr(minilm_graph, "build_model", no_build)
        assert quantized.int8_model(model_dir, tmp_path / "cache") == first
    assert first.stat().st_mtime_ns == built

    from safetensors.numpy import load_file, save_file

    weights = load_file(str(model_dir / "model.safetensors"))
    weights["pooler.dense.bias"] = weights["pooler.dense.bias"] + 1  # a new model version (unused by the graph)
    save_file(weights, str(model_dir / "model.safetensors"))
    second = quantized.int8_model(model_dir, tmp_path / "cache")
    assert second != first and second.is_file() and first.is_file()


@needs_light
@pytest.mark.real_model
def test_the_int8_backend_runs_with_torch_blocked_and_caches_under_the_user_cache_dir(tmp_path: Path) -> None:
    done = embed_with_torch_blocked({"embedding": {"backend": "onnx-int8"}},
                                    {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"OnnxEmbedder {DEFAULT_MODEL}{INT8_SUFFIX} (2, 384) []"
    assert len(list((tmp_path / "xdg" / "paperbot" / "models").glob("all-MiniLM-L6-v2-int8-*.onnx"))) == 1
