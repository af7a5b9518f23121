"""The reference hub's own SQLite store (sqlite-utils): terminals, nonces, cases and their timelines,
idempotency records, tickets, records issued, heartbeats (the latest per terminal) and fleet-wide
settings (the card-hash salt).

One connection guarded by a lock: the reference hub serves a handful of terminals, and serialising
writes makes "the same idempotency key never creates two cases" hold without further care. WAL with
synchronous=FULL: an answer "accepted" is only sent after the case is on disk.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from hub.field_vault import (
    FieldVault,
    VaultError,
    case_associated_data,
    comment_associated_data,
    default_key_path,
    protected_fields,
)
from hub.schema import SCHEMA_VERSION, migrate

log = logging.getLogger(__name__)

# statuses a case moves through; a resident may rate a case once it is finished
CASE_STATUSES = ("received", "assigned", "in_progress", "resolved", "closed", "rejected")
RATEABLE_STATUSES = ("resolved", "closed")

STATUS_NOTES: dict[str, dict[str, str]] = {
    "received": {"zh": "已受理，等待分派", "en": "Received, waiting to be assigned"},
    "assigned": {"zh": "已分派给责任部门", "en": "Assigned to the responsible office"},
    "in_progress": {"zh": "正在办理", "en": "Being handled"},
    "resolved": {"zh": "已办结", "en": "Done"},
    "closed": {"zh": "已归档", "en": "Closed"},
    "rejected": {"zh": "不予受理", "en": "Not accepted"},
}


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def body_digest(item: dict[str, Any]) -> str:
    """A digest of a submission item that does not depend on key order or JSON spacing. The data
    classes are left out: they describe the values, and an item queued before its terminal sent
    classes and resent after an update is still the same submission."""
    content = {k: v for k, v in item.items() if k != "field_classes"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class StoreError(Exception):
    """A request the store cannot carry out; `error` is the machine-readable code for the answer."""

    def __init__(self, error: str, message: str, status: int) -> None:
        super().__init__(message)
        self.error = error
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Terminal:
    terminal_id: str
    token_sha256: str
    hmac_key: bytes
    revoked: bool

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_sha256, token_digest(token))


# a nonce recorded only while the terminal's row holds the credentials the gate checked (both stores)
NONCE_IF_CURRENT = (
    "INSERT INTO nonces (terminal_id, nonce, seen_at) SELECT terminal_id, ?, ? FROM terminals"
    " WHERE terminal_id = ? AND revoked = 0 AND token_sha256 = ? AND hmac_key = ?"
)


def nonce_if_current_args(current: Terminal, nonce: str, now: float) -> list[Any]:
    key = base64.b64encode(current.hmac_key).decode("ascii")
    return [nonce, now, current.terminal_id, current.token_sha256, key]


@dataclass(frozen=True)
class ItemAnswer:
    """The answer for one submission item, as stored for its idempotency key."""

    idempotency_key: str
    status: str  # accepted | duplicate | rejected
    case_id: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"idempotency_key": self.idempotency_key, "status": self.status}
        if self.case_id is not None:
            out["case_id"] = self.case_id
        if self.reason is not None:
            out["reason"] = self.reason
        return out


class HubStore:
    """The hub's state in one SQLite file. Thread-safe (one connection, one lock)."""

    # what the hub answers 503 storage_unavailable for (disk full, I/O error, a lock held too long)
    storage_errors: tuple[type[Exception], ...] = (sqlite3.OperationalError,)

    def __init__(self, db_path: Path | str, key_path: Path | str | None = None) -> None:
        """`key_path`: the key file for personal values (hub/field_vault.py), default ``<db>.key``;
        read or made only when a value is first sealed or opened."""
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.db_path), check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA secure_delete=ON")  # freed space is zeroed: no old plaintext left in pages
        self._db = sqlite_utils.Database(conn)
        self._vault = FieldVault(
            Path(key_path) if key_path is not None else default_key_path(self.db_path),
            stored_check=lambda: self._fleet_value("field_key_check"),
            store_check=lambda digest: self._set_fleet_value("field_key_check", digest),
        )
        self._lock = threading.RLock()
        self._last_nonce_purge = 0.0
        self._migrate()

    # --- schema ------------------------------------------------------------------------------------

    def _migrate(self) -> None:
        # readers (tests, the CLI) opening a live hub's file need no write lock when it is current
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        with self._tx() as db:
            migrate(db)

    @contextmanager
    def _tx(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction (BEGIN IMMEDIATE), under the lock."""
        with self._lock:
            conn = self._db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.conn.close()

    # the staff console's modules (hub/staff.py, hub/console/) and the fleet modules
    # (hub/audit_store.py, hub/commands.py, hub/enrolment_codes.py) keep their own SQL next to their
    # logic and reach the database only through these two
    def transaction(self) -> contextlib.AbstractContextManager[sqlite_utils.Database]:
        """A write transaction under the store's lock."""
        return self._tx()

    reads_after_commit = False  # pipelined(): read the cursors inside the block (one connection, a lock)

    def pipelined(self, durable: bool = True) -> contextlib.AbstractContextManager[sqlite_utils.Database]:
        """A transaction (as PgHubStore.pipelined; here every commit is durable: one local file)."""
        return self._tx()

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        """The database under the store's lock, for reads."""
        with self._lock:
            yield self._db

    # --- terminals and replay protection ------------------------------------------------------------

    def register_terminal(self, terminal_id: str, token: str, hmac_key: bytes) -> None:
        """Enrol (or re-enrol, replacing the old credentials) a terminal."""
        with self._tx() as db:
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

    def _fleet_value(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM fleet WHERE key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def _set_fleet_value(self, key: str, value: str) -> None:
        sql = "INSERT OR IGNORE INTO fleet (key, value, created_at) VALUES (?, ?, ?)"
        with self._lock:
            if self._db.conn.in_transaction:  # called while sealing inside a write transaction
                self._db.execute(sql, [key, value, utc_now_iso()])
                return
        with self._tx() as db:
            db.execute(sql, [key, value, utc_now_iso()])

    # --- personal values at rest ---------------------------------------------------------------------

    def _seal(self, fields: dict[str, Any], associated: bytes) -> bytes:
        if not fields:
            return b""  # nothing to protect (an empty blob, not NULL: NULL marks a row from before v3)
        try:
            return self._vault.seal(fields, associated)
        except VaultError as exc:
            log.error("field key unavailable: %s", exc)
            raise StoreError(
                "key_unavailable", "the hub cannot protect personal data right now", 503
            ) from exc

    def _open(self, blob: bytes | None, associated: bytes) -> Any:
        if not blob:
            return None
        try:
            return self._vault.open(blob, associated)
        except VaultError as exc:
            log.error("sealed values do not open: %s", exc)
            raise StoreError("key_unavailable", "the hub cannot open personal data right now", 503) from exc

    def seal_personal(self, fields: dict[str, Any], associated: bytes) -> bytes:
        """Seal values with the hub's field key, for other tables (hub/profiles.py). StoreError 503."""
        return self._seal(fields, associated)

    def open_personal(self, blob: bytes, associated: bytes) -> Any:
        return self._open(blob, associated)

    def fleet_card_salt(self) -> bytes:
        """The fleet-wide salt for card hashes, made once (32 random bytes) and the same for every
        terminal from then on, so a card's cases are found whichever terminal the resident uses."""
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO fleet (key, value, created_at) VALUES ('card_hash_salt', ?, ?)",
                [base64.b64encode(os.urandom(32)).decode("ascii"), utc_now_iso()],
            )
            row = db.execute("SELECT value FROM fleet WHERE key = 'card_hash_salt'").fetchone()
        return base64.b64decode(row[0])

    def revoke_terminal(self, terminal_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE terminals SET revoked = 1 WHERE terminal_id = ?", [terminal_id])

    def terminal(self, terminal_id: str) -> Terminal | None:
        with self._lock:
            row = self._db.execute(
                "SELECT terminal_id, token_sha256, hmac_key, revoked FROM terminals WHERE terminal_id = ?",
                [terminal_id],
            ).fetchone()
        if row is None:
            return None
        return Terminal(row[0], row[1], base64.b64decode(row[2]), bool(row[3]))

    def remember_nonce(
        self, terminal_id: str, nonce: str, window_s: float, current: Terminal | None = None
    ) -> bool:
        """Record a nonce; False when this terminal used it before (a replay). Old nonces are purged:
        a request older than the window is refused by its timestamp anyway. With `current`, the
        nonce is recorded only while the terminal's row still holds these credentials, unrevoked
        (False too when it does not): the gate's cached row is checked in the same statement."""
        now = time.time()
        with self._tx() as db:
            if now - self._last_nonce_purge > 10:
                self._last_nonce_purge = now
                db.execute("DELETE FROM nonces WHERE seen_at < ?", [now - 2 * window_s])
            try:
                if current is None:
                    db.execute(
                        "INSERT INTO nonces (terminal_id, nonce, seen_at) VALUES (?, ?, ?)",
                        [terminal_id, nonce, now],
                    )
                    return True
                return db.execute(NONCE_IF_CURRENT, nonce_if_current_args(current, nonce, now)).rowcount == 1
            except sqlite3.IntegrityError:
                return False

    # --- submissions --------------------------------------------------------------------------------

    def submit(
        self,
        terminal_id: str,
        items: list[tuple[dict[str, Any], str | None]],
        catalogue_classes: dict[str, dict[str, str]] | None = None,
    ) -> list[ItemAnswer]:
        """Store a batch in one transaction. Each entry is (item, rejection reason or None).

        Personal and sensitive payload fields are sealed (hub/field_vault.py) by the item's own
        `field_classes` and by `catalogue_classes` (service id -> field -> class), whichever is stricter.

        Per idempotency key (scoped to the terminal): the first accepted item creates a case; the same
        key again answers "duplicate" with that case id; the same key with a different body is
        rejected with reason "idempotency_key_reused" and creates nothing.
        """
        answers: list[ItemAnswer] = []
        received_at = utc_now_iso()
        with self._tx() as db:
            for item, rejection in items:
                key = str(item.get("idempotency_key", ""))
                # each item in its own savepoint: a value that cannot be stored (the app's checks
                # should have rejected it already) rejects that item alone, the others are kept
                db.execute("SAVEPOINT item")
                try:
                    classes = (catalogue_classes or {}).get(str(item.get("service_id")), {})
                    answer = self._submit_one(db, terminal_id, key, item, rejection, received_at, classes)
                except (ValueError, TypeError, OverflowError, RecursionError):
                    db.execute("ROLLBACK TO item")
                    answer = ItemAnswer(key, "rejected", reason=rejection or "unstorable")
                db.execute("RELEASE item")
                answers.append(answer)
        return answers

    def _submit_one(
        self,
        db: sqlite_utils.Database,
        terminal_id: str,
        key: str,
        item: dict[str, Any],
        rejection: str | None,
        received_at: str,
        classes: dict[str, str],
    ) -> ItemAnswer:
        digest = body_digest(item)
        # a known key answers as first stored, even if the item would not pass today's checks
        # (e.g. its service left the catalogue since): the resident's case exists
        row = db.execute(
            "SELECT case_id, body_sha256 FROM cases WHERE terminal_id = ? AND idempotency_key = ?",
            [terminal_id, key],
        ).fetchone()
        if row is not None:
            if row[1] == digest:
                return ItemAnswer(key, "duplicate", case_id=row[0])
            return ItemAnswer(key, "rejected", reason="idempotency_key_reused")
        if rejection is not None:
            return ItemAnswer(key, "rejected", reason=rejection)
        case_id = self._insert_case(db, terminal_id, item, digest, received_at, classes)
        return ItemAnswer(key, "accepted", case_id=case_id)

    def _insert_case(
        self,
        db: sqlite_utils.Database,
        terminal_id: str,
        item: dict[str, Any],
        digest: str,
        received_at: str,
        classes: dict[str, str],
    ) -> str:
        payload = item["payload"]
        card_hash = payload.get("card_hash") if isinstance(payload.get("card_hash"), str) else None
        protected = protected_fields(payload, item.get("field_classes"), classes)
        clear = {k: v for k, v in payload.items() if k not in protected}
        sealed = self._seal(
            {k: payload[k] for k in protected}, case_associated_data(terminal_id, item["idempotency_key"])
        )
        cur = db.execute(
            "INSERT INTO cases (case_id, terminal_id, idempotency_key, body_sha256, local_ref, service_id,"
            " catalog_version, created_at, received_at, payload, sealed, card_hash, status)"
            " VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')",
            [
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
        seq = cur.lastrowid
        case_id = f"C{seq:07d}"
        db.execute("UPDATE cases SET case_id = ? WHERE seq = ?", [case_id, seq])
        self._add_event(db, case_id, "received", received_at)
        return case_id

    @staticmethod
    def _add_event(
        db: sqlite_utils.Database,
        case_id: str,
        status: str,
        at: str,
        note: str = "",
        written: dict[str, str] | None = None,
    ) -> None:
        notes = dict(STATUS_NOTES.get(status, {}))
        if note:
            notes = {"zh": note, "en": note}
        # a note staff wrote per language replaces the standard words in that language only
        notes.update({lang: text for lang, text in (written or {}).items() if text.strip()})
        db.execute(
            "INSERT INTO case_events (case_id, at, status, note) VALUES (?, ?, ?, ?)",
            [case_id, at, status, json.dumps(notes, ensure_ascii=False)],
        )

    # --- cases ----------------------------------------------------------------------------------------

    def list_cases(self) -> list[dict[str, Any]]:
        """Every case, oldest first: case_id, terminal_id, idempotency_key, local_ref, service_id,
        catalog_version, created_at, received_at, status, rating."""
        with self._lock:
            rows = self._db.execute(
                "SELECT case_id, terminal_id, idempotency_key, local_ref, service_id, catalog_version,"
                " created_at, received_at, status, rating FROM cases ORDER BY seq"
            )
            names = [d[0] for d in rows.description]
            return [dict(zip(names, row, strict=True)) for row in rows.fetchall()]

    def _find_case_row(self, ref: str) -> dict[str, Any] | None:
        rows = self._db.execute(
            "SELECT case_id, local_ref, service_id, status, rating FROM cases"
            " WHERE case_id = ? OR local_ref = ? ORDER BY seq LIMIT 1",
            [ref, ref],
        )
        row = rows.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in rows.description], row, strict=True))

    def _case_json(self, row: dict[str, Any]) -> dict[str, Any]:
        events = self._db.execute(
            "SELECT at, status, note FROM case_events WHERE case_id = ? ORDER BY id", [row["case_id"]]
        ).fetchall()
        return {
            "case_id": row["case_id"],
            "local_ref": row["local_ref"] or "",
            "service_id": row["service_id"],
            "status": row["status"],
            "timeline": [
                {"at": at, "status": st, "note": json.loads(note or "{}")} for at, st, note in events
            ],
            "rating": row["rating"],
            "can_rate": row["rating"] is None and row["status"] in RATEABLE_STATUSES,
        }

    def case(self, ref: str) -> dict[str, Any] | None:
        """A case by case id or local reference, with its timeline; None when unknown."""
        with self._lock:
            row = self._find_case_row(ref)
            return None if row is None else self._case_json(row)

    def case_details(self, ref: str) -> dict[str, Any] | None:
        """A case with its payload and rating comment decrypted: for staff views only (the CLI's
        `show`, a staff console), never for a terminal's answers. None when unknown."""
        with self._lock:
            row = self._db.execute(
                "SELECT case_id, terminal_id, idempotency_key, payload, sealed, rating_comment,"
                " rating_comment_sealed FROM cases WHERE case_id = ? OR local_ref = ? ORDER BY seq LIMIT 1",
                [ref, ref],
            ).fetchone()
            case = self.case(ref)
        if row is None or case is None:
            return None
        case_id, terminal_id, key, clear, sealed, legacy_comment, comment_sealed = row
        payload = json.loads(clear or "{}")
        payload.update(self._open(sealed, case_associated_data(terminal_id, key)) or {})
        comment = (self._open(comment_sealed, comment_associated_data(case_id)) or {}).get("comment")
        return {**case, "payload": payload, "rating_comment": comment or legacy_comment or ""}

    def seal_plain_cases(self, catalogue_classes: dict[str, dict[str, str]]) -> int:
        """Seal the personal values of cases stored before encryption at rest (schema < 3), by the
        catalogue's classes (unknown fields are sealed too). Returns how many cases changed. The old
        plaintext is zeroed (secure_delete) and the WAL truncated, so no copy is left in the files."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, terminal_id, idempotency_key, service_id, payload, case_id, rating_comment"
                " FROM cases WHERE (sealed IS NULL AND payload NOT IN ('', '{}'))"
                " OR (rating_comment IS NOT NULL AND rating_comment != '')"
            ).fetchall()
        if not rows:
            return 0
        with self._tx() as db:
            for seq, terminal_id, key, service_id, clear, case_id, comment in rows:
                payload = json.loads(clear or "{}")
                protected = protected_fields(payload, None, catalogue_classes.get(service_id, {}))
                sealed = self._seal(
                    {k: payload[k] for k in protected}, case_associated_data(terminal_id, key)
                )
                comment_sealed = self._seal(
                    {"comment": comment} if comment else {}, comment_associated_data(case_id)
                )
                db.execute(
                    "UPDATE cases SET payload = ?, sealed = ?, rating_comment = NULL,"
                    " rating_comment_sealed = CASE WHEN ? = x'' THEN rating_comment_sealed ELSE ? END"
                    " WHERE seq = ?",
                    [
                        json.dumps(
                            {k: v for k, v in payload.items() if k not in protected}, ensure_ascii=False
                        ),
                        sealed,
                        comment_sealed,
                        comment_sealed,
                        seq,
                    ],
                )
        with self._lock:
            # rows written before secure_delete may have left plaintext in free space: rebuild the file
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        log.warning("sealed personal values of cases stored in plain text", extra={"cases": len(rows)})
        return len(rows)

    def cases_for_card(self, card_hash: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT case_id, local_ref, service_id, status, rating FROM cases WHERE card_hash = ?"
                " ORDER BY seq DESC LIMIT 50",
                [card_hash],
            )
            names = [d[0] for d in rows.description]
            return [self._case_json(dict(zip(names, r, strict=True))) for r in rows.fetchall()]

    def advance_case(
        self, ref: str, status: str, note: str = "", notes: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Move a case to `status` and add it to the timeline (staff work: the console or the CLI).
        `note` is one text for every language; `notes` ({"zh": .., "en": ..}) one per language.
        Raises StoreError for an unknown case or status."""
        if status not in CASE_STATUSES:
            raise StoreError("invalid_status", f"status must be one of {', '.join(CASE_STATUSES)}", 422)
        with self._tx() as db:
            row = self._find_case_row(ref)
            if row is None:
                raise StoreError("not_found", "no such case", 404)
            db.execute("UPDATE cases SET status = ? WHERE case_id = ?", [status, row["case_id"]])
            self._add_event(db, row["case_id"], status, utc_now_iso(), note, notes)
            return self._case_json({**row, "status": status})

    def case_record(self, ref: str) -> dict[str, Any] | None:
        """Everything the hub holds about a case, payload decrypted (the staff console's case page):
        the columns of list_cases plus payload (dict), rating_comment and assigned_to. None when unknown."""
        with self._lock:
            rows = self._db.execute(
                "SELECT case_id, terminal_id, idempotency_key, local_ref, service_id, catalog_version,"
                " created_at, received_at, status, rating, assigned_to FROM cases"
                " WHERE case_id = ? OR local_ref = ? ORDER BY seq LIMIT 1",
                [ref, ref],
            )
            row = rows.fetchone()
            if row is None:
                return None
            record = dict(zip([d[0] for d in rows.description], row, strict=True))
        details = self.case_details(ref) or {}
        return {**record, "payload": details.get("payload", {}), "rating_comment": details.get("rating_comment", "")}

    def rate_case(self, ref: str, stars: int, comment: str) -> dict[str, Any]:
        """Record a rating once, for a finished case. Raises StoreError (404, 409)."""
        with self._tx() as db:
            row = self._find_case_row(ref)
            if row is None:
                raise StoreError("not_found", "no such case", 404)
            if row["status"] not in RATEABLE_STATUSES:
                raise StoreError("not_finished", "only a resolved or closed case can be rated", 409)
            if row["rating"] is not None:
                raise StoreError("already_rated", "this case has been rated already", 409)
            # a comment is the resident's own words: it may name them, so it is sealed like personal data
            db.execute(
                "UPDATE cases SET rating = ?, rating_comment_sealed = ? WHERE case_id = ?",
                [
                    stars,
                    self._seal(
                        {"comment": comment} if comment else {}, comment_associated_data(row["case_id"])
                    ),
                    row["case_id"],
                ],
            )
            return self._case_json({**row, "rating": stars})

    def seed_case(
        self, case_id: str, local_ref: str, service_id: str, statuses: list[str], card_hash: str | None = None
    ) -> None:
        """A demo case with a ready-made timeline. When it exists, only its local reference and card
        hash are brought up to date (a demo hub kept across enrolments, or seeded before demo references
        took the real format, still finds the demo card's cases and the reference seeded now)."""
        with self._tx() as db:
            if self._find_case_row(case_id) is not None:
                db.execute(
                    "UPDATE cases SET local_ref = ? WHERE case_id = ? AND terminal_id = 'DEMO'",
                    [local_ref, case_id],
                )
                if card_hash is not None:
                    db.execute(
                        "UPDATE cases SET card_hash = ? WHERE case_id = ? AND terminal_id = 'DEMO'",
                        [card_hash, case_id],
                    )
                return
            now = utc_now_iso()
            db.execute(
                "INSERT INTO cases (case_id, terminal_id, idempotency_key, body_sha256, local_ref, service_id,"
                " catalog_version, created_at, received_at, payload, card_hash, status)"
                " VALUES (?, 'DEMO', ?, '', ?, ?, 'demo', ?, ?, '{}', ?, ?)",
                [case_id, f"demo-{case_id}", local_ref, service_id, now, now, card_hash, statuses[-1]],
            )
            for status in statuses:
                self._add_event(db, case_id, status, now)

    # --- tickets, records, heartbeats ----------------------------------------------------------------

    def issue_ticket(self, prefix: str, service_id: str, day: str) -> tuple[int, int]:
        """The next number for `prefix` today and how many were issued before it today."""
        with self._tx() as db:
            last = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM tickets WHERE day = ? AND prefix = ?", [day, prefix]
            ).fetchone()[0]
            db.execute(
                "INSERT INTO tickets (day, prefix, number, service_id, issued_at) VALUES (?, ?, ?, ?, ?)",
                [day, prefix, last + 1, service_id, utc_now_iso()],
            )
        return last + 1, last

    def remember_record(self, record_id: str, service_id: str, terminal_id: str, issued_at: str) -> None:
        with self._tx() as db:
            db["records"].upsert(
                {
                    "record_id": record_id,
                    "service_id": service_id,
                    "terminal_id": terminal_id,
                    "issued_at": issued_at,
                },
                pk="record_id",
            )

    def record_heartbeat(self, terminal_id: str, health: dict[str, Any]) -> None:
        with self._tx() as db:
            db["heartbeats"].upsert(
                {"terminal_id": terminal_id, "received_at": utc_now_iso(), "health": json.dumps(health)},
                pk="terminal_id",
            )

    def terminals_overview(self) -> list[dict[str, Any]]:
        """Every enrolled terminal with its latest heartbeat (None when it never sent one), by id:
        terminal_id, enrolled_at, revoked, heartbeat_at, health."""
        with self._lock:
            rows = self._db.execute(
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
        with self._lock:
            row = self._db.execute(
                "SELECT received_at, health FROM heartbeats WHERE terminal_id = ?", [terminal_id]
            ).fetchone()
        return None if row is None else {"received_at": row[0], "health": json.loads(row[1])}
