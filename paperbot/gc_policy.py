"""The cyclic garbage collector, tuned for a process that plans thousands of digests at once.

A 10,000-channel planning pass allocates some 600,000 container objects it keeps until the pass
ends (rows, profiles, ranked papers, plans). With CPython's default thresholds (700, 10, 10) that
triggered ~1,400 young and ~10 full collections, each full one walking the whole growing working
set: 1.4–1.8 s of a 5.2 s CPU pass (``benchmarks/bench_plan.py --stored-profiles``) went to finding
no garbage. A larger young generation lets the pass run with ~12 young collections and no full
one; what the process loaded at start-up is frozen (never garbage, so no collection walks it).
Cyclic garbage is still collected, only in larger steps (≤ 50,000 young objects at a time)."""
from __future__ import annotations

import gc

YOUNG = 50_000  # container allocations (net) between young collections; CPython's default is 700


def tune_gc() -> None:
    """Freeze what is loaded so far and collect the young generation less often (this process)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG, older, oldest)
