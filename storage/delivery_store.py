"""Scheduling and delivery persistence for :class:`storage.store.SqlStore` (a mixin).

Implements ``bot.scheduling.ports.DeliveryStore``: the schedule columns of ``subscriptions``
and the ``outbox`` table (one row per channel and local day: the plan and its delivery state).

Claiming (several processes on one PostgreSQL): ``claim_outbox`` selects due rows
``FOR UPDATE SKIP LOCKED`` and flips them to ``sending`` with the worker's id and a lease in the
same transaction. A row locked by another claimer is skipped, not waited for, and once the
transaction commits its status no longer matches; so each due row goes to exactly one worker.
On SQLite ``FOR UPDATE`` is not rendered; ``BEGIN IMMEDIATE`` (storage.database) serialises
claimers instead, and :func:`single_process_lock` keeps a second process from starting.
"""
from __future__ import annotations

import fcntl
import json
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from json.encoder import encode_basestring_ascii as _json_text  # json.dumps's own string escaping
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import make_url

from bot.domain import ChannelRef, Digest, Post, RankedPaper
from bot.errors import ConfigError
from bot.scheduling.ports import FAILED, PLANNED, SENDING, SENT, SKIPPED, DigestPlan, OutboxItem, PlannedItem
from bot.scheduling.schedule import ScheduledSubscription, ScheduleOptions, decode_weekdays, encode_weekdays
from storage.bulk import insert_ignoring_conflicts
from storage.chunked import chunks
from storage.dialect import rows_affected, upsert_insert
from storage.mapping import post_values, to_paper, to_subscription
from storage.models import OutboxRow, PaperRow, PostRow, SubscriptionRow, table_of
from storage.sessions import SessionScope

_OUTBOX = table_of(OutboxRow)
_POSTS = table_of(PostRow)
_SUBS = table_of(SubscriptionRow)


_PLAN_COLUMNS = ("channel_key", "platform", "workspace", "channel", "local_day", "kind", "due_at", "planned_at", "title",
                 "note", "digest_day", "week", "items", "status", "attempts", "next_attempt_at", "claimed_by",
                 "claimed_until", "message_ids", "error", "finished_at")


_JSON_NULL = json.dumps(None)  # what SQLAlchemy's JSON type stores for None: JSON null, not SQL NULL


def _items_json(items: Sequence[PlannedItem]) -> str:
    """A plan's items as the outbox's JSON column stores them (what ``claim_outbox`` reads back): the
    text ``json.dumps`` gives, written directly for the plain items of a digest (half the time)."""
    parts = []
    for i in items:
        score = i.score
        if i.extra is not None or type(score) is not float or not math.isfinite(score) \
                or type(i.arxiv_id) is not str or type(i.why) is not str:
            return json.dumps([{**(i.extra or {}), "id": i.arxiv_id, "score": i.score, "why": i.why} for i in items])
        parts.append(f'{{"id": {_json_text(i.arxiv_id)}, "score": {score!r}, "why": {_json_text(i.why)}}}')
    return "[" + ", ".join(parts) + "]"


def _options(row: Any) -> ScheduleOptions:
    """A ``subscriptions`` row's (ORM object or plain row) schedule options."""
    return ScheduleOptions(
        weekdays=decode_weekdays(row.weekdays),
        threshold=row.threshold,
        weekly=bool(row.weekly),
        paused_reason=row.paused_reason,
        paused_at=row.paused_at,
    )


