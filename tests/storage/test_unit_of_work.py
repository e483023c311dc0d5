"""Store contract: a unit of work (``SqlStore.transaction``) commits all of its writes or none.

Run on SQLite and PostgreSQL: the reaction use case relies on it to leave an event id unseen when
its insert fails, so the platform's retry is applied.
"""
from __future__ import annotations

import pytest

from storage.store import SqlStore
from tests.harness.builders import CHANNEL, NOON, paper, post, reaction


class Boom(Exception):
    pass


async def test_a_failure_rolls_back_every_write_of_the_unit(store: SqlStore) -> None:
    await store.upsert_papers([paper("2511.00001")])
    await store.record_posts([post("2511.00001", "m1")])
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            assert await tx.seen_event("Ev1", NOON) is False
            assert await tx.add_reaction(reaction("2511.00001", "m1"))
            raise Boom()
    assert await store.reactions_for_channel(CHANNEL) == []
    assert await store.seen_event("Ev1", NOON) is False  # never remembered: a retry is applied


async def test_the_unit_commits_together_and_sees_its_own_writes(store: SqlStore) -> None:
    await store.upsert_papers([paper("2511.00001")])
    await store.record_posts([post("2511.00001", "m1")])
    async with store.transaction() as tx:
        assert await tx.seen_event("Ev2", NOON) is False
        assert await tx.seen_event("Ev2", NOON) is True  # inside the unit, its own write is seen
        assert await tx.add_reaction(reaction("2511.00001", "m1"))
        async with tx.transaction() as nested:  # nested: part of the same unit
            assert len(await nested.reactions_for_channel(CHANNEL)) == 1
    assert len(await store.reactions_for_channel(CHANNEL)) == 1
    assert await store.seen_event("Ev2", NOON) is True
