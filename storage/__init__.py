"""Persistence for paperbot: SQLAlchemy models, Alembic migrations and :class:`SqlStore`.

The composition root opens a store with::

    await storage.migrate.upgrade(url)
    store = storage.store.SqlStore.connect(url)
    ...
    await store.close()

storage depends on ``bot`` (domain, ports, errors) and never on adapters.
"""
from __future__ import annotations
