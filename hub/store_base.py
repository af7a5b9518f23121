"""What a hub store must give the logic both stores share (hub/store_cases.py, hub/store_terminals.py),
and the sealing of personal values, which is the same on both.

The shared logic speaks one SQL: `?` placeholders, `INSERT ... ON CONFLICT`, no literal `?` or `%`.
It reaches the database only through `transaction()` and `reading()`, which yield a handle with
`execute(sql, params) -> cursor` and `db[table].upsert(row, pk=...)`: a sqlite_utils.Database on
SQLite, hub.store_pg.PgDatabase (which turns `?` into `%s`) on PostgreSQL. What the two databases do
differently is a hook here, filled in by each store:
- `_new_case`: how a case's sequence number is taken and a raced idempotency key is told;
- `_item_savepoint`: one submission item's savepoint;
- `_one_ticket_issuer`: what keeps ticket numbers consecutive (a lock in the process or the database);
- `row_lock`, `unstorable_errors`, `storage_errors`: a clause and the errors of the driver.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from hub.field_vault import FieldVault, VaultError
from hub.store_types import StoreError

log = logging.getLogger(__name__)

# a sqlite_utils.Database or a hub.store_pg.PgDatabase (see the module's text)
Db = Any

# a value the database cannot take (the app's checks should have rejected it already): that item
# alone is rejected as "unstorable", the others in its batch are kept
UNSTORABLE_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, OverflowError, RecursionError)


def case_number(seq: int) -> str:
    """The case id a resident is told, from the case's sequence number."""
    return f"C{seq:07d}"


def rows_as_dicts(cursor: Any) -> list[dict[str, Any]]:
    """A cursor's remaining rows as {column: value}, on either driver."""
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class StoreBase:
    """The hooks and the sealing; a store is this with its connection handling and its dialect."""

    # what the hub answers 503 storage_unavailable for
    storage_errors: tuple[type[Exception], ...] = ()
    unstorable_errors: tuple[type[Exception], ...] = UNSTORABLE_ERRORS
    # appended to the look-up of a case about to change: keeps its row until the transaction ends
    row_lock = ""
    # None: no key file configured; a value to seal or open then answers 503
    _vault: FieldVault | None = None
    _last_nonce_purge = 0.0

    def transaction(self) -> contextlib.AbstractContextManager[Db]:
        """A write transaction: committed when the block ends, rolled back when it raises."""
        raise NotImplementedError

    def reading(self) -> contextlib.AbstractContextManager[Db]:
        """The database for reads."""
        raise NotImplementedError

    # whether pipelined()'s cursors may be read after its block (PostgreSQL) or only inside (SQLite)
    reads_after_commit = False

    def pipelined(self, durable: bool = True) -> contextlib.AbstractContextManager[Db]:
        """A transaction whose statements may go out together, read after the first fetch or (see
        reads_after_commit) after the block; `durable=False`: the commit need not wait for the disk."""
        raise NotImplementedError

    def _item_savepoint(self, db: Db) -> contextlib.AbstractContextManager[Any]:
        """A savepoint for one item: rolled back to when the block raises one of `unstorable_errors`
        (the error then goes on, and the item alone is rejected)."""
        raise NotImplementedError

    def _new_case(self, db: Db, row: dict[str, Any]) -> str | None:
        """Insert a case (`row`: its columns but seq and case_id) and return its case id, or None when
        another process stored its idempotency key meanwhile."""
        raise NotImplementedError

    def _one_ticket_issuer(self, db: Db, day: str, prefix: str) -> None:
        """Called first in the transaction issuing a ticket: after it, no other issuer of the same
        day and prefix runs until this transaction ends."""
        raise NotImplementedError

    # --- personal values at rest -----------------------------------------------------------------

    def _seal(self, fields: dict[str, Any], associated: bytes) -> bytes:
        if not fields:
            return b""  # nothing to protect (an empty blob, not NULL: NULL marks a row from before v3)
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
