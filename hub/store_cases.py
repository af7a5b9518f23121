"""Cases, written once for both stores: a batch of submissions with exactly-once per idempotency key,
a case's timeline, the staff's work on it (advance, details, the console's record), a resident's
rating, and the demo's seeded cases. The SQL is the stores' common one (see hub/store_base.py)."""

from __future__ import annotations

import json
from typing import Any

from hub.field_vault import case_associated_data, comment_associated_data, protected_fields
from hub.store_base import Db, StoreBase, rows_as_dicts
from hub.store_types import (
    CASE_STATUSES,
    RATEABLE_STATUSES,
    STATUS_NOTES,
    ItemAnswer,
    StoreError,
    body_digest,
    utc_now_iso,
)

_CASE_ROW = "SELECT case_id, local_ref, service_id, status, rating FROM cases"
_BY_REF = " WHERE case_id = ? OR local_ref = ? ORDER BY seq LIMIT 1"


class CaseStore(StoreBase):
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
        rejected with reason "idempotency_key_reused" and creates nothing. A key another hub process
        stored meanwhile answers as first stored there.
        """
        answers: list[ItemAnswer] = []
        received_at = utc_now_iso()
        with self.transaction() as db:
            for item, rejection in items:
                key = str(item.get("idempotency_key", ""))
                # each item in its own savepoint: a value that cannot be stored (the app's checks
                # should have rejected it already) rejects that item alone, the others are kept
                try:
                    with self._item_savepoint(db):
                        classes = (catalogue_classes or {}).get(str(item.get("service_id")), {})
                        answer = self._submit_one(db, terminal_id, key, item, rejection, received_at, classes)
                except self.unstorable_errors:
                    answer = ItemAnswer(key, "rejected", reason=rejection or "unstorable")
                answers.append(answer)
        return answers

    def _submit_one(
        self,
        db: Db,
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
        known = self._known(db, terminal_id, key, digest)
        if known is not None:
            return known
        if rejection is not None:
            return ItemAnswer(key, "rejected", reason=rejection)
        case_id = self._insert_case(db, terminal_id, item, digest, received_at, classes)
        if case_id is not None:
            return ItemAnswer(key, "accepted", case_id=case_id)
        known = self._known(db, terminal_id, key, digest)  # another process stored the key meanwhile
        assert known is not None
        return known

    @staticmethod
    def _known(db: Db, terminal_id: str, key: str, digest: str) -> ItemAnswer | None:
        row = db.execute(
            "SELECT case_id, body_sha256 FROM cases WHERE terminal_id = ? AND idempotency_key = ?",
            [terminal_id, key],
        ).fetchone()
        if row is None:
            return None
        if row[1] == digest:
            return ItemAnswer(key, "duplicate", case_id=row[0])
        return ItemAnswer(key, "rejected", reason="idempotency_key_reused")

    def _insert_case(
        self,
        db: Db,
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
        case_id = self._new_case(
            db,
            {
                "terminal_id": terminal_id,
                "idempotency_key": item["idempotency_key"],
                "body_sha256": digest,
                "local_ref": item["local_ref"],
                "service_id": item["service_id"],
                "catalog_version": item["catalog_version"],
                "created_at": item["created_at"],
                "received_at": received_at,
                "payload": json.dumps(clear, ensure_ascii=False),
                "sealed": sealed,
                "card_hash": card_hash,
                "status": "received",
            },
        )
        if case_id is not None:
            self._add_event(db, case_id, "received", received_at)
        return case_id

    @staticmethod
    def _add_event(
        db: Db,
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
        with self.reading() as db:
            return rows_as_dicts(
                db.execute(
                    "SELECT case_id, terminal_id, idempotency_key, local_ref, service_id, catalog_version,"
                    " created_at, received_at, status, rating FROM cases ORDER BY seq"
                )
            )

    def _find_case_row(self, db: Db, ref: str, lock: bool = False) -> dict[str, Any] | None:
        """A case by case id or local reference; `lock`: about to change it (see `row_lock`)."""
        rows = rows_as_dicts(db.execute(_CASE_ROW + _BY_REF + (self.row_lock if lock else ""), [ref, ref]))
        return rows[0] if rows else None

    def _case_to_change(self, db: Db, ref: str) -> dict[str, Any]:
        """The case a transaction is about to change, its row locked; StoreError 404 when unknown."""
        row = self._find_case_row(db, ref, lock=True)
        if row is None:
            raise StoreError("not_found", "no such case", 404)
        return row

    @staticmethod
    def _case_json(db: Db, row: dict[str, Any]) -> dict[str, Any]:
        events = db.execute(
            "SELECT at, status, note FROM case_events WHERE case_id = ? ORDER BY id", [row["case_id"]]
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
        """A case by case id or local reference, with its timeline; None when unknown."""
        with self.reading() as db:
            row = self._find_case_row(db, ref)
            return None if row is None else self._case_json(db, row)

    def cases_for_card(self, card_hash: str) -> list[dict[str, Any]]:
        with self.reading() as db:
            rows = rows_as_dicts(
                db.execute(_CASE_ROW + " WHERE card_hash = ? ORDER BY seq DESC LIMIT 50", [card_hash])
            )
            return [self._case_json(db, row) for row in rows]

    def case_details(self, ref: str) -> dict[str, Any] | None:
        """A case with its payload and rating comment decrypted: for staff views only (the CLI's
        `show`, a staff console), never for a terminal's answers. None when unknown."""
        with self.reading() as db:
            row = db.execute(
                "SELECT case_id, terminal_id, idempotency_key, payload, sealed, rating_comment,"
                " rating_comment_sealed FROM cases" + _BY_REF,
                [ref, ref],
            ).fetchone()
            found = self._find_case_row(db, ref)
            case = None if found is None else self._case_json(db, found)
        if row is None or case is None:
            return None
        case_id, terminal_id, key, clear, sealed, legacy_comment, comment_sealed = row
        payload = json.loads(clear or "{}")
        payload.update(self._open(sealed, case_associated_data(terminal_id, key)) or {})
        comment = (self._open(comment_sealed, comment_associated_data(case_id)) or {}).get("comment")
        return {**case, "payload": payload, "rating_comment": comment or legacy_comment or ""}

    def case_record(self, ref: str) -> dict[str, Any] | None:
        """Everything the hub holds about a case, payload decrypted (the staff console's case page):
        the columns of list_cases plus payload (dict), rating_comment and assigned_to. None when unknown."""
        with self.reading() as db:
            rows = rows_as_dicts(
                db.execute(
                    "SELECT case_id, terminal_id, idempotency_key, local_ref, service_id, catalog_version,"
                    " created_at, received_at, status, rating, assigned_to FROM cases" + _BY_REF,
                    [ref, ref],
                )
            )
        details = self.case_details(ref) if rows else None
        if not rows or details is None:
            return None
        return {**rows[0], "payload": details["payload"], "rating_comment": details["rating_comment"]}

    def advance_case(
        self, ref: str, status: str, note: str = "", notes: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Move a case to `status` and add it to the timeline (staff work: the console or the CLI).
        `note` is one text for every language; `notes` ({"zh": .., "en": ..}) one per language.
        Raises StoreError for an unknown case or status."""
        if status not in CASE_STATUSES:
            raise StoreError("invalid_status", f"status must be one of {', '.join(CASE_STATUSES)}", 422)
        with self.transaction() as db:
            row = self._case_to_change(db, ref)
            db.execute("UPDATE cases SET status = ? WHERE case_id = ?", [status, row["case_id"]])
            self._add_event(db, row["case_id"], status, utc_now_iso(), note, notes)
            return self._case_json(db, {**row, "status": status})

    def rate_case(self, ref: str, stars: int, comment: str) -> dict[str, Any]:
        """Record a rating once, for a finished case. Raises StoreError (404, 409)."""
        with self.transaction() as db:
            row = self._case_to_change(db, ref)
            if row["status"] not in RATEABLE_STATUSES:
                raise StoreError("not_finished", "only a resolved or closed case can be rated", 409)
            if row["rating"] is not None:
                raise StoreError("already_rated", "this case has been rated already", 409)
            # a comment is the resident's own words: it may name them, so it is sealed like personal data
            sealed = self._seal({"comment": comment} if comment else {}, comment_associated_data(row["case_id"]))
            db.execute(
                "UPDATE cases SET rating = ?, rating_comment_sealed = ? WHERE case_id = ?",
                [stars, sealed, row["case_id"]],
            )
            return self._case_json(db, {**row, "rating": stars})

    def seed_case(
        self, case_id: str, local_ref: str, service_id: str, statuses: list[str], card_hash: str | None = None
    ) -> None:
        """A demo case with a ready-made timeline. When it exists, only its local reference and card
        hash are brought up to date (a demo hub kept across enrolments, or seeded before demo references
        took the real format, still finds the demo card's cases and the reference seeded now)."""
        now = utc_now_iso()
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO cases (case_id, terminal_id, idempotency_key, body_sha256, local_ref, service_id,"
                " catalog_version, created_at, received_at, payload, card_hash, status)"
                " VALUES (?, 'DEMO', ?, '', ?, ?, 'demo', ?, ?, '{}', ?, ?) ON CONFLICT DO NOTHING",
                [case_id, f"demo-{case_id}", local_ref, service_id, now, now, card_hash, statuses[-1]],
            )
            if cur.rowcount == 0:
                db.execute(
                    "UPDATE cases SET local_ref = ?, card_hash = COALESCE(?, card_hash)"
                    " WHERE case_id = ? AND terminal_id = 'DEMO'",
                    [local_ref, card_hash, case_id],
                )
                return
            for status in statuses:
                self._add_event(db, case_id, status, now)
