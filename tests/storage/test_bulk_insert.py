"""``save_plans`` through the driver's executemany (``storage.bulk``) stores, column for column and
in the driver's own representation, what SQLAlchemy's insert of the same rows as dicts stores."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, type_coerce
from sqlalchemy.types import NullType

from bot.domain import ChannelRef
from bot.scheduling.ports import EMPTY, SKIPPED, DigestPlan, PlannedItem
from storage.models import OutboxRow, table_of
from storage.store import SqlStore

OUTBOX = table_of(OutboxRow)
AT = datetime(2025, 11, 7, 9, 5, 30, 123456, tzinfo=UTC)


def _plans(prefix: str) -> list[DigestPlan]:
    due = datetime(2025, 11, 7, 9, tzinfo=UTC)
    return [
        DigestPlan(ChannelRef("discord", "G1", f"{prefix}1"), date(2025, 11, 7), due, "Top 2 papers of Fri 7 Nov 2025",
                   (PlannedItem("2511.00001", 0.8125, "close to \"Attention\" — ✓"), PlannedItem("2511.00002", 1 / 3, "trending")),
                   digest_day=date(2025, 11, 7)),
        DigestPlan(ChannelRef("slack", "T1", f"{prefix}2"), date(2025, 11, 7), due, "No papers yet", (), status=EMPTY),
        DigestPlan(ChannelRef("discord", "G1", f"{prefix}3"), date(2025, 11, 6), due, "", (), status=SKIPPED,
                   error="missed by 2 days", kind="weekly", week="2025-W45", note="a note"),
        DigestPlan(ChannelRef("slack", "T1", f"{prefix}4"), date(2025, 11, 7), due, "recap", (
            PlannedItem("2511.00003", 2.0, "3 replies", extra={"thread": "ts.1", "replies": 3}),), kind="recap",
            key=f"recap:{prefix}4"),
        DigestPlan(ChannelRef("slack", "T1", f"{prefix}5"), date(2025, 11, 7), due, "odd scores and words", (
            PlannedItem("2511.00004", 2.5e-7, "a\nnew line, a tab\t, \\ and \u2028"), PlannedItem("2511.00005", 3, "int"),
            PlannedItem("2511.00006", -0.0, ""), PlannedItem("2511.00007", 1e-300, "\U0001F44D"))),
    ]


def _as_dicts(plans: list[DigestPlan], at: datetime) -> list[dict[str, Any]]:
    """The rows as the insert stored them before ``storage.bulk`` (SQLAlchemy binding every value)."""
    return [{"channel_key": p.key or p.channel.key, "platform": p.channel.platform, "workspace": p.channel.workspace,
             "channel": p.channel.channel, "local_day": p.local_day, "kind": p.kind, "due_at": p.due_at, "planned_at": at,
             "title": p.title, "note": p.note, "digest_day": p.digest_day, "week": p.week,
             "items": [{**(i.extra or {}), "id": i.arxiv_id, "score": i.score, "why": i.why} for i in p.items],
             "status": p.status, "attempts": 0, "next_attempt_at": p.due_at, "claimed_by": None, "claimed_until": None,
             "message_ids": None, "error": p.error, "finished_at": None if p.status == "planned" else at} for p in plans]


async def _raw(store: SqlStore) -> dict[str, tuple[Any, ...]]:
    """Every outbox row as the driver returns it (no SQLAlchemy result processing), by channel (no id, no key)."""
    columns = [c for c in OUTBOX.c if c.name not in ("id", "channel_key")]
    async with store._sessions.begin() as session:
        rows = (await session.execute(select(*(type_coerce(c, NullType()) for c in columns)))).all()
    names = [c.name for c in columns]
    return {row[names.index("channel")]: tuple(row) for row in rows}


async def test_bulk_plans_are_stored_as_sqlalchemy_stores_them(store: SqlStore) -> None:
    assert await store.save_plans(_plans("bulk-"), AT) == 5
    async with store._sessions.begin() as session:
        await session.execute(insert(OUTBOX), _as_dicts(_plans("ref-"), AT))
    raw = await _raw(store)
    for n in range(1, 6):
        bulk, ref = list(raw[f"bulk-{n}"]), list(raw[f"ref-{n}"])
        channel = [c.name for c in OUTBOX.c if c.name not in ("id", "channel_key")].index("channel")
        bulk[channel] = ref[channel] = None
        assert bulk == ref
    rows = {r["channel_key"]: r for r in await store.outbox_rows()}
    assert rows["discord:G1:bulk-1"]["items"] == [{"id": "2511.00001", "score": 0.8125, "why": "close to \"Attention\" — ✓"},
                                                   {"id": "2511.00002", "score": 1 / 3, "why": "trending"}]
    assert rows["discord:G1:bulk-1"]["due_at"] == datetime(2025, 11, 7, 9, tzinfo=UTC)
    assert rows["recap:bulk-4"]["items"][0] == {"thread": "ts.1", "replies": 3, "id": "2511.00003", "score": 2.0, "why": "3 replies"}


async def test_an_existing_plan_is_left_as_it_is(store: SqlStore) -> None:
    first = _plans("x")
    assert await store.save_plans(first[:2], AT) == 2
    changed = [DigestPlan(p.channel, p.local_day, p.due_at, "changed", ()) for p in first]
    assert await store.save_plans(changed, AT) == 3  # only the new ones
    titles = {r["channel_key"]: r["title"] for r in await store.outbox_rows()}
    assert titles["discord:G1:x1"] == "Top 2 papers of Fri 7 Nov 2025" and titles["slack:T1:x2"] == "No papers yet"
    assert titles["discord:G1:x3"] == titles["slack:T1:x4"] == "changed"
