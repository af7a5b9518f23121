"""Which store the hub runs on, from its `--db`: a PostgreSQL URL (postgresql://...) opens the
PostgreSQL store (hub/store_pg.py), anything else is the path of the embedded SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hub.store import HubStore

PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(db: str | Path) -> bool:
    return isinstance(db, str) and db.startswith(PG_SCHEMES)


def open_store(db: str | Path, key_path: Path | str | None = None, **options: Any) -> Any:
    """A HubStore (SQLite) or a PgHubStore (PostgreSQL); both offer the same methods. `key_path` is
    the key file for personal values at rest (hub/field_vault.py); for SQLite it defaults to
    ``<db>.key``, for PostgreSQL it is required where values are sealed or opened (every hub process
    of a fleet must use the same key)."""
    if is_postgres(db):
        # imported only here: a SQLite hub (demo, tests, small site) needs no PostgreSQL driver
        from hub.store_pg import PgHubStore

        return PgHubStore(str(db), key_path=key_path, **options)
    return HubStore(db, key_path=key_path)

