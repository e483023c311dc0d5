"""What a database's schema lacks or holds beyond what this paperbot's models declare, in words.

Why: the revision row can say "current" while a table is gone (dropped by hand, a partial restore);
the bot then fails at its first use of it. :func:`schema_drift` reads the schema (the comparison
``alembic check`` makes, :func:`storage.migrate.schema_diff`: ~0.1-0.2 s on SQLite and PostgreSQL
at 17 tables) so `paperbot doctor` can name what differs. Tables paperbot does not declare are only
noted: a shared database may hold other programs' tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.migrate import schema_diff


@dataclass(frozen=True)
class Drift:
    """Names of what differs, each list sorted; ``problems`` are what the bot would trip over."""

    missing_tables: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)  # "table.column"
    extra_columns: list[str] = field(default_factory=list)
    missing_indexes: list[str] = field(default_factory=list)
    extra_indexes: list[str] = field(default_factory=list)
    changed_columns: list[str] = field(default_factory=list)  # type or nullability differs
    other: list[str] = field(default_factory=list)  # constraints and foreign keys, by Alembic's name of the change
    extra_tables: list[str] = field(default_factory=list)  # not a problem: only noted

    @property
    def problems(self) -> list[str]:
        """One phrase per kind of difference that matters, e.g. "missing table feed_tokens"."""
        kinds = (("missing table", self.missing_tables), ("missing column", self.missing_columns),
                 ("extra column", self.extra_columns), ("missing index", self.missing_indexes),
                 ("extra index", self.extra_indexes), ("column differs:", self.changed_columns),
                 ("other difference:", self.other))
        return [f"{kind}{'s' if len(names) > 1 and not kind.endswith(':') else ''} {', '.join(names)}"
                for kind, names in kinds if names]


async def schema_drift(url: str) -> Drift:
    """The differences between the database at ``url`` and the models (see the module's docstring)."""
    return summarise(await schema_diff(url))


def summarise(diff: list[Any]) -> Drift:
    """Alembic's list of changes (``compare_metadata``) as :class:`Drift`."""
    drift = Drift()
    missing_tables = {entry[1].name for entry in diff if isinstance(entry, tuple) and entry[0] == "add_table"}
    for entry in diff:
        if isinstance(entry, list):  # a column's modifications: ("modify_type", schema, table, column, ...)
            drift.changed_columns.extend(f"{change[2]}.{change[3]}" for change in entry)
            continue
        kind = entry[0]
        if kind == "add_table":
            drift.missing_tables.append(entry[1].name)
        elif kind == "remove_table":
            drift.extra_tables.append(entry[1].name)
        elif kind in ("add_column", "remove_column"):
            (drift.missing_columns if kind == "add_column" else drift.extra_columns).append(f"{entry[2]}.{entry[3].name}")
        elif kind in ("add_index", "remove_index"):
            if entry[1].table.name not in missing_tables:  # a missing table's indexes go with it
                (drift.missing_indexes if kind == "add_index" else drift.extra_indexes).append(str(entry[1].name))
        else:
            drift.other.append(kind.replace("_", " "))
    for names in (drift.missing_tables, drift.missing_columns, drift.extra_columns, drift.missing_indexes,
                  drift.extra_indexes, drift.changed_columns, drift.extra_tables):
        names.sort()
    drift.other[:] = sorted(set(drift.other))
    return drift
