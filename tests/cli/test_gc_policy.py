"""`paperbot run` tunes the cyclic collector (paperbot/gc_policy.py): with CPython's defaults a
10,000-channel planning pass spent ~30 % of its CPU in collections that found no garbage."""
from __future__ import annotations

import gc

from paperbot.gc_policy import YOUNG, tune_gc


def _collections_while_allocating(count: int) -> int:
    runs = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        kept = [[i] for i in range(count)]  # containers that stay alive, as a planning pass's rows do
    finally:
        gc.callbacks.remove(seen)
    assert len(kept) == count
    return len(runs)


def test_a_planning_sized_burst_of_live_objects_runs_far_fewer_collections_and_garbage_is_still_collected() -> None:
    before = gc.get_threshold()
    try:
        gc.collect()
        default = _collections_while_allocating(YOUNG // 2)
        tune_gc()
        assert gc.get_freeze_count() > 0  # what was loaded is out of every collection's walk
        assert gc.get_threshold()[0] == YOUNG
        tuned = _collections_while_allocating(YOUNG // 2)
        assert default >= 10 and tuned <= 1

        class Node:
            other: object = None

        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector can free
        del a, b
        assert gc.collect() >= 2
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_paused_collector_runs_no_collection_inside_overlapping_passes_and_resumes_after_the_last() -> None:
    from paperbot.gc_policy import collector_paused

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        first, second = collector_paused(), collector_paused()
        first.__enter__()
        second.__enter__()  # another coroutine's pass begins before the first ends
        first.__exit__(None, None, None)
        assert not gc.isenabled()
        assert _collections_while_allocating(10_000) == 0
        second.__exit__(None, None, None)
        assert gc.isenabled()
        assert _collections_while_allocating(10_000) > 0
        gc.disable()  # disabled before: a pass does not enable it
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.set_threshold(*before)
