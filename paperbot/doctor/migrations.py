"""Migrations current, read without upgrading: the database's Alembic revision against the newest
one this paperbot ships.

- at the head → ok; empty (never migrated, or a SQLite file not created yet) → ok: the first start
  creates the schema;
- an older revision of ours → behind: ``paperbot db upgrade`` (migrations also apply at every start);
- a revision this paperbot does not know → ahead: a newer paperbot upgraded it, and this one must
  not run on it (the words every start says too: :class:`storage.startup_errors.Ahead`);
- at the head, the schema itself is compared with the models (:mod:`storage.schema_drift`): a table
  or column dropped by hand, or a partial restore, would otherwise pass here and fail at first use.
"""
from __future__ import annotations

import asyncio

from bot.plural import counted
from paperbot.doctor.database import Reached
from paperbot.doctor.report import Check
from storage.migrate import head_revision, known_revisions
from storage.schema_drift import Drift, schema_drift
from storage.startup_errors import CONNECT_TIMEOUT_SECONDS, Ahead

NAME = "migrations"


async def check_migrations(reached: Reached | None) -> Check:
    if reached is None:
        return Check.skip(NAME, "not checked: the database could not be read")
    head = head_revision()
    known = known_revisions()  # newest first
    current = reached.revision
    if current == head:
        try:
            drift = await asyncio.wait_for(schema_drift(reached.url), CONNECT_TIMEOUT_SECONDS + 5)
        except Exception as exc:  # noqa: BLE001 - it answered a moment ago: say so, not a traceback
            return Check.fail(NAME, f"at revision {head} (current), but its schema could not be read ({type(exc).__name__})",
                              fix="run `paperbot doctor` again; if this stays, check the database server's log")
        return _at_head(head, drift)
    if current is None:
        what = "a new database: the first start creates the file and" if reached.not_created else \
            "the database is empty: the first start creates"
        return Check.ok(NAME, f"{what} its schema (revision {head})")
    if current in known:
        behind = known.index(current)
        return Check.fail(
            NAME, f"behind: the database is at revision {current}, this paperbot's newest is {head}",
            cause=f"an older paperbot made this database; {counted(behind, 'migration')} to apply",
            fix="run `paperbot db upgrade` (migrations also apply at every start)",
        )
    ahead = Ahead(current, head, reached.source)
    return Check.fail(NAME, ahead.summary, cause=ahead.cause, fix=ahead.fix)


def _at_head(head: str, drift: Drift) -> Check:
    others = f"; it also holds tables paperbot does not use ({', '.join(drift.extra_tables)})" if drift.extra_tables else ""
    if not drift.problems:
        return Check.ok(NAME, f"current (revision {head}, the newest this paperbot has; the schema matches){others}")
    return Check.fail(
        NAME, f"the database says revision {head} (current), but its schema differs: {'; '.join(drift.problems)}",
        cause="part of the schema was changed outside paperbot's migrations (dropped or altered by hand, or a partial "
              "restore); the bot fails whenever it needs what is missing, and `paperbot db upgrade` cannot see it"
              + others,
        fix="restore the database from a backup taken before the change; or, for a database with nothing to keep, "
            "move it aside and let the next start create a new one",
    )
