"""`paperbot run` limits numpy's OpenBLAS to one thread (paperbot/blas.py): the ranking's small
solves only paid for the thread pool (a 67 ms tail on `/papers today` under load)."""
from __future__ import annotations

from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from paperbot.blas import single_threaded_blas


def test_numpys_openblas_runs_on_one_thread_afterwards() -> None:
    controller = ThreadpoolController()
    openblas = controller.select(internal_api="openblas")
    assert openblas.lib_controllers, "numpy is expected to bring OpenBLAS"
    before = [c.num_threads for c in openblas.lib_controllers]
    try:
        single_threaded_blas()
        assert [c.num_threads for c in ThreadpoolController().select(internal_api="openblas").lib_controllers] == [1] * len(before)
    finally:
        for c, n in zip(openblas.lib_controllers, before, strict=True):
            c.set_num_threads(n)
