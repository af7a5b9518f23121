"""The hub's store on PostgreSQL (psycopg 3 with a connection pool), for a city's fleet served by
several hub processes at once. Same public interface as hub.store.HubStore.

What makes several processes safe here, where the SQLite store relies on one lock:
- idempotency: UNIQUE (terminal_id, idempotency_key) and INSERT ... ON CONFLICT DO NOTHING; the
  loser of a race between two processes reads the winner's case and answers "duplicate";
- replay: the nonce table is shared, INSERT ... ON CONFLICT DO NOTHING, so a request replayed to
  another process is refused there too;
- ticket numbers: a transaction-scoped advisory lock per (day, prefix);
- migrations: an advisory lock, so processes starting together migrate once.

The staff console's modules reach the database through `transaction()` / `reading()`, which yield a
small adapter speaking the subset of sqlite-utils they use (`execute` with `?` placeholders,
`db[table].insert/upsert`).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from hub.field_vault import (
    FieldVault,
    VaultError,
    case_associated_data,
    comment_associated_data,
    protected_fields,
)
from hub.schema import PG_MIGRATIONS
from hub.store import (
    CASE_STATUSES,
    NONCE_IF_CURRENT,
    RATEABLE_STATUSES,
    STATUS_NOTES,
    ItemAnswer,
    StoreError,
    Terminal,
    body_digest,
    nonce_if_current_args,
    token_digest,
    utc_now_iso,
)

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


class PgHubStore:
    """The hub's state in PostgreSQL. Thread-safe and multi-process-safe (see the module's text)."""

    # answered 503 storage_unavailable: the server gone or restarting, no pooled connection in time
    storage_errors: tuple[type[Exception], ...] = (psycopg.OperationalError, PoolTimeout)

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

    # --- personal values at rest (as hub.store.HubStore) --------------------------------------------

    def _seal(self, fields: dict[str, Any], associated: bytes) -> bytes:
        if not fields:
            return b""
        try:
            if self._vault is None:
                raise VaultError("no key file configured (--key-file)")
            return self._vault.seal(fields, associated)
        except VaultError as exc:
            log.error("field key unavailable: %s", exc)
            raise StoreError("key_unavailable", "the hub cannot protect personal data right now", 503) from exc

    def _open(self, blob: bytes | None, associated: bytes) -> Any:
        if not blob:
            return None
        try:
            if self._vault is None:
                raise VaultError("no key file configured (--key-file)")
            return self._vault.open(bytes(blob), associated)
        except VaultError as exc:
            log.error("sealed values do not open: %s", exc)
            raise StoreError("key_unavailable", "the hub cannot open personal data right now", 503) from exc

    def seal_personal(self, fields: dict[str, Any], associated: bytes) -> bytes:
        """Seal values with the hub's field key, for other tables (hub/profiles.py). StoreError 503."""
        return self._seal(fields, associated)

    def open_personal(self, blob: bytes, associated: bytes) -> Any:
        return self._open(blob, associated)

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
                conn.execute("INSERT INTO hub_schema (version) VALUES (%s)", [version])

    @contextmanager
    def transaction(self) -> Iterator[PgDatabase]:
        """A transaction: committed when the block ends, rolled back when it raises."""
        with self._pool.connection() as conn:
            yield PgDatabase(conn)

    reading = transaction

    reads_after_commit = True  # pipelined(): a cursor's rows can be read after the block

    @contextmanager
    def pipelined(self, durable: bool = True) -> Iterator[PgDatabase]:
        """A transaction whose statements go out together (psycopg's pipeline mode): BEGIN, the
        statements issued before the first fetch, and at the end COMMIT, each batch in one round
        trip. `durable=False` commits without waiting for the WAL to reach the disk (SET LOCAL
        synchronous_commit = off): for soft state only, see the README's load section."""
        with self._pool.connection() as conn, conn.pipeline(), conn.transaction():
            if not durable:
                conn.execute("SET LOCAL synchronous_commit TO OFF")
            yield PgDatabase(conn)

    def close(self) -> None:
        self._pool.close()
        self._side.close()

    # --- terminals and replay protection ------------------------------------------------------------

    def register_terminal(self, terminal_id: str, token: str, hmac_key: bytes) -> None:
        with self.transaction() as db:
            db["terminals"].upsert(
                {
                    "terminal_id": terminal_id,
                    "token_sha256": token_digest(token),
                    "hmac_key": base64.b64encode(hmac_key).decode("ascii"),
                    "revoked": 0,
                    "enrolled_at": utc_now_iso(),
                },
                pk="terminal_id",
            )

    def fleet_card_salt(self) -> bytes:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO fleet (key, value, created_at) VALUES ('card_hash_salt', %s, %s)"
                " ON CONFLICT (key) DO NOTHING",
                [base64.b64encode(os.urandom(32)).decode("ascii"), utc_now_iso()],
            )
            row = conn.execute("SELECT value FROM fleet WHERE key = 'card_hash_salt'").fetchone()
        return base64.b64decode(row[0])

    def revoke_terminal(self, terminal_id: str) -> None:
        with self._pool.connection() as conn:
            conn.execute("UPDATE terminals SET revoked = 1 WHERE terminal_id = %s", [terminal_id])

    def terminal(self, terminal_id: str) -> Terminal | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT terminal_id, token_sha256, hmac_key, revoked FROM terminals WHERE terminal_id = %s",
                [terminal_id],
            ).fetchone()
        if row is None:
            return None
        return Terminal(row[0], row[1], base64.b64decode(row[2]), bool(row[3]))

    def remember_nonce(
        self, terminal_id: str, nonce: str, window_s: float, current: Terminal | None = None
    ) -> bool:
        """Record a nonce; False when any hub process saw it from this terminal before (a replay).
        With `current`: only while the terminal's row still holds these credentials (as HubStore)."""
        now = time.time()
        # one round trip (pipeline), and the commit does not wait for the disk: the nonce is the
        # replay guard, not data; WAL is flushed in order, so the nonce of every request whose own
        # writes were committed durably is on disk with them (README, load section)
        with self.pipelined(durable=False) as db:
            conn = db.conn
            if now - self._last_nonce_purge > 10:
                self._last_nonce_purge = now
                conn.execute("DELETE FROM nonces WHERE seen_at < %s", [now - 2 * window_s])
            if current is None:
                cur = conn.execute(
                    "INSERT INTO nonces (terminal_id, nonce, seen_at) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    [terminal_id, nonce, now],
                )
            else:
                cur = conn.execute(
                    NONCE_IF_CURRENT.replace("?", "%s") + " ON CONFLICT DO NOTHING",
                    nonce_if_current_args(current, nonce, now),
                )
        return cur.rowcount == 1

    # --- submissions --------------------------------------------------------------------------------

    def submit(
        self,
        terminal_id: str,
        items: list[tuple[dict[str, Any], str | None]],
        catalogue_classes: dict[str, dict[str, str]] | None = None,
    ) -> list[ItemAnswer]:
        """As HubStore.submit; a key stored by another process meanwhile answers as first stored."""
        answers: list[ItemAnswer] = []
        received_at = utc_now_iso()
        with self._pool.connection() as conn:
            for item, rejection in items:
                key = str(item.get("idempotency_key", ""))
                classes = (catalogue_classes or {}).get(str(item.get("service_id")), {})
                try:
                    with conn.transaction():  # a savepoint: an unstorable item is rejected alone
                        answer = self._submit_one(conn, terminal_id, key, item, rejection, received_at, classes)
                except (ValueError, TypeError, OverflowError, RecursionError, psycopg.DataError):
                    answer = ItemAnswer(key, "rejected", reason=rejection or "unstorable")
                answers.append(answer)
        return answers

    def _submit_one(
        self,
        conn: psycopg.Connection,
        terminal_id: str,
        key: str,
        item: dict[str, Any],
        rejection: str | None,
        received_at: str,
        classes: dict[str, str],
    ) -> ItemAnswer:
        digest = body_digest(item)
        known = self._known(conn, terminal_id, key, digest)
        if known is not None:
            return known
        if rejection is not None:
            return ItemAnswer(key, "rejected", reason=rejection)
        case_id = self._insert_case(conn, terminal_id, item, digest, received_at, classes)
        if case_id is not None:
            return ItemAnswer(key, "accepted", case_id=case_id)
        known = self._known(conn, terminal_id, key, digest)  # another process stored the key meanwhile
        assert known is not None
        return known

    @staticmethod
    def _known(conn: psycopg.Connection, terminal_id: str, key: str, digest: str) -> ItemAnswer | None:
        row = conn.execute(
            "SELECT case_id, body_sha256 FROM cases WHERE terminal_id = %s AND idempotency_key = %s",
            [terminal_id, key],
        ).fetchone()
        if row is None:
            return None
        if row[1] == digest:
            return ItemAnswer(key, "duplicate", case_id=row[0])
        return ItemAnswer(key, "rejected", reason="idempotency_key_reused")

    def _insert_case(
        self,
        conn: psycopg.Connection,
        terminal_id: str,
        item: dict[str, Any],
        digest: str,
        received_at: str,
        classes: dict[str, str],
    ) -> str | None:
        """The new case id, or None when the key was stored meanwhile (the unique constraint held)."""
        payload = item["payload"]
        card_hash = payload.get("card_hash") if isinstance(payload.get("card_hash"), str) else None
        protected = protected_fields(payload, item.get("field_classes"), classes)
        clear = {k: v for k, v in payload.items() if k not in protected}
        sealed = self._seal(
            {k: payload[k] for k in protected}, case_associated_data(terminal_id, item["idempotency_key"])
        )
        seq = conn.execute("SELECT nextval(pg_get_serial_sequence('cases', 'seq'))").fetchone()[0]
        case_id = f"C{seq:07d}"
        cur = conn.execute(
            "INSERT INTO cases (seq, case_id, terminal_id, idempotency_key, body_sha256, local_ref, service_id,"
            " catalog_version, created_at, received_at, payload, sealed, card_hash, status)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'received')"
            " ON CONFLICT (terminal_id, idempotency_key) DO NOTHING",
            [
                seq,
                case_id,
                terminal_id,
                item["idempotency_key"],
                digest,
                item["local_ref"],
                item["service_id"],
                item["catalog_version"],
                item["created_at"],
                received_at,
                json.dumps(clear, ensure_ascii=False),
                sealed,
                card_hash,
            ],
        )
        if cur.rowcount == 0:
            return None
        self._add_event(conn, case_id, "received", received_at)
        return case_id

    @staticmethod
    def _add_event(
        conn: psycopg.Connection,
        case_id: str,
        status: str,
        at: str,
        note: str = "",
        written: dict[str, str] | None = None,
    ) -> None:
        notes = dict(STATUS_NOTES.get(status, {}))
        if note:
            notes = {"zh": note, "en": note}
        notes.update({lang: text for lang, text in (written or {}).items() if text.strip()})
        conn.execute(
            "INSERT INTO case_events (case_id, at, status, note) VALUES (%s, %s, %s, %s)",
            [case_id, at, status, json.dumps(notes, ensure_ascii=False)],
        )

    # --- cases ----------------------------------------------------------------------------------------

    @staticmethod
    def _dicts(cur: psycopg.Cursor) -> list[dict[str, Any]]:
        names = [d.name for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def list_cases(self) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            return self._dicts(
                conn.execute(
                    "SELECT case_id, terminal_id, idempotency_key, local_ref, service_id, catalog_version,"
                    " created_at, received_at, status, rating FROM cases ORDER BY seq"
                )
            )

    def _find_case_row(self, conn: psycopg.Connection, ref: str, lock: bool = False) -> dict[str, Any] | None:
        rows = self._dicts(
            conn.execute(
                "SELECT case_id, local_ref, service_id, status, rating FROM cases"
                " WHERE case_id = %s OR local_ref = %s ORDER BY seq LIMIT 1" + (" FOR UPDATE" if lock else ""),
                [ref, ref],
            )
        )
        return rows[0] if rows else None

    @staticmethod
    def _case_json(conn: psycopg.Connection, row: dict[str, Any]) -> dict[str, Any]:
        events = conn.execute(
            "SELECT at, status, note FROM case_events WHERE case_id = %s ORDER BY id", [row["case_id"]]
        ).fetchall()
        return {
            "case_id": row["case_id"],
            "local_ref": row["local_ref"] or "",
            "service_id": row["service_id"],
            "status": row["status"],
            "timeline": [{"at": at, "status": st, "note": json.loads(note or "{}")} for at, st, note in events],
            "rating": row["rating"],
            "can_rate": row["rating"] is None and row["status"] in RATEABLE_STATUSES,
        }

    def case(self, ref: str) -> dict[str, Any] | None:
        with self._pool.connection() as conn:
            row = self._find_case_row(conn, ref)
            return None if row is None else self._case_json(conn, row)

    def cases_for_card(self, card_hash: str) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            rows = self._dicts(
                conn.execute(
                    "SELECT case_id, local_ref, service_id, status, rating FROM cases WHERE card_hash = %s"
                    " ORDER BY seq DESC LIMIT 50",
                    [card_hash],
                )
            )
            return [self._case_json(conn, r) for r in rows]

    def advance_case(
        self, ref: str, status: str, note: str = "", notes: dict[str, str] | None = None
    ) -> dict[str, Any]:
        if status not in CASE_STATUSES:
            raise StoreError("invalid_status", f"status must be one of {', '.join(CASE_STATUSES)}", 422)
        with self._pool.connection() as conn:
            row = self._find_case_row(conn, ref, lock=True)
            if row is None:
                raise StoreError("not_found", "no such case", 404)
            conn.execute("UPDATE cases SET status = %s WHERE case_id = %s", [status, row["case_id"]])
            self._add_event(conn, row["case_id"], status, utc_now_iso(), note, notes)
            return self._case_json(conn, {**row, "status": status})

    def case_details(self, ref: str) -> dict[str, Any] | None:
        """A case with its payload and rating comment decrypted: for staff views only."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT case_id, terminal_id, idempotency_key, payload, sealed, rating_comment_sealed"
                " FROM cases WHERE case_id = %s OR local_ref = %s ORDER BY seq LIMIT 1",
                [ref, ref],
            ).fetchone()
        case = self.case(ref)
        if row is None or case is None:
            return None
        case_id, terminal_id, key, clear, sealed, comment_sealed = row
        payload = json.loads(clear or "{}")
        payload.update(self._open(sealed, case_associated_data(terminal_id, key)) or {})
        comment = (self._open(comment_sealed, comment_associated_data(case_id)) or {}).get("comment")
        return {**case, "payload": payload, "rating_comment": comment or ""}

    def case_record(self, ref: str) -> dict[str, Any] | None:
        """As HubStore.case_record: the staff console's view of a case, payload decrypted."""
        with self._pool.connection() as conn:
            rows = self._dicts(
                conn.execute(
                    "SELECT case_id, terminal_id, idempotency_key, local_ref, service_id, catalog_version,"
                    " created_at, received_at, status, rating, assigned_to FROM cases"
                    " WHERE case_id = %s OR local_ref = %s ORDER BY seq LIMIT 1",
                    [ref, ref],
                )
            )
        details = self.case_details(ref) if rows else None
        if not rows or details is None:
            return None
        return {**rows[0], "payload": details["payload"], "rating_comment": details["rating_comment"]}

    def rate_case(self, ref: str, stars: int, comment: str) -> dict[str, Any]:
        with self._pool.connection() as conn:
            row = self._find_case_row(conn, ref, lock=True)
            if row is None:
                raise StoreError("not_found", "no such case", 404)
            if row["status"] not in RATEABLE_STATUSES:
                raise StoreError("not_finished", "only a resolved or closed case can be rated", 409)
            if row["rating"] is not None:
                raise StoreError("already_rated", "this case has been rated already", 409)
            # a comment is the resident's own words: sealed like personal data
            sealed = self._seal({"comment": comment} if comment else {}, comment_associated_data(row["case_id"]))
            conn.execute(
                "UPDATE cases SET rating = %s, rating_comment_sealed = %s WHERE case_id = %s",
                [stars, sealed, row["case_id"]],
            )
            return self._case_json(conn, {**row, "rating": stars})

    def seed_case(
        self, case_id: str, local_ref: str, service_id: str, statuses: list[str], card_hash: str | None = None
    ) -> None:
        now = utc_now_iso()
        with self._pool.connection() as conn:
            cur = conn.execute(
                "INSERT INTO cases (case_id, terminal_id, idempotency_key, body_sha256, local_ref, service_id,"
                " catalog_version, created_at, received_at, payload, card_hash, status)"
                " VALUES (%s, 'DEMO', %s, '', %s, %s, 'demo', %s, %s, '{}', %s, %s) ON CONFLICT DO NOTHING",
                [case_id, f"demo-{case_id}", local_ref, service_id, now, now, card_hash, statuses[-1]],
            )
            if cur.rowcount == 0:
                conn.execute(
                    "UPDATE cases SET local_ref = %s, card_hash = COALESCE(%s, card_hash)"
                    " WHERE case_id = %s AND terminal_id = 'DEMO'",
                    [local_ref, card_hash, case_id],
                )
                return
            for status in statuses:
                self._add_event(conn, case_id, status, now)

    # --- tickets, records, heartbeats ----------------------------------------------------------------

    def issue_ticket(self, prefix: str, service_id: str, day: str) -> tuple[int, int]:
        with self._pool.connection() as conn:
            # numbers per (day, prefix) are consecutive across processes: one issuer at a time
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"ticket:{day}:{prefix}"])
            last = conn.execute(
                "SELECT COALESCE(MAX(number), 0) FROM tickets WHERE day = %s AND prefix = %s", [day, prefix]
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO tickets (day, prefix, number, service_id, issued_at) VALUES (%s, %s, %s, %s, %s)",
                [day, prefix, last + 1, service_id, utc_now_iso()],
            )
        return last + 1, last

    def remember_record(self, record_id: str, service_id: str, terminal_id: str, issued_at: str) -> None:
        with self.transaction() as db:
            db["records"].upsert(
                {"record_id": record_id, "service_id": service_id, "terminal_id": terminal_id, "issued_at": issued_at},
                pk="record_id",
            )

    def record_heartbeat(self, terminal_id: str, health: dict[str, Any]) -> None:
        with self.transaction() as db:
            db["heartbeats"].upsert(
                {"terminal_id": terminal_id, "received_at": utc_now_iso(), "health": json.dumps(health)},
                pk="terminal_id",
            )

    def terminals_overview(self) -> list[dict[str, Any]]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT t.terminal_id, t.enrolled_at, t.revoked, h.received_at, h.health"
                " FROM terminals t LEFT JOIN heartbeats h ON h.terminal_id = t.terminal_id"
                " ORDER BY t.terminal_id"
            ).fetchall()
        return [
            {
                "terminal_id": terminal_id,
                "enrolled_at": enrolled_at,
                "revoked": bool(revoked),
                "heartbeat_at": received_at,
                "health": None if health is None else json.loads(health),
            }
            for terminal_id, enrolled_at, revoked, received_at, health in rows
        ]

    def last_heartbeat(self, terminal_id: str) -> dict[str, Any] | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT received_at, health FROM heartbeats WHERE terminal_id = %s", [terminal_id]
            ).fetchone()
        return None if row is None else {"received_at": row[0], "health": json.loads(row[1])}
