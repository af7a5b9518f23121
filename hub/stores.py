"""Which store the hub runs on, from its `--db`: a PostgreSQL URL (postgresql://...) opens the
PostgreSQL store (hub/store_pg.py), anything else is the path of the embedded SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hub.store import HubStore

PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(db: str | Path) -> bool:
    return isinstance(db, str) and db.startswith(PG_SCHEMES)


def open_store(db: str | Path, **options: Any) -> Any:
    """A HubStore (SQLite) or a PgHubStore (PostgreSQL); both offer the same methods."""
    if is_postgres(db):
        # imported only here: a SQLite hub (demo, tests, small site) needs no PostgreSQL driver
        from hub.store_pg import PgHubStore

        return PgHubStore(str(db), **options)
    return HubStore(db)
