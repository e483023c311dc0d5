"""Migrations current, read without upgrading: the database's Alembic revision against the newest
one this paperbot ships.

- at the head → ok; empty (never migrated, or a SQLite file not created yet) → ok: the first start
  creates the schema;
- an older revision of ours → behind: ``paperbot db upgrade`` (migrations also apply at every start);
- a revision this paperbot does not know → ahead: a newer paperbot upgraded it, and this one must
  not run on it.
"""
from __future__ import annotations

from alembic.script import ScriptDirectory

from paperbot.doctor.database import Reached
from paperbot.doctor.report import Check
from storage.migrate import alembic_config
from storage.url_source import repoint

NAME = "migrations"


def check_migrations(reached: Reached | None) -> Check:
    if reached is None:
        return Check.skip(NAME, "not checked: the database could not be read")
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    known = [revision.revision for revision in script.walk_revisions()]  # newest first
    current = reached.revision
    if current == head:
        return Check.ok(NAME, f"current (revision {head}, the newest this paperbot has)")
    if current is None:
        what = "a new database: the first start creates the file and" if reached.not_created else \
            "the database is empty: the first start creates"
        return Check.ok(NAME, f"{what} its schema (revision {head})")
    if current in known:
        behind = known.index(current)
        return Check.fail(
            NAME, f"behind: the database is at revision {current}, this paperbot's newest is {head}",
            cause=f"an older paperbot made this database; {behind} migration{'s' * (behind != 1)} to apply",
            fix="run `paperbot db upgrade` (migrations also apply at every start)",
        )
    return Check.fail(
        NAME, f"ahead: the database is at revision {current}, which this paperbot does not know (its newest is {head})",
        cause="this database was upgraded by a newer paperbot",
        fix=f"run that newer paperbot (upgrade this install), or {repoint(reached.source, 'another database')}",
    )
