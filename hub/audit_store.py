"""The hub's copy of each terminal's audit trail, and the witness of its heads.

Every heartbeat carries the terminal's chain head (seq, h): the hub keeps each one as a checkpoint.
The terminal uploads its entries (POST /v1/terminals/{id}/audit); the hub re-hashes them onto the
chain it holds. It flags, per terminal (audit_flags, shown by `python -m hub audit verify`):
- truncated: a head with a lower seq than one seen before (the chain went backwards);
- rewritten: a head or an uploaded entry whose h differs from the one held for the same seq;
- broken: uploaded entries that do not chain onto what the hub holds.
Entries are ids and references only (the terminal's kiosk.audit guard); the hub stores them as sent,
in sealed blocks of 256 and an open tail (hub/audit_blocks.py: the layout, and why).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from contract.audit_chain import GENESIS, AuditHead, VerifyResult, verify_rows
from hub import audit_blocks
from hub.store import HubStore, StoreError, utc_now_iso

MAX_ENTRIES_PER_UPLOAD = 2000
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditFlag:
    problem: str  # truncated | rewritten | broken
    seq: int | None
    detail: str
    flagged_at: str


class AuditLedger:
    """Audit entries, checkpoints and flags per terminal, in the hub's store."""

    def __init__(self, store: HubStore, block_size: int = audit_blocks.BLOCK_SIZE) -> None:
        """`block_size` (entries per sealed block) is for tests that tamper inside small blocks."""
        self.store = store
        self._block_size = block_size

    def _flag(self, db: Any, terminal_id: str, problem: str, seq: int | None, detail: str) -> None:
        db.execute(
            "INSERT INTO audit_flags (terminal_id, problem, seq, detail, flagged_at) VALUES (?, ?, ?, ?, ?)",
            [terminal_id, problem, seq, detail, utc_now_iso()],
        )

    @staticmethod
    def _hold_terminal(db: Any, terminal_id: str) -> None:
        # a terminal's chain is changed by one hub process at a time: this no-op update takes the
        # terminal's row lock on PostgreSQL until the transaction ends (SQLite already writes alone)
        db.execute("UPDATE terminals SET revoked = revoked WHERE terminal_id = ?", [terminal_id])

    @classmethod
    def _held(cls, db: Any, terminal_id: str) -> AuditHead:
        return cls.held_from(cls.held_cursor(db, terminal_id).fetchone())

    @staticmethod
    def head_check(db: Any, terminal_id: str, seq: int, h: str) -> Any:
        """A cursor answering whether a heartbeat's head changes nothing (`head_changes_nothing`):
        one statement, no lock; issued with the heartbeat's other statements (hub/fleet_routes.py)."""
        return db.execute(
            "SELECT (SELECT MAX(seq) FROM audit_checkpoints WHERE terminal_id = ?),"
            " EXISTS (SELECT 1 FROM audit_checkpoints WHERE terminal_id = ? AND seq = ? AND h = ?),"
            " EXISTS (SELECT 1 FROM audit_checkpoints WHERE terminal_id = ? AND seq = ? AND h <> ?)"
            f" OR {audit_blocks.DIFFERS_SQL}",
            [terminal_id, terminal_id, seq, h, terminal_id, seq, h, *audit_blocks.differs_args(terminal_id, seq, h)],
        )

    @staticmethod
    def head_changes_nothing(row: Any, seq: int) -> bool:
        """From head_check's row: the head is held as a checkpoint already, is not behind the newest
        one and agrees with everything held for its seq, i.e. record_head would write nothing (the
        usual heartbeat: a terminal's chain moves only when it is used)."""
        top, held, differs = row
        return bool(held) and not differs and top is not None and seq >= top

    @staticmethod
    def held_cursor(db: Any, terminal_id: str) -> Any:
        return db.execute(audit_blocks.HELD_SQL, [terminal_id] * 4)

    @staticmethod
    def held_from(row: Any) -> AuditHead:
        return audit_blocks.held_from(row)

    def held_head(self, terminal_id: str) -> AuditHead:
        """The last entry the hub holds for this terminal (seq 0 when none)."""
        with self.store.reading() as db:
            return self._held(db, terminal_id)

    def record_head(self, terminal_id: str, seq: int, h: str) -> None:
        """Keep a heartbeat's head as a checkpoint; flag it when it goes backwards or disagrees."""
        with self.store.transaction() as db:
            self._hold_terminal(db, terminal_id)
            top = db.execute(
                "SELECT MAX(seq) FROM audit_checkpoints WHERE terminal_id = ?", [terminal_id]
            ).fetchone()[0]
            if top is not None and seq < top:
                self._flag(db, terminal_id, "truncated", seq, f"head went from seq {top} back to {seq}")
            known = [
                row[0]
                for row in db.execute(
                    "SELECT h FROM audit_checkpoints WHERE terminal_id = ? AND seq = ?", [terminal_id, seq]
                ).fetchall()
            ]
            known.append(audit_blocks.h_at(db, terminal_id, seq))
            if any(held is not None and held != h for held in known):
                self._flag(db, terminal_id, "rewritten", seq, f"head at seq {seq} no longer matches")
            db.execute(
                "INSERT INTO audit_checkpoints (terminal_id, seq, h, seen_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (terminal_id, seq) DO NOTHING",
                [terminal_id, seq, h, utc_now_iso()],
            )

    def add_entries(self, terminal_id: str, entries: list[dict[str, Any]]) -> AuditHead:
        """Store uploaded entries {seq, h, entry} that continue the held chain; returns the new head.

        Entries the hub holds already are compared (a different h is flagged "rewritten"); new ones
        must follow on without a gap (StoreError 409 audit_gap) and chain correctly (StoreError 422
        audit_broken, flagged). Raises StoreError 422 invalid_request for a malformed entry.
        """
        rows = []
        for item in entries:
            if not (
                isinstance(item, dict)
                and isinstance(item.get("seq"), int)
                and isinstance(item.get("h"), str)
                and isinstance(item.get("entry"), str)
                and _HEX64.fullmatch(item["h"]) is not None
                and 0 < item["seq"] < 2**63
            ):
                raise StoreError(
                    "invalid_request", "each entry needs seq (positive), h (64 hex digits) and entry", 422
                )
            try:
                item["entry"].encode("utf-8")
            except UnicodeEncodeError as exc:
                raise StoreError("invalid_request", "an entry is not valid text", 422) from exc
            rows.append((item["seq"], item["entry"], item["h"]))
        rows.sort()
        # flags are committed even when the upload is refused: the refusal is raised after the commit
        refusal: StoreError | None = None
        with self.store.transaction() as db:
            self._hold_terminal(db, terminal_id)
            held = self._held(db, terminal_id)
            fresh = []
            for seq, entry, h in rows:
                if seq > held.seq:
                    fresh.append((seq, entry, h))
                    continue
                stored = audit_blocks.h_at(db, terminal_id, seq)
                if stored is not None and stored != h:
                    self._flag(db, terminal_id, "rewritten", seq, f"entry {seq} differs from the copy held")
            if not fresh:
                return held
            if fresh[0][0] != held.seq + 1:
                raise StoreError("audit_gap", f"entries must continue after seq {held.seq}", 409)
            result = verify_rows(
                ((s, e.encode("utf-8"), bytes.fromhex(h)) for s, e, h in fresh),
                bytes.fromhex(held.h),
                held.seq + 1,
            )
            if result.ok:
                self._insert(db, terminal_id, fresh)
                audit_blocks.seal(db, terminal_id, self._block_size)
                held = AuditHead(fresh[-1][0], fresh[-1][2])
            else:
                detail = f"uploaded entry {result.bad_seq}: {result.problem}"
                self._flag(db, terminal_id, "broken", result.bad_seq, detail)
                refusal = StoreError(
                    "audit_broken", f"entry {result.bad_seq} does not chain ({result.problem})", 422
                )
        if refusal is not None:
            raise refusal
        return held

    def _insert(self, db: Any, terminal_id: str, fresh: list[tuple[int, str, str]]) -> None:
        now = utc_now_iso()
        for seq, entry, h in fresh:  # db.execute on both stores (PostgreSQL's adapter has no executemany)
            db.execute(
                "INSERT INTO audit_entries (terminal_id, seq, h, entry, received_at) VALUES (?, ?, ?, ?, ?)",
                [terminal_id, seq, h, entry, now],
            )
        for seq, _, h in fresh:
            checkpoint = db.execute(
                "SELECT h FROM audit_checkpoints WHERE terminal_id = ? AND seq = ?", [terminal_id, seq]
            ).fetchone()
            if checkpoint is not None and checkpoint[0] != h:
                self._flag(db, terminal_id, "rewritten", seq, f"entry {seq} differs from its heartbeat head")

    def flags(self, terminal_id: str) -> list[AuditFlag]:
        with self.store.reading() as db:
            rows = db.execute(
                "SELECT problem, seq, detail, flagged_at FROM audit_flags WHERE terminal_id = ? ORDER BY id",
                [terminal_id],
            ).fetchall()
        return [AuditFlag(*row) for row in rows]

    def verify(self, terminal_id: str, since: int = 1) -> VerifyResult:
        """Re-hash the held entries from `since` (h_{since-1} as held is trusted as the start) and
        compare every checkpoint the heartbeats brought with the h held for its seq. One snapshot:
        a seal committed meanwhile (rows moved into a block) is seen wholly or not at all."""
        since = max(1, since)
        with self.store.snapshot() as db:
            prev = GENESIS
            if since > 1:
                held = audit_blocks.h_at(db, terminal_id, since - 1)
                if held is None:
                    return VerifyResult(False, 0, AuditHead(0, GENESIS.hex()), since - 1, "gap")
                prev = bytes.fromhex(held)
            checkpoints = db.execute(
                "SELECT seq, h FROM audit_checkpoints WHERE terminal_id = ? ORDER BY seq", [terminal_id]
            ).fetchall()
            watch = audit_blocks.CheckpointWatch([(seq, h) for seq, h in checkpoints])
            for first, n, hashes in audit_blocks.blocks_from(db, terminal_id, 1, "hashes") if since > 1 else ():
                if first >= since:  # the blocks before `since` are not walked: their checkpoints here
                    break
                watch.see(first, n, hashes)
            result = audit_blocks.verify_chain(db, terminal_id, prev, since, watch)
            if not result.ok:
                return result
            in_tail = db.execute(
                "SELECT c.seq FROM audit_checkpoints c JOIN audit_entries e "
                "ON e.terminal_id = c.terminal_id AND e.seq = c.seq "
                "WHERE c.terminal_id = ? AND c.h != e.h ORDER BY c.seq LIMIT 1",
                [terminal_id],
            ).fetchone()
        mismatches = [seq for seq in (watch.first_mismatch, in_tail and in_tail[0]) if seq is not None]
        if mismatches:
            return VerifyResult(False, result.checked, result.head, min(mismatches), "rewritten")
        return result

    def entries(self, terminal_id: str, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        with self.store.snapshot() as db:
            rows = audit_blocks.entries_after(db, terminal_id, after, limit)
        return [{"seq": s, **json.loads(e)} for s, e in rows]
