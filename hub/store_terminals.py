"""Terminals, written once for both stores: their credentials and revocation, the nonces that refuse
a replayed request, the fleet-wide card-hash salt, their heartbeats, and the ticket numbers and
records they issue. The SQL is the stores' common one (see hub/store_base.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hub.store_base import StoreBase
from hub.store_types import StoreError, Terminal, token_digest, utc_now_iso

# a nonce recorded only while the terminal's row holds the credentials the gate checked
NONCE_IF_CURRENT = (
    "INSERT INTO nonces (terminal_id, nonce, seen_at) SELECT terminal_id, ?, ? FROM terminals"
    " WHERE terminal_id = ? AND revoked = 0 AND token_sha256 = ? AND hmac_key = ? ON CONFLICT DO NOTHING"
)


def nonce_if_current_args(current: Terminal, nonce: str, now: float) -> list[Any]:
    key = base64.b64encode(current.hmac_key).decode("ascii")
    return [nonce, now, current.terminal_id, current.token_sha256, key]


# PostgreSQL only (a data-modifying WITH): the heartbeat's report stored only when its nonce is
# recorded (NONCE_IF_CURRENT), in one statement; no row changed = a replay or credentials changed
HEARTBEAT_IF_NONCE = (
    "WITH n AS (" + NONCE_IF_CURRENT + " RETURNING 1)"
    " INSERT INTO heartbeats (terminal_id, received_at, health) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM n)"
    " ON CONFLICT (terminal_id) DO UPDATE SET received_at = excluded.received_at, health = excluded.health"
)


@dataclass(frozen=True)
class PendingNonce:
    """A request's nonce the gate checked everything else of, to be recorded by the endpoint's own
    transaction (hub/fleet_routes.py Fleet.beat) while the terminal's row still holds `current`."""

    current: Terminal
    nonce: str
    now: float
    window_s: float


class NonceNotRecorded(Exception):
    """A request's nonce, recorded in its endpoint's own transaction, was not: seen before, or the
    terminal's row no longer holds the credentials it was checked with. Nothing was stored."""


