"""The embedding backends side by side: onnx (default, no torch), onnx-int8, onnx-fast and sentence-transformers (torch).

    python benchmarks/bench_embed.py [--texts 512] [--rounds 6] [--json]

Each backend runs in a fresh child process (so the load is cold and the peak RSS is that backend's
alone): import + build + load the model (``warm()``), then embed the same texts — the bundled
sample's papers (title + abstract, as the bot embeds them), repeated up to ``--texts`` — in the
bot's batches of 64; that child's peak RSS (``ru_maxrss``) and vectors are kept. Then papers/s:
both backends loaded in this process, taking turns (``--rounds`` rounds of 64 texts each, the
median), so a busy shared machine slows all alike. Printed per backend: model load time
(cold process), papers/s and its ratio to sentence-transformers' (the median of the per-round
ratios: each round's backends ran back to back), peak RSS; and the largest and median |cos − 1| of
each backend's vectors against sentence-transformers' and against onnx's (fp32). onnx-int8's load is
with its int8 file already cached (the child builds it first if it is not, outside the timing).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bot.taste.backend_names import BACKENDS, Backend

ROOT = Path(__file__).resolve().parents[1]
REFERENCE: Backend = "sentence-transformers"
FP32: Backend = "onnx"


def _texts(count: int) -> list[str]:
    from bot.sources.sample import SampleSource
    from bot.taste.embedder import paper_text
    from paperbot.compose import bundled_sample

    papers = [paper_text(p) for p in SampleSource(bundled_sample()).all_papers()]
    return [papers[i % len(papers)] for i in range(count)]


def child(backend: Backend, count: int, out: Path) -> None:
    """One backend, cold: load, embed, report (JSON on stdout), vectors to ``out``."""
    import asyncio

    if backend == "onnx-int8":  # build (or find) the cached int8 file first: load_s is the cached load
        from bot.taste.embedder import DEFAULT_MODEL, bundled_path
        from bot.taste.quantized import int8_model

        int8_model(Path(bundled_path(DEFAULT_MODEL) or ""))
    started = time.perf_counter()
    from bot.taste.backends import make_embedder

    embedder = make_embedder(backend)
    asyncio.run(embedder.warm())
    load = time.perf_counter() - started
    texts = _texts(count)
    np.save(out, embedder.encode_sync(texts))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"backend": backend, "load_s": round(load, 2), "peak_rss_mb": round(peak_mb), "texts": count}))


def throughput(texts: list[str], rounds: int) -> dict[str, list[float]]:
    """Papers/s of each backend in each of ``rounds`` turns of 64 texts, the backends alternating."""
    import asyncio

    from bot.taste.backends import make_embedder

    embedders = {b: make_embedder(b) for b in BACKENDS}
    for embedder in embedders.values():
        asyncio.run(embedder.warm())
        embedder.encode_sync(texts[:8])  # first-call allocations out of the timing
    rates: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for turn in range(rounds):
        chunk = [texts[(turn * 64 + i) % len(texts)] for i in range(64)]
        for backend, embedder in embedders.items():
            started = time.perf_counter()
            embedder.encode_sync(chunk)
            rates[backend].append(len(chunk) / (time.perf_counter() - started))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.texts, args.out)
        return
    results, vectors = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        for backend in BACKENDS:
            out = Path(scratch) / f"{backend}.npy"
            done = subprocess.run([sys.executable, __file__, "--child", backend, "--texts", str(args.texts), "--out", str(out)],
                                  cwd=ROOT, capture_output=True, text=True, check=False,
                                  env={**os.environ, "PYTHONPATH": str(ROOT), "TOKENIZERS_PARALLELISM": "false"})
            if done.returncode != 0:
                sys.exit(f"{backend}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'}")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            vectors[backend] = np.load(out)
    rates = throughput(_texts(args.texts), args.rounds)
    for r in results:
        r["papers_per_s"] = round(float(np.median(rates[r["backend"]])), 1)
        r["ratio_to_reference"] = round(float(np.median(np.array(rates[r["backend"]]) / np.array(rates[REFERENCE]))), 2)
    for r in results:
        a = vectors[r["backend"]]
        for against in (REFERENCE, FP32):
            b = vectors[against]
            gap = np.abs((a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)) - 1)
            r[f"abs_cos_minus_1_vs_{against}"] = {"max": float(gap.max()), "median": float(np.median(gap))}
    summary = {"backends": results, "reference": REFERENCE, "texts": args.texts}
    if args.json:
        print(json.dumps(summary))
        return
    for r in results:
        print(f"{r['backend']:>21}: load {r['load_s']:.2f} s (cold process), {r['papers_per_s']:.1f} papers/s "
              f"(median of {args.rounds} alternating rounds of 64) = {r['ratio_to_reference']:.2f}x {REFERENCE}, "
              f"peak RSS {r['peak_rss_mb']} MB (loading + {r['texts']} texts)")
    for r in results:
        for against in (REFERENCE, FP32):
            gap = r[f"abs_cos_minus_1_vs_{against}"]
            if r["backend"] != against:
                print(f"{r['backend']:>21}: |cos - 1| against {against}: max {gap['max']:.2e}, "
                      f"median {gap['median']:.2e} over {args.texts} texts")


if __name__ == "__main__":
    main()
