"""The hub's store on PostgreSQL (psycopg 3 with a connection pool), for a city's fleet served by
several hub processes at once: the pool, the adapter below and PostgreSQL's side of the hooks in
hub/store_base.py. The logic both stores share is in hub/store_cases.py and hub/store_terminals.py,
so its methods are hub.store.HubStore's.

What makes several processes safe here, where the SQLite store relies on one lock:
- idempotency: UNIQUE (terminal_id, idempotency_key) and INSERT ... ON CONFLICT DO NOTHING; the
  loser of a race between two processes reads the winner's case and answers "duplicate";
- replay: the nonce table is shared, INSERT ... ON CONFLICT DO NOTHING, so a request replayed to
  another process is refused there too;
- ticket numbers: a transaction-scoped advisory lock per (day, prefix);
- migrations: an advisory lock, so processes starting together migrate once.

The shared logic and the staff console's modules reach the database through `transaction()` /
`reading()`, which yield a small adapter speaking the subset of sqlite-utils they use (`execute` with `?` placeholders,
`db[table].insert/upsert`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from hub.field_vault import FieldVault
from hub.schema import PG_DATA_STEPS, PG_MIGRATIONS
from hub.store_base import UNSTORABLE_ERRORS, case_number
from hub.store_cases import CaseStore, event_note
from hub.store_terminals import TerminalStore
from hub.store_types import utc_now_iso

log = logging.getLogger(__name__)

_MIGRATION_LOCK = 72610001  # any constant: the key of the advisory lock taken while migrating


class _Table:
    def __init__(self, conn: psycopg.Connection, name: str) -> None:
        self.conn = conn
        self.name = name

    def _insert_sql(self, row: dict[str, Any]) -> sql.Composed:
        return sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(self.name),
            sql.SQL(", ").join(sql.Identifier(c) for c in row),
            sql.SQL(", ").join(sql.Placeholder() * len(row)),
        )

    def insert(self, row: dict[str, Any]) -> None:
        self.conn.execute(self._insert_sql(row), list(row.values()))

    def upsert(self, row: dict[str, Any], pk: str | tuple[str, ...]) -> None:
        keys = (pk,) if isinstance(pk, str) else pk
        others = [c for c in row if c not in keys]
        statement = self._insert_sql(row) + sql.SQL(" ON CONFLICT ({}) DO UPDATE SET {}").format(
            sql.SQL(", ").join(sql.Identifier(k) for k in keys),
            sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in others),
        )
        self.conn.execute(statement, list(row.values()))


class PgDatabase:
    """What the console's modules use of a sqlite_utils.Database, over one PostgreSQL connection."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def execute(self, query: str, params: list[Any] | tuple[Any, ...] = ()) -> psycopg.Cursor:
        # the console's SQL is written with "?" placeholders and no literal "?" or "%"
        return self.conn.execute(query.replace("?", "%s"), list(params))

    def __getitem__(self, table: str) -> _Table:
        return _Table(self.conn, table)


