"""`/papers tune` in `paperbot demo`: a real process, piped commands, a real SQLite file, the real model.

The candidates come as numbered posts after the first digest's, with the instruction; `react` on one
is recorded and the next `/papers today` ranks by it; a second `/papers tune` posts other papers.
"""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.taste.onnx_embedder import OnnxEmbedder
from tests.harness.demo import embedded_sample_demo, run_demo
from tests.harness.head_schema import HeadSchemas


@pytest.mark.real_model
def test_tune_in_the_demo(tmp_path: Path, head_schemas: HeadSchemas,
                          real_embedder: OnnxEmbedder) -> None:
    asyncio.run(embedded_sample_demo(tmp_path, head_schemas, real_embedder))  # not a first start: the sample is embedded
    result = run_demo(tmp_path, "\n".join([
        "/papers tune 3", "react 6 👍", "/papers tune 3", "/papers tune 99", "/papers today 3", "quit",
    ]) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    first, second = out.split("> /papers tune 3\n")[1:3]
    for run in (first, second):
        assert run.startswith("── Tune this channel: 3 different papers of the week to rate ──\n"
                              "   React 👍 or 👎 on each — tomorrow's digest learns from them.")
        assert len(re.findall(r"why: like \d+ of the week's \d+ unseen papers", run)) == 3
    titles = [re.findall(r"^\[(\d+)\] (.+)$", run, flags=re.MULTILINE) for run in (first, second.split("> ")[0])]
    assert [n for n, _ in titles[0]] == ["6", "7", "8"] and [n for n, _ in titles[1]] == ["9", "10", "11"]
    assert not {t for _, t in titles[0]} & {t for _, t in titles[1]}
    assert re.search(r"👍 from you recorded on post 6 \(“[^”]+”\): more papers like this one\.", out)
    assert "⚠ count '99' is not accepted: give a whole number from 1 to 10." in out
    liked = titles[0][0][1][:20]
    today = out.split("> /papers today 3\n")[1]
    assert f'close to "{liked}' in today and "(liked before)" in today
