"""The sources' limits in the config ([sources.huggingface] and [sources.arxiv]): defaults and checks."""
from __future__ import annotations

import pytest

from bot.config import config_from_dict
from bot.errors import ConfigError
from bot.sources.guard import DEFAULT_DEADLINE
from bot.sources.http import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_WAIT


def test_the_defaults_are_the_clients_defaults() -> None:
    sources = config_from_dict({}, environ={}).sources
    for section in (sources.huggingface, sources.arxiv):
        assert section.max_wait_seconds == DEFAULT_MAX_WAIT == 60.0
        assert section.deadline_seconds == DEFAULT_DEADLINE == 120.0
        assert section.max_response_bytes == DEFAULT_MAX_BODY_BYTES == 32 * 2**20


def test_limits_are_set_per_source_and_checked() -> None:
    config = config_from_dict({"sources": {"arxiv": {"max_wait_seconds": 5, "deadline_seconds": 30, "max_response_mb": 0.5}}}, environ={})
    assert (config.sources.arxiv.max_wait_seconds, config.sources.arxiv.deadline_seconds) == (5, 30)
    assert config.sources.arxiv.max_response_bytes == 2**19 and config.sources.huggingface.max_wait_seconds == 60
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"sources": {"huggingface": {"max_wait_seconds": 0, "deadline_seconds": 99999, "max_response_mb": -1}}}, environ={})
    for key in ("max_wait_seconds", "deadline_seconds", "max_response_mb"):
        assert f"[sources.huggingface] {key}: " in str(caught.value)