class PgHubStore(CaseStore, TerminalStore):
    """The hub's state in PostgreSQL. Thread-safe and multi-process-safe (see the module's text)."""

    # answered 503 storage_unavailable: the server gone or restarting, no pooled connection in time
    storage_errors: tuple[type[Exception], ...] = (psycopg.OperationalError, PoolTimeout)
    # a value PostgreSQL refuses (a NUL in a text, a number out of range) rejects that item alone
    unstorable_errors = (*UNSTORABLE_ERRORS, psycopg.DataError)
    # another process may change the same case: its row is locked until the transaction ends
    row_lock = " FOR UPDATE"
    # a heartbeat records its nonce in its own transaction: one round trip for the request
    nonce_with_writes = True

    def __init__(self, url: str, *, key_path: Path | str | None = None, pool_size: int = 8) -> None:
        """`key_path`: the key file for personal values (hub/field_vault.py), the same file for every
        hub process of the fleet; without one, storing or opening a personal value answers 503."""
        self.url = url
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True, name="hub")
        self._pool.wait(timeout=30)
        # the key check is read and written while a case is being sealed, i.e. while the sealing
        # thread holds a pooled connection and others may hold the rest: its own connection, so a
        # full pool cannot wait on itself
        self._side = ConnectionPool(url, min_size=0, max_size=1, open=True, name="hub-key-check")
        self._last_nonce_purge = 0.0
        self._vault = (
            None
            if key_path is None
            else FieldVault(
                Path(key_path),
                stored_check=lambda: self._fleet_value("field_key_check"),
                store_check=lambda digest: self._set_fleet_value("field_key_check", digest),
            )
        )
        self._migrate()

    def _fleet_value(self, key: str) -> str | None:
        with self._side.connection() as conn:
            row = conn.execute("SELECT value FROM fleet WHERE key = %s", [key]).fetchone()
        return None if row is None else row[0]

    def _set_fleet_value(self, key: str, value: str) -> None:
        # committed at once: the check must be stored even if the transaction sealing a case fails
        with self._side.connection() as conn:
            conn.execute(
                "INSERT INTO fleet (key, value, created_at) VALUES (%s, %s, %s) ON CONFLICT (key) DO NOTHING",
                [key, value, utc_now_iso()],
            )

    def seal_plain_cases(self, catalogue_classes: dict[str, dict[str, str]]) -> int:
        """Nothing to do: this store seals from its first schema on, no case was ever stored plain."""
        return 0

    def _migrate(self) -> None:
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
            conn.execute("CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT MAX(version) FROM hub_schema").fetchone()
            current = row[0] or 0
            for version in sorted(v for v in PG_MIGRATIONS if v > current):
                for statement in PG_MIGRATIONS[version]:
                    conn.execute(statement)
                if version in PG_DATA_STEPS:  # what the new tables take over from the old ones
                    PG_DATA_STEPS[version](PgDatabase(conn))
                conn.execute("INSERT INTO hub_schema (version) VALUES (%s)", [version])

    @contextmanager
    def transaction(self) -> Iterator[PgDatabase]:
        """A transaction: committed when the block ends, rolled back when it raises."""
        with self._pool.connection() as conn:
            yield PgDatabase(conn)

    reading = transaction

    @contextmanager
    def snapshot(self) -> Iterator[PgDatabase]:
        """Reads that see the database as of one moment (REPEATABLE READ, read only): another
        process's commit in between is seen wholly or not at all (hub/audit_blocks.py)."""
        with self._pool.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield PgDatabase(conn)

    reads_after_commit = True  # pipelined(): a cursor's rows can be read after the block

    @contextmanager
    def pipelined(self, durable: bool = True) -> Iterator[PgDatabase]:
        """A transaction whose statements go out together (psycopg's pipeline mode): BEGIN, the
        statements issued before the first fetch, and at the end COMMIT, each batch in one round
        trip. `durable=False` commits without waiting for the WAL to reach the disk (SET LOCAL
        synchronous_commit = off): for the replay guard and soft state only, see the README's load
        section."""
        with self._pool.connection() as conn, conn.pipeline(), conn.transaction():
            if not durable:
                conn.execute("SET LOCAL synchronous_commit TO OFF")
            yield PgDatabase(conn)

    def close(self) -> None:
        self._pool.close()
        self._side.close()

    # --- the hooks of hub/store_base.py -------------------------------------------------------------

    def _one_ticket_issuer(self, db: PgDatabase, day: str, prefix: str) -> None:
        # numbers per (day, prefix) are consecutive across processes: one issuer at a time
        db.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [f"ticket:{day}:{prefix}"])

    @staticmethod
    def _item_savepoint(db: PgDatabase) -> psycopg.Transaction:
        return db.conn.transaction()  # nested in the batch's transaction: a savepoint

    @staticmethod
    def _insert_cases(
        db: PgDatabase, rows: list[dict[str, Any]], received_at: str
    ) -> Callable[[], list[str | None]]:
        # one statement per case, all sent in the pipeline with the COMMIT (one round trip): the seq,
        # the case id made from it (as case_number does), the row and its first event together; a key
        # another process stored meanwhile inserts neither (no row returned)
        cursors = []
        for row in rows:
            columns = ", ".join(row)
            cursors.append(
                db.execute(
                    "WITH s AS (SELECT nextval(pg_get_serial_sequence('cases', 'seq')) AS seq),"
                    " c AS (INSERT INTO cases (seq, case_id, " + columns + ") VALUES ((SELECT seq FROM s),"
                    " (SELECT 'C' || lpad(seq::text, greatest(7, length(seq::text)), '0') FROM s), "
                    + ", ".join("?" * len(row))
                    + ") ON CONFLICT (terminal_id, idempotency_key) DO NOTHING RETURNING case_id),"
                    " e AS (INSERT INTO case_events (case_id, at, status, note)"
                    " SELECT case_id, ?, 'received', ? FROM c) SELECT case_id FROM c",
                    [*row.values(), received_at, event_note("received")],
                )
            )
        return lambda: [None if (found := cur.fetchone()) is None else found[0] for cur in cursors]

    @staticmethod
    def _new_case(db: PgDatabase, row: dict[str, Any]) -> str | None:
        # the seq is taken first so the case id goes in with the row; of two processes storing one
        # key, the unique constraint lets one in and the other inserts nothing (rowcount 0)
        seq = db.execute("SELECT nextval(pg_get_serial_sequence('cases', 'seq'))").fetchone()[0]
        case_id = case_number(seq)
        cur = db.execute(
            f"INSERT INTO cases (seq, case_id, {', '.join(row)}) VALUES (?, ?, {', '.join('?' * len(row))})"
            " ON CONFLICT (terminal_id, idempotency_key) DO NOTHING",
            [seq, case_id, *row.values()],
        )
        return case_id if cur.rowcount == 1 else None