class DeliveryStoreMixin(SessionScope):

    # schedule fields

    async def get_schedule(self, channel: ChannelRef) -> ScheduleOptions | None:
        async with self._begin() as session:
            row = await session.get(SubscriptionRow, channel.key)
            return _options(row) if row is not None else None

    async def set_schedule(self, channel: ChannelRef, options: ScheduleOptions) -> bool:
        values = {
            "weekdays": encode_weekdays(options.weekdays),
            "threshold": options.threshold,
            "weekly": options.weekly,
            "paused_reason": options.paused_reason,
            "paused_at": options.paused_at,
        }
        async with self._begin() as session:
            return await rows_affected(session, update(_SUBS).where(_SUBS.c.channel_key == channel.key).values(values)) > 0

    async def pause_subscription(self, channel: ChannelRef, reason: str, at: datetime) -> None:
        async with self._begin() as session:
            await session.execute(
                update(_SUBS).where(_SUBS.c.channel_key == channel.key).values(paused_reason=reason, paused_at=at)
            )

    async def scheduled_subscriptions(self) -> list[ScheduledSubscription]:
        """Every subscription with its schedule, by channel key; plain rows (no ORM objects: a
        planning pass reads every subscription, 10,000 and more)."""
        c = _SUBS.c
        query = select(c.platform, c.workspace, c.channel, c.post_time, c.timezone, c.count, c.created_by, c.created_at,
                       c.weekdays, c.threshold, c.weekly, c.paused_reason, c.paused_at).order_by(c.channel_key)
        async with self._begin() as session:
            rows = (await session.execute(query)).all()
        # most subscriptions share their schedule options: one (frozen) ScheduleOptions for each distinct set
        options: dict[tuple[Any, ...], ScheduleOptions] = {}
        out = []
        for r in rows:
            shared = (r.weekdays, r.threshold, r.weekly, r.paused_reason, r.paused_at)
            found = options.get(shared)
            if found is None:
                found = options[shared] = _options(r)
            out.append(ScheduledSubscription(to_subscription(r), found))
        return out

    # plans

    async def planned_keys(self, since: date) -> set[tuple[str, date]]:
        query = select(_OUTBOX.c.channel_key, _OUTBOX.c.local_day).where(_OUTBOX.c.local_day >= since)
        async with self._begin() as session:
            return {(key, day) for key, day in (await session.execute(query)).all()}

    async def posted_among(self, arxiv_ids: Iterable[str]) -> dict[str, set[str]]:
        ids = sorted(set(arxiv_ids))
        out: dict[str, set[str]] = {}
        async with self._begin() as session:
            for chunk in chunks(ids):
                query = select(_POSTS.c.channel_key, _POSTS.c.arxiv_id).where(_POSTS.c.arxiv_id.in_(chunk)).distinct()
                for key, arxiv_id in (await session.execute(query)).all():
                    out.setdefault(key, set()).add(arxiv_id)
        return out

    async def save_plans(self, plans: Sequence[DigestPlan], at: datetime) -> int:
        """One driver ``executemany`` for all the plans (``storage.bulk``), each plan's items
        serialised once here: SQLAlchemy's per-row parameter and JSON processing was most of a
        10,000-channel pass's insert."""
        if not plans:
            return 0
        rows = [
            (p.key or p.channel.key, p.channel.platform, p.channel.workspace, p.channel.channel, p.local_day, p.kind,
             p.due_at, at, p.title, p.note, p.digest_day, p.week, _items_json(p.items), p.status, 0, p.due_at,
             None, None, _JSON_NULL, p.error, None if p.status == PLANNED else at)
            for p in plans
        ]
        async with self._begin() as session:
            before = await session.scalar(select(func.count()).select_from(_OUTBOX))
            await insert_ignoring_conflicts(session, _OUTBOX, _PLAN_COLUMNS, rows, ("channel_key", "local_day"))
            after = await session.scalar(select(func.count()).select_from(_OUTBOX))
        return (after or 0) - (before or 0)

    # outbox

    async def claim_outbox(
        self, worker: str, now: datetime, *, platforms: Iterable[str], limit: int, lease: timedelta
    ) -> list[OutboxItem]:
        names = list(platforms)
        if not names:
            return []
        query = (
            select(OutboxRow)
            .where(
                OutboxRow.platform.in_(names),
                or_(
                    and_(OutboxRow.status == PLANNED, OutboxRow.next_attempt_at <= now),
                    and_(OutboxRow.status == SENDING, OutboxRow.claimed_until < now),
                ),
            )
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._begin() as session:
            rows = list(await session.scalars(query))
            if not rows:
                return []
            # a channel unsubscribed or paused since its digest was planned gets nothing
            keys = {row.channel_key for row in rows}
            active = set(await session.scalars(
                select(SubscriptionRow.channel_key).where(SubscriptionRow.channel_key.in_(keys), SubscriptionRow.paused_at.is_(None))
            ))
            extra = getattr(self, "active_personal_keys", None)  # DM and recap rows (storage.personal_store)
            if extra is not None:
                active |= await extra(session, keys - active)
            gone = [row.id for row in rows if row.channel_key not in active and row.status == PLANNED]
            if gone:
                await session.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(gone)).values(
                    status=SKIPPED, error="unsubscribed or paused before it was sent", finished_at=now))
            rows = [row for row in rows if row.id not in set(gone)]
            if not rows:
                return []
            claimed = [(row.id, row.status == SENDING, row.attempts + 1) for row in rows]
            await session.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.id.in_([r.id for r in rows]))
                .values(status=SENDING, claimed_by=worker, claimed_until=now + lease, attempts=_OUTBOX.c.attempts + 1)
            )
            wanted = sorted({item["id"] for row in rows for item in row.items})
            papers = {}
            for chunk in chunks(wanted):
                for paper_row in await session.scalars(select(PaperRow).where(PaperRow.arxiv_id.in_(chunk))):
                    papers[paper_row.arxiv_id] = to_paper(paper_row)
        out = []
        for row, (row_id, resumed, attempts) in zip(rows, claimed):
            items = tuple(
                RankedPaper(papers[i["id"]], float(i["score"]), i["why"]) for i in row.items if i["id"] in papers
            )
            digest = Digest(title=row.title, items=items, day=row.digest_day, week=row.week, note=row.note)
            out.append(OutboxItem(row_id, ChannelRef(row.platform, row.workspace, row.channel), row.local_day,
                                  digest, attempts, resumed, row.due_at, kind=row.kind, extra=tuple(row.items)))
        return out

    async def finish_sent(self, item_id: int, worker: str, message_ids: Sequence[str], posts: Sequence[Post], at: datetime) -> None:
        async with self._begin() as session:
            if posts:
                insert = upsert_insert(session, _POSTS).on_conflict_do_nothing(
                    index_elements=[_POSTS.c.channel_key, _POSTS.c.message_id, _POSTS.c.arxiv_id]
                )
                await session.execute(insert, [post_values(p, posted_at=at) for p in posts])
            await session.execute(
                update(_OUTBOX).where(_OUTBOX.c.id == item_id).values(
                    status=SENT, message_ids=list(message_ids), finished_at=at, claimed_until=None, error=None
                )
            )

    async def retry_later(self, item_id: int, worker: str, error: str, at: datetime, *, check_first: bool = False) -> None:
        values = (
            {"status": SENDING, "claimed_by": None, "claimed_until": at}
            if check_first
            else {"status": PLANNED, "claimed_by": None, "claimed_until": None}
        )
        async with self._begin() as session:
            await session.execute(
                update(_OUTBOX).where(_OUTBOX.c.id == item_id, _OUTBOX.c.status == SENDING).values(
                    next_attempt_at=at, error=error, **values
                )
            )

    async def fail(self, item_id: int, worker: str, error: str, at: datetime, *, status: str = FAILED) -> None:
        async with self._begin() as session:
            await session.execute(
                update(_OUTBOX).where(_OUTBOX.c.id == item_id).values(
                    status=status, error=error, finished_at=at, claimed_until=None
                )
            )

    async def expire_claims(self, at: datetime) -> int:
        """End every ``sending`` lease now (their sends are then checked on the platform).

        Only safe when no other process can hold claims: a SQLite install at start-up
        (``single_process_lock``). Returns how many rows were released.
        """
        async with self._begin() as session:
            return await rows_affected(
                session, update(_OUTBOX).where(_OUTBOX.c.status == SENDING, _OUTBOX.c.claimed_until > at).values(claimed_until=at)
            )

    async def outbox_status(self, channel: ChannelRef | None = None) -> dict[str, int]:
        query = select(_OUTBOX.c.status, func.count()).group_by(_OUTBOX.c.status)
        if channel is not None:
            query = query.where(_OUTBOX.c.channel_key == channel.key)
        async with self._begin() as session:
            return {status: n for status, n in (await session.execute(query)).all()}

    async def oldest_due_undelivered(self, now: datetime) -> datetime | None:
        """The due time of the oldest outbox row not yet delivered (planned, or being sent) whose due
        time has passed; None when there is none (the monitoring's outbox-age gauge)."""
        query = select(func.min(_OUTBOX.c.due_at)).where(_OUTBOX.c.status.in_((PLANNED, SENDING)), _OUTBOX.c.due_at <= now)
        async with self._begin() as session:
            oldest: datetime | None = (await session.execute(query)).scalar_one_or_none()
        return oldest

    async def outbox_rows(self, channel: ChannelRef | None = None) -> list[dict[str, Any]]:
        """Every outbox row as a dict, oldest day first (for status replies, tests and benchmarks)."""
        query = select(_OUTBOX).order_by(_OUTBOX.c.local_day, _OUTBOX.c.id)
        if channel is not None:
            query = query.where(_OUTBOX.c.channel_key == channel.key)
        async with self._begin() as session:
            return [dict(row._mapping) for row in (await session.execute(query)).all()]


@contextmanager
def single_process_lock(url: str) -> Iterator[None]:
    """On a SQLite file, hold an exclusive lock file for the process's life; a second process is told why it cannot run.

    PostgreSQL needs none (rows are claimed with ``FOR UPDATE SKIP LOCKED``).
    """
    parsed = make_url(url)
    if not parsed.get_backend_name() == "sqlite" or not parsed.database or parsed.database == ":memory:":
        yield
        return
    path = f"{os.path.abspath(parsed.database)}.scheduler.lock"
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                f"another paperbot process is already running on the SQLite database {parsed.database} "
                f"(lock {path}). A SQLite install runs one process; to run several, use PostgreSQL "
                "([database] url = \"postgresql://…\")."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()
