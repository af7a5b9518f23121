"""Enrolment by one-time code, and credential rotation, on the hub's side.

    desk = EnrolmentDesk(store)
    code = desk.issue_code("T0002", "district-3", ttl_s=900)   # e.g. "7KQ2M-XW4PD": told to the technician
    desk.redeem(code, "T0002")    # once: fresh token + HMAC key + the fleet's card salt

A code is 10 characters of Crockford's base32 (50 random bits; no I, L, O or U to misread), single
use, expiring; only its SHA-256 is stored. Redeeming replaces any older credentials of the terminal,
so the code is also how a terminal is re-enrolled after its keyring was lost. A revoked terminal gets
no code (unless re-admitted with `reinstate`), and a code issued before the revocation is refused.

Rotation (a remote command): the terminal asks for new credentials (signed with its current ones),
the hub keeps them pending and answers them; the terminal stores them and confirms with a proof made
with the new key (contract.command_signing.rotation_proof); only then does the hub switch, and from
that moment the old token and key are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

from contract.command_signing import rotation_proof
from hub.store import HubStore, StoreError, token_digest

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
CODE_LENGTH = 10
DEFAULT_TTL_S = 900
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def normalise_code(code: str) -> str:
    return code.upper().translate(_READ_AS)


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "replace")).hexdigest()


def new_credentials() -> tuple[str, bytes]:
    """A 256-bit bearer token and a 256-bit HMAC key."""
    return secrets.token_urlsafe(32), secrets.token_bytes(32)


def _used() -> StoreError:
    return StoreError("code_used", "this enrolment code was used already; ask for a new one", 403)


class EnrolmentDesk:
    def __init__(self, store: HubStore) -> None:
        self.store = store

    def issue_code(
        self, terminal_id: str, group: str, ttl_s: int = DEFAULT_TTL_S, reinstate: bool = False
    ) -> str:
        """A fresh one-time code for `terminal_id` in `group`. Raises StoreError terminal_revoked for a
        revoked terminal unless `reinstate`."""
        existing = self.store.terminal(terminal_id)
        if existing is not None and existing.revoked and not reinstate:
            raise StoreError(
                "terminal_revoked", f"{terminal_id} is revoked; reinstate it to enrol again", 403
            )
        raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        now = int(time.time())
        with self.store.transaction() as db:
            if existing is not None and existing.revoked:
                db.execute("UPDATE terminals SET revoked = 0 WHERE terminal_id = ?", [terminal_id])
                db.execute("UPDATE terminals SET token_sha256 = '' WHERE terminal_id = ?", [terminal_id])
            db.execute(
                "INSERT INTO enrolment_codes (code_sha256, terminal_id, group_id, issued_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [_digest(raw), terminal_id, group, now, now + ttl_s],
            )
        return f"{raw[:5]}-{raw[5:]}"

    def redeem(self, code: str, terminal_id: str | None = None, now: float | None = None) -> dict[str, Any]:
        """Exchange a code for credentials (once). Raises StoreError: bad_code (unknown, or for another
        terminal), code_used, code_expired, terminal_revoked."""
        now = int(now if now is not None else time.time())
        token, key = new_credentials()
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT terminal_id, group_id, expires_at, used_at FROM enrolment_codes WHERE code_sha256 = ?",
                [_digest(code)],
            ).fetchone()
            if row is None or (terminal_id is not None and row[0] != terminal_id):
                raise StoreError("bad_code", "this enrolment code is not known", 403)
            code_terminal, group, expires_at, used_at = row
            if used_at is not None:
                raise _used()
            if expires_at <= now:
                raise StoreError("code_expired", "this enrolment code has expired; ask for a new one", 403)
            revoked = db.execute(
                "SELECT revoked FROM terminals WHERE terminal_id = ?", [code_terminal]
            ).fetchone()
            if revoked is not None and revoked[0]:
                raise StoreError("terminal_revoked", "this terminal's enrolment was revoked", 403)
            # the use is claimed by this one statement: of two hub processes redeeming the same code at
            # once, PostgreSQL lets the second's UPDATE wait for the first and then find used_at set
            claimed = db.execute(
                "UPDATE enrolment_codes SET used_at = ? WHERE code_sha256 = ? AND used_at IS NULL",
                [now, _digest(code)],
            ).rowcount
            if claimed != 1:
                raise _used()
            db.execute(
                "INSERT INTO terminal_groups (terminal_id, group_id) VALUES (?, ?) "
                "ON CONFLICT(terminal_id) DO UPDATE SET group_id = excluded.group_id",
                [code_terminal, group],
            )
        # outside the code's transaction: both take the store's write lock themselves
        self.store.register_terminal(code_terminal, token, key)
        salt = self.store.fleet_card_salt()
        return {
            "terminal_id": code_terminal,
            "group": group,
            "token": token,
            "hmac_key": base64.b64encode(key).decode("ascii"),
            "card_hash_salt": base64.b64encode(salt).decode("ascii"),
        }

    def group(self, terminal_id: str) -> str | None:
        with self.store.reading() as db:
            row = db.execute(
                "SELECT group_id FROM terminal_groups WHERE terminal_id = ?", [terminal_id]
            ).fetchone()
        return row[0] if row else None

    # --- rotation ---------------------------------------------------------------------------------

    def begin_rotation(self, terminal_id: str) -> dict[str, Any]:
        """New credentials for a terminal, pending until it confirms them (older pending ones replaced)."""
        token, key = new_credentials()
        encoded = base64.b64encode(key).decode("ascii")
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO pending_credentials (terminal_id, token_sha256, hmac_key, issued_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(terminal_id) DO UPDATE SET token_sha256 = excluded.token_sha256, "
                "hmac_key = excluded.hmac_key, issued_at = excluded.issued_at",
                [terminal_id, token_digest(token), encoded, int(time.time())],
            )
        return {"terminal_id": terminal_id, "token": token, "hmac_key": encoded}

    def confirm_rotation(self, terminal_id: str, token: str, proof: str) -> None:
        """Switch to the pending credentials when `proof` shows the terminal holds them. Raises
        StoreError no_rotation (nothing pending) or bad_proof."""
        with self.store.reading() as db:
            row = db.execute(
                "SELECT token_sha256, hmac_key FROM pending_credentials WHERE terminal_id = ?", [terminal_id]
            ).fetchone()
        if row is None:
            raise StoreError("no_rotation", "no credential rotation is pending for this terminal", 409)
        key = base64.b64decode(row[1])
        if not (
            hmac.compare_digest(row[0], token_digest(token))
            and hmac.compare_digest(rotation_proof(key, terminal_id, token), proof)
        ):
            raise StoreError("bad_proof", "the proof does not match the pending credentials", 403)
        self.store.register_terminal(terminal_id, token, key)
        with self.store.transaction() as db:
            db.execute("DELETE FROM pending_credentials WHERE terminal_id = ?", [terminal_id])
