"""numpy's OpenBLAS on one thread: the ranking's linear algebra is many small products and
solves (a channel's profile fit is ~100×100), for which OpenBLAS's thread pool only costs — on a
loaded 2-core machine a `/papers today` of a channel with a topic phrase spent 67 ms in
``_fit_dual`` with two BLAS threads and ~2 ms with one (``benchmarks/bench_latency.py --personal``).
The embedding model runs on onnxruntime's own threads and is not affected."""
from __future__ import annotations


def single_threaded_blas() -> None:
    """Limit the loaded OpenBLAS (numpy's) to one thread for this process (threadpoolctl)."""
    import numpy  # noqa: F401  # load numpy's OpenBLAS first: threadpoolctl limits the libraries loaded
    from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

    ThreadpoolController().select(internal_api="openblas").limit(limits=1)
