"""Cases, written once for both stores: a batch of submissions with exactly-once per idempotency key,
a case's timeline, the staff's work on it (advance, details, the console's record), a resident's
rating, and the demo's seeded cases. The SQL is the stores' common one (see hub/store_base.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
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

_KEYS_PER_QUERY = 500  # idempotency keys per look-up (SQLite's bound parameters are limited)

_CASE_ROW = "SELECT case_id, local_ref, service_id, status, rating FROM cases"
_BY_REF = " WHERE case_id = ? OR local_ref = ? ORDER BY seq LIMIT 1"


def event_note(status: str, note: str = "", written: dict[str, str] | None = None) -> str:
    """A timeline event's note as stored (JSON {"zh", "en"}): the status's standard words, or `note`
    in every language; a note staff wrote per language (`written`) replaces that language only."""
    notes = dict(STATUS_NOTES.get(status, {}))
    if note:
        notes = {"zh": note, "en": note}
    notes.update({lang: text for lang, text in (written or {}).items() if text.strip()})
    return json.dumps(notes, ensure_ascii=False)


def _as_stored(key: str, digest: str, stored: tuple[str, str]) -> ItemAnswer:
    """The answer for an item whose key was stored before as (case id, body digest)."""
    case_id, stored_digest = stored
    if stored_digest == digest:
        return ItemAnswer(key, "duplicate", case_id=case_id)
    return ItemAnswer(key, "rejected", reason="idempotency_key_reused")


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

        The batch goes to the database together (`_submit_together`: on PostgreSQL one round trip for
        the keys already known and one for the new cases and the commit, where item by item took ~6 per
        item). A value the database itself refuses (a NUL in a text on PostgreSQL) undoes that
        transaction, and the batch is stored again item by item, each in its savepoint, so that item
        alone is rejected."""
        classes = catalogue_classes or {}
        try:
            return self._submit_together(terminal_id, items, classes)
        except self.unstorable_errors:
            return self._submit_each(terminal_id, items, classes)

    def _submit_each(
        self,
        terminal_id: str,
        items: list[tuple[dict[str, Any], str | None]],
        catalogue_classes: dict[str, dict[str, str]],
    ) -> list[ItemAnswer]:
        """`submit` item by item: each item's look-up and insert in its own savepoint."""
        answers: list[ItemAnswer] = []
        received_at = utc_now_iso()
        with self.transaction() as db:
            for item, rejection in items:
                key = str(item.get("idempotency_key", ""))
                # each item in its own savepoint: a value that cannot be stored (the app's checks
                # should have rejected it already) rejects that item alone, the others are kept
                try:
                    with self._item_savepoint(db):
                        classes = catalogue_classes.get(str(item.get("service_id")), {})
                        answer = self._submit_one(db, terminal_id, key, item, rejection, received_at, classes)
                except self.unstorable_errors:
                    answer = ItemAnswer(key, "rejected", reason=rejection or "unstorable")
                answers.append(answer)
        return answers

    def _submit_together(
        self,
        terminal_id: str,
        items: list[tuple[dict[str, Any], str | None]],
        catalogue_classes: dict[str, dict[str, str]],
    ) -> list[ItemAnswer]:
        """`submit` with the statements of the whole batch sent together: the answers are the ones
        `_submit_each` gives, item for item (the same key twice in one batch included). Raises one of
        `unstorable_errors` when the database refuses a value (nothing is then stored)."""
        received_at = utc_now_iso()
        answers: list[ItemAnswer | None] = [None] * len(items)
        digests: dict[int, str] = {}
        for n, (item, rejection) in enumerate(items):
            try:
                digests[n] = body_digest(item)
            except self.unstorable_errors:  # text that cannot be encoded: never reaches the database
                key = str(item.get("idempotency_key", ""))
                answers[n] = ItemAnswer(key, "rejected", reason=rejection or "unstorable")
        keys = sorted({str(items[n][0].get("idempotency_key", "")) for n in digests})
        with self.pipelined() as db:
            stored = self._stored_keys(db, terminal_id, keys)  # key -> (case id, digest), read at once
            follows: dict[int, str] = {}  # item -> the key an earlier item of this batch inserts
            inserting: dict[str, int] = {}  # key -> the item inserting it
            rows: list[dict[str, Any]] = []
            for n, (item, rejection) in enumerate(items):
                if n not in digests:
                    continue
                key = str(item.get("idempotency_key", ""))
                if key in stored:
                    answers[n] = _as_stored(key, digests[n], stored[key])
                elif key in inserting:
                    follows[n] = key
                elif rejection is not None:
                    answers[n] = ItemAnswer(key, "rejected", reason=rejection)
                else:
                    classes = catalogue_classes.get(str(item.get("service_id")), {})
                    try:
                        rows.append(self._case_row(terminal_id, item, digests[n], received_at, classes))
                    except self.unstorable_errors:
                        answers[n] = ItemAnswer(key, "rejected", reason="unstorable")
                        continue
                    inserting[key] = n
            pending = self._insert_cases(db, rows, received_at)
            if not self.reads_after_commit:
                case_ids = pending()
        if self.reads_after_commit:
            case_ids = pending()
        raced = []
        for (key, n), case_id in zip(inserting.items(), case_ids, strict=True):
            if case_id is None:
                raced.append(key)
            else:
                stored[key] = (case_id, digests[n])
                answers[n] = ItemAnswer(key, "accepted", case_id=case_id)
        if raced:  # another process stored these keys meanwhile (it committed: the insert waited for it)
            with self.reading() as db:
                stored.update(self._stored_keys(db, terminal_id, raced))
            for key in raced:
                answers[inserting[key]] = _as_stored(key, digests[inserting[key]], stored[key])
        for n, key in follows.items():
            answers[n] = _as_stored(key, digests[n], stored[key])
        assert all(a is not None for a in answers)
        return answers  # type: ignore[return-value]

    @staticmethod
    def _stored_keys(db: Db, terminal_id: str, keys: list[str]) -> dict[str, tuple[str, str]]:
        """key -> (case id, body digest) of the keys among `keys` this terminal stored before."""
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start : start + _KEYS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            rows = db.execute(
                "SELECT idempotency_key, case_id, body_sha256 FROM cases"
                f" WHERE terminal_id = ? AND idempotency_key IN ({marks})",
                [terminal_id, *chunk],
            ).fetchall()
            found.update({key: (case_id, digest) for key, case_id, digest in rows})
        return found

    def _insert_cases(
        self, db: Db, rows: list[dict[str, Any]], received_at: str
    ) -> Callable[[], list[str | None]]:
        """Insert the cases (`rows` as `_case_row` makes them) with their first event; returns what
        reads their case ids (None for a key another process stored meanwhile), to be called inside
        the block or after it, as `reads_after_commit` says. Here one row after another; PostgreSQL
        sends them together (hub/store_pg.py)."""
        case_ids: list[str | None] = []
        for row in rows:
            case_id = self._new_case(db, row)
            if case_id is not None:
                self._add_event(db, case_id, "received", received_at)
            case_ids.append(case_id)
        return lambda: case_ids

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
        return None if row is None else _as_stored(key, digest, (row[0], row[1]))

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
        case_id = self._new_case(db, self._case_row(terminal_id, item, digest, received_at, classes))
        if case_id is not None:
            self._add_event(db, case_id, "received", received_at)
        return case_id

    def _case_row(
        self, terminal_id: str, item: dict[str, Any], digest: str, received_at: str, classes: dict[str, str]
    ) -> dict[str, Any]:
        """A new case's columns (but seq and case_id), its personal values sealed."""
        payload = item["payload"]
        card_hash = payload.get("card_hash") if isinstance(payload.get("card_hash"), str) else None
        protected = protected_fields(payload, item.get("field_classes"), classes)
        clear = {k: v for k, v in payload.items() if k not in protected}
        sealed = self._seal(
            {k: payload[k] for k in protected}, case_associated_data(terminal_id, item["idempotency_key"])
        )
        return {
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
        }

    @staticmethod
    def _add_event(
        db: Db,
        case_id: str,
        status: str,
        at: str,
        note: str = "",
        written: dict[str, str] | None = None,
    ) -> None:
        db.execute(
            "INSERT INTO case_events (case_id, at, status, note) VALUES (?, ?, ?, ?)",
            [case_id, at, status, event_note(status, note, written)],
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
