"""The cyclic garbage collector, tuned for a process that plans thousands of digests at once.

A 10,000-channel planning pass allocates some 600,000 container objects it keeps until the pass
ends (rows, profiles, ranked papers, plans). With CPython's default thresholds (700, 10, 10) that
triggered ~1,400 young and ~10 full collections, each full one walking the whole growing working
set: 1.4–1.8 s of a 5.2 s CPU pass (``benchmarks/bench_plan.py --stored-profiles``) went to finding
no garbage. A larger young generation lets the pass run with ~12 young collections and no full
one; what the process loaded at start-up is frozen (never garbage, so no collection walks it).
Cyclic garbage is still collected, only in larger steps (≤ 50,000 young objects at a time).

That still grows with the pass: a young collection walks every young object, and what a pass
allocates stays alive until it ends, so each of its objects is walked once young and, past ten
young collections, again in each middle-generation one, which walks everything the pass kept so
far. A 100,000-channel pass (~4.5 million containers) ran 91 young collections (0.60 s CPU) and 8
middle ones (0.68 s), none of them finding garbage to speak of: collected at the pass's end, it
left 8,307 unreachable objects. So a planning pass runs with the collector paused
(``collector_paused``, the scheduler's ``plan_scope``), which collects nothing it could have."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 50_000  # container allocations (net) between young collections; CPython's default is 700

_pauses = 0  # passes inside collector_paused now (coroutines of one loop may overlap)
_resume = False  # whether the collector was enabled when the first of them began


def tune_gc() -> None:
    """Freeze what is loaded so far and collect the young generation less often (this process)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG, older, oldest)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside (a planning pass): the collector is enabled again when the
    last overlapping pass ends, if it was enabled before the first; its cyclic garbage (a few
    thousand objects a pass) waits for the next collection after."""
    global _pauses, _resume
    if _pauses == 0:
        _resume = gc.isenabled()
        gc.disable()
    _pauses += 1
    try:
        yield
    finally:
        _pauses -= 1
        if _pauses == 0 and _resume:
            gc.enable()