class TerminalStore(StoreBase):
    # --- terminals and replay protection ------------------------------------------------------------

    def register_terminal(self, terminal_id: str, token: str, hmac_key: bytes) -> None:
        """Enrol (or re-enrol, replacing the old credentials) a terminal."""
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
        """The fleet-wide salt for card hashes, made once (32 random bytes) and the same for every
        terminal from then on, so a card's cases are found whichever terminal the resident uses."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO fleet (key, value, created_at) VALUES ('card_hash_salt', ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                [base64.b64encode(os.urandom(32)).decode("ascii"), utc_now_iso()],
            )
            row = db.execute("SELECT value FROM fleet WHERE key = 'card_hash_salt'").fetchone()
        return base64.b64decode(row[0])

    def revoke_terminal(self, terminal_id: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE terminals SET revoked = 1 WHERE terminal_id = ?", [terminal_id])

    def terminal(self, terminal_id: str) -> Terminal | None:
        with self.reading() as db:
            row = db.execute(
                "SELECT terminal_id, token_sha256, hmac_key, revoked FROM terminals WHERE terminal_id = ?",
                [terminal_id],
            ).fetchone()
        if row is None:
            return None
        return Terminal(row[0], row[1], base64.b64decode(row[2]), bool(row[3]))

    def remember_nonce(
        self, terminal_id: str, nonce: str, window_s: float, current: Terminal | None = None
    ) -> bool:
        """Record a nonce; False when this terminal used it before (a replay), seen by any hub process
        on the same database. Old nonces are purged: a request older than the window is refused by
        its timestamp anyway. With `current`, the nonce is recorded only while the terminal's row
        still holds these credentials, unrevoked (False too when it does not): the gate's cached row
        (hub/auth.py) is checked in the same statement.

        On PostgreSQL one round trip whose commit does not wait for the disk: the nonce is the replay
        guard, not data, and WAL is flushed in order, so the nonce of every request whose own writes
        committed durably is on disk with them (README, load section)."""
        now = time.time()
        with self.pipelined(durable=False) as db:
            self.purge_old_nonces(db, now, window_s)
            if current is None:
                cur = db.execute(
                    "INSERT INTO nonces (terminal_id, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [terminal_id, nonce, now],
                )
            else:
                cur = db.execute(NONCE_IF_CURRENT, nonce_if_current_args(current, nonce, now))
        return cur.rowcount == 1

    # whether a request's nonce may be recorded in its endpoint's own transaction (HEARTBEAT_IF_NONCE)
    nonce_with_writes = False

    def purge_old_nonces(self, db: Any, now: float, window_s: float) -> None:
        """Every 10 s: nonces older than twice the window go (such a request is refused by its
        timestamp anyway)."""
        if now - self._last_nonce_purge > 10:
            self._last_nonce_purge = now
            db.execute("DELETE FROM nonces WHERE seen_at < ?", [now - 2 * window_s])

    # --- tickets, records, heartbeats ----------------------------------------------------------------

    def issue_ticket(self, prefix: str, service_id: str, day: str) -> tuple[int, int]:
        """The next number for `prefix` today and how many were issued before it today."""
        with self.transaction() as db:
            self._one_ticket_issuer(db, day, prefix)
            last = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM tickets WHERE day = ? AND prefix = ?", [day, prefix]
            ).fetchone()[0]
            db.execute(
                "INSERT INTO tickets (day, prefix, number, service_id, issued_at) VALUES (?, ?, ?, ?, ?)",
                [day, prefix, last + 1, service_id, utc_now_iso()],
            )
        return last + 1, last

    def issue_record_number(self, terminal_id: str, service_id: str, issued_at: str) -> str:
        """A new document number, `R<day>-<terminal>-<n>` (n counts this terminal's documents of the
        day from 0001), kept with what it names in the same transaction: a number is in the
        register before any slip shows it, so a restart or a power loss cannot hand it out again,
        and every terminal counts on its own (no two terminals' numbers meet). Walk 6, finding M6:
        the number was a digest of the resident and the service, so every certificate of one
        resident on one day had the same number and the register kept only the last one."""
        with self.transaction() as db:
            return self._new_record_number(db, terminal_id, service_id, issued_at, None)

    def issue_record(
        self,
        terminal_id: str,
        service_id: str,
        request_id: str | None,
        make: Callable[[Callable[[str], str]], dict[str, Any]],
    ) -> dict[str, Any]:
        """The document `make(number)` builds (`number(issued_at)` gives it its number, as
        issue_record_number does), in one transaction with its number. With a `request_id` (the
        terminal's, for one resident's request, sent again when its answer was lost: issue 12) the
        document is kept with it, and the same terminal asking again with that id gets that same
        document back, not a second number; the id with another service is refused (409
        request_id_reused). Without one, every call is a new document (terminals before it)."""
        with self.transaction() as db:
            if request_id is None:
                return make(lambda at: self._new_record_number(db, terminal_id, service_id, at, None))
            # one request id at a time across hub processes: the loser of a race reads the winner's
            self._one_ticket_issuer(db, "request", f"{terminal_id}:{request_id}")
            kept = db.execute(
                "SELECT record_id, service_id, issued_at, document FROM records"
                " WHERE terminal_id = ? AND request_id = ?",
                [terminal_id, request_id],
            ).fetchone()
            if kept is not None:
                record_id, kept_service, issued_at, digest = kept
                if kept_service != service_id or digest is None:
                    raise StoreError("request_id_reused", "this request id was used for another document", 409)
                # made again from what the hub holds, with the number and time it had: the same
                # document, unless the request is about someone or something else (then refused)
                document = make(lambda _at: record_id)
                document["issued_at"] = issued_at
                if _document_digest(document) != digest:
                    raise StoreError("request_id_reused", "this request id was used for another document", 409)
                return document
            document = make(lambda at: self._new_record_number(db, terminal_id, service_id, at, request_id))
            # a digest, not the document: its rows are a resident's values (the review, finding 3:
            # contribution bases and totals in the clear); the register keeps number and time
            db.execute(
                "UPDATE records SET document = ? WHERE record_id = ?",
                [_document_digest(document), document["record_id"]],
            )
        return document

    def _new_record_number(
        self, db: Any, terminal_id: str, service_id: str, issued_at: str, request_id: str | None
    ) -> str:
        day = issued_at[:10].replace("-", "")
        prefix = f"R{day}-{terminal_id}-"
        # the day's documents of this terminal by the (terminal_id, issued_at) index: a range of ISO
        # times sorts alike in SQLite and in any PostgreSQL collation, a LIKE on the key does not
        next_day = (date.fromisoformat(issued_at[:10]) + timedelta(days=1)).isoformat()
        self._one_ticket_issuer(db, day, prefix)  # one issuer of this terminal's numbers a day
        issued = db.execute(
            "SELECT record_id FROM records WHERE terminal_id = ? AND issued_at >= ? AND issued_at < ?",
            [terminal_id, issued_at[:10], next_day],
        ).fetchall()
        numbers = [
            int(r[0][len(prefix) :]) for r in issued if r[0].startswith(prefix) and r[0][len(prefix) :].isdigit()
        ]
        record_id = f"{prefix}{max(numbers, default=0) + 1:04d}"
        db.execute(
            "INSERT INTO records (record_id, service_id, terminal_id, issued_at, request_id) VALUES (?, ?, ?, ?, ?)",
            [record_id, service_id, terminal_id, issued_at, request_id],
        )
        return record_id

    def record_heartbeat(self, terminal_id: str, health: dict[str, Any]) -> None:
        with self.transaction() as db:
            db["heartbeats"].upsert(
                {"terminal_id": terminal_id, "received_at": utc_now_iso(), "health": json.dumps(health)},
                pk="terminal_id",
            )

    def terminals_overview(self) -> list[dict[str, Any]]:
        """Every enrolled terminal with its latest heartbeat (None when it never sent one), by id:
        terminal_id, enrolled_at, revoked, heartbeat_at, health."""
        with self.reading() as db:
            rows = db.execute(
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
        with self.reading() as db:
            row = db.execute(
                "SELECT received_at, health FROM heartbeats WHERE terminal_id = ?", [terminal_id]
            ).fetchone()
        return None if row is None else {"received_at": row[0], "health": json.loads(row[1])}


def _document_digest(document: dict[str, Any]) -> str:
    """What a document sent again is compared with: SHA-256 of its canonical JSON (issue 12)."""
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
