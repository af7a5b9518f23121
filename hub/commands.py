"""Remote commands for terminals, pulled: issued here (`python -m hub command issue`), carried in the
terminal's heartbeat answers until it reports a result or the command expires.

States: pending (issued, not yet handed out) -> delivered (in a heartbeat answer; handed out again in
every answer until a result arrives, so a lost answer loses nothing: the terminal runs a command once
by id) -> succeeded | failed | refused (the terminal's result). A command past its expiry without a
result is shown as expired. Each command is signed at delivery with the terminal's current HMAC key
(contract.command_signing), so a command issued before a credential rotation is still accepted after it.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any

from contract.command_signing import sign_command
from hub.store import HubStore, StoreError, utc_now_iso

# what a terminal can be asked to do, and the arguments each takes (checked at issue)
COMMANDS: dict[str, tuple[str, ...]] = {
    "out_of_service": ("reason", "message_zh", "message_en"),
    "back_in_service": (),
    "force_sync": (),
    "refresh_catalogue": (),
    "restart": (),
    "set_speech_volume": ("volume",),
    "upload_diagnostics": (),
    "rotate_credentials": (),
}
OUT_OF_SERVICE_REASONS = ("internal", "hardware", "hours", "backend")  # kiosk.session_view
RESULTS = ("succeeded", "failed", "refused")
DEFAULT_TTL_S = 24 * 3600


def _check_args(command: str, args: dict[str, Any]) -> None:
    if command not in COMMANDS:
        raise StoreError("unknown_command", f"unknown command {command!r}", 422)
    unknown = set(args) - set(COMMANDS[command])
    if unknown:
        raise StoreError("invalid_request", f"{command} takes no {', '.join(sorted(unknown))}", 422)
    if command == "out_of_service" and args.get("reason", "internal") not in OUT_OF_SERVICE_REASONS:
        raise StoreError("invalid_request", f"reason must be one of {', '.join(OUT_OF_SERVICE_REASONS)}", 422)
    if command == "set_speech_volume":
        volume = args.get("volume")
        if not isinstance(volume, int | float) or isinstance(volume, bool) or not 0 <= volume <= 1:
            raise StoreError("invalid_request", "volume must be a number from 0 to 1", 422)


def new_command_id() -> str:
    """"K" and 16 hex digits, never with 8 decimal digits in a row: the terminal's audit refuses an
    id holding such a run (it could be a phone or id number), and about one random id in seven had
    one, so that command's audit entry lost its id."""
    while True:
        command_id = "K" + secrets.token_hex(8)
        if not re.search(r"\d{8}", command_id):
            return command_id


class CommandBook:
    """Issued commands and their states, in the hub's store."""

    def __init__(self, store: HubStore) -> None:
        self.store = store

    def issue(
        self, terminal_id: str, command: str, args: dict[str, Any] | None = None, ttl_s: int = DEFAULT_TTL_S
    ) -> dict[str, Any]:
        """Queue a command for a terminal. Raises StoreError for an unknown terminal or command."""
        args = dict(args or {})
        _check_args(command, args)
        if self.store.terminal(terminal_id) is None:
            raise StoreError("unknown_terminal", f"no terminal {terminal_id}", 404)
        now = int(time.time())
        command_id = new_command_id()
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO commands (command_id, terminal_id, command, args, issued_at, expires_at, state, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                [
                    command_id,
                    terminal_id,
                    command,
                    json.dumps(args, sort_keys=True),
                    now,
                    now + ttl_s,
                    utc_now_iso(),
                ],
            )
        return self.get(command_id)

    def deliver(self, terminal_id: str, key: bytes, now: float | None = None) -> list[dict[str, Any]]:
        """The signed commands to hand this terminal now (pending or delivered, not expired)."""
        now = int(now if now is not None else time.time())
        with self.store.transaction() as db:
            rows = self.due(db, terminal_id, now).fetchall()
            self.mark_delivered(db, terminal_id, now, rows)
        return self.signed(terminal_id, key, rows)

    @staticmethod
    def due(db: Any, terminal_id: str, now: int) -> Any:
        """A cursor over the commands due to a terminal (for `mark_delivered` and `signed`)."""
        return db.execute(
            "SELECT command_id, command, args, issued_at, expires_at, state FROM commands "
            "WHERE terminal_id = ? AND state IN ('pending', 'delivered') AND expires_at > ? ORDER BY issued_at",
            [terminal_id, now],
        )

    @staticmethod
    def mark_delivered(db: Any, terminal_id: str, now: int, rows: list[Any]) -> None:
        """Pending commands among `rows` become delivered (no statement when none is pending: the
        usual heartbeat; a command issued meanwhile stays pending and goes out with the next one)."""
        if any(row[5] == "pending" for row in rows):
            db.execute(
                "UPDATE commands SET state = 'delivered', updated_at = ? "
                "WHERE terminal_id = ? AND state = 'pending' AND expires_at > ?",
                [utc_now_iso(), terminal_id, now],
            )

    @staticmethod
    def signed(terminal_id: str, key: bytes, rows: list[Any]) -> list[dict[str, Any]]:
        out = []
        for command_id, command, args, issued_at, expires_at, _state in rows:
            body = {
                "id": command_id,
                "terminal_id": terminal_id,
                "command": command,
                "args": json.loads(args),
                "issued_at": issued_at,
                "expires_at": expires_at,
            }
            out.append({**body, "signature": sign_command(key, body)})
        return out

    def report(
        self, terminal_id: str, command_id: str, result: str, detail: dict[str, Any]
    ) -> dict[str, Any]:
        """Record a terminal's result for its own command (a repeat of the same result is fine)."""
        if result not in RESULTS:
            raise StoreError("invalid_request", f"result must be one of {', '.join(RESULTS)}", 422)
        with self.store.transaction() as db:
            # one statement finds and changes the row: atomic on both stores, whichever hub process reports
            changed = db.execute(
                "UPDATE commands SET state = ?, detail = ?, updated_at = ? WHERE command_id = ? AND terminal_id = ?",
                [result, json.dumps(detail, ensure_ascii=False), utc_now_iso(), command_id, terminal_id],
            ).rowcount
            if changed != 1:
                raise StoreError("not_found", "no such command for this terminal", 404)
        return self.get(command_id)

    def get(self, command_id: str) -> dict[str, Any]:
        found = self.list(command_id=command_id)
        if not found:
            raise StoreError("not_found", "no such command", 404)
        return found[0]

    def list(self, terminal_id: str | None = None, command_id: str | None = None) -> list[dict[str, Any]]:
        """Commands with their state (pending, delivered, succeeded, failed, refused, expired)."""
        where, params = [], []
        if terminal_id:
            where.append("terminal_id = ?")
            params.append(terminal_id)
        if command_id:
            where.append("command_id = ?")
            params.append(command_id)
        sql = "SELECT command_id, terminal_id, command, args, issued_at, expires_at, state, detail, updated_at FROM commands"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self.store.reading() as db:
            rows = db.execute(sql + " ORDER BY issued_at, command_id", params).fetchall()
        now = time.time()
        out = []
        for cid, tid, command, args, issued_at, expires_at, state, detail, updated_at in rows:
            if state in ("pending", "delivered") and expires_at <= now:
                state = "expired"
            out.append(
                {
                    "id": cid,
                    "terminal_id": tid,
                    "command": command,
                    "args": json.loads(args),
                    "issued_at": issued_at,
                    "expires_at": expires_at,
                    "state": state,
                    "detail": json.loads(detail) if detail else None,
                    "updated_at": updated_at,
                }
            )
        return out
