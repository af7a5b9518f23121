"""The hub's fleet endpoints (contract v1 grows; older terminals keep working):

- POST /v1/terminals/{id}/heartbeat answers `{ok, audit: {seq, h}, commands: [...]}`: the audit head
  the hub holds (upload what follows it) and the signed commands pending for the terminal. A
  heartbeat without `health.audit` is accepted as before; a terminal that ignores the extra answer
  fields loses nothing.
- POST /v1/terminals/{id}/audit `{entries: [{seq, h, entry}]}` -> the held head after storing them.
- POST /v1/terminals/{id}/commands/{command_id}/result `{result, detail}` -> the command's state.
- POST /v1/terminals/{id}/credentials -> new credentials, pending;
  POST /v1/terminals/{id}/credentials:confirm `{token, proof}` -> switched: the old ones stop working.
- POST /v1/enrolment `{code, terminal_id?}` -> `{terminal_id, group, token, hmac_key, card_hash_salt}`.
  Not signed (the terminal has no credentials yet): guarded by the one-time code and rate-limited per
  client address (429 with Retry-After).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from hub.audit_store import MAX_ENTRIES_PER_UPLOAD, AuditLedger
from hub.commands import CommandBook
from hub.enrolment_codes import EnrolmentDesk
from hub.store import HubStore, StoreError, Terminal, utc_now_iso
from hub.store_terminals import HEARTBEAT_IF_NONCE, NonceNotRecorded, PendingNonce, nonce_if_current_args

ENROLMENT_PATH = "/v1/enrolment"
# the latest report per terminal, in SQL both stores accept
HEARTBEAT_UPSERT = (
    "INSERT INTO heartbeats (terminal_id, received_at, health) VALUES (?, ?, ?) ON CONFLICT (terminal_id)"
    " DO UPDATE SET received_at = excluded.received_at, health = excluded.health"
)
ENROLMENT_PER_MINUTE = 10  # per client address: a code has 50 bits, guessing is hopeless anyway


class HeartbeatAnswer(BaseModel):
    ok: bool = True
    audit: dict[str, Any] = Field(description="the audit head the hub holds: upload the entries after it")
    commands: list[dict[str, Any]] = Field(description="signed pending commands (contract.command_signing)")


class AuditEntryIn(BaseModel):
    seq: int = Field(ge=1, lt=2**63)
    h: str = Field(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the chain up to this entry")
    entry: str = Field(max_length=4096, description="the canonical entry JSON, as hashed")


class AuditUpload(BaseModel):
    entries: list[AuditEntryIn] = Field(max_length=MAX_ENTRIES_PER_UPLOAD)


Figure = str | int | float | bool | None


class CommandResult(BaseModel):
    result: str = Field(max_length=16, description="succeeded | failed | refused")
    detail: dict[str, Figure | list[str] | dict[str, Figure]] = Field(
        default_factory=dict, description="figures and codes only (diagnostics: devices, queue, log tail)"
    )


class RotationConfirm(BaseModel):
    token: str = Field(min_length=16, max_length=200)
    proof: str = Field(min_length=64, max_length=64)


class EnrolmentIn(BaseModel):
    code: str = Field(min_length=4, max_length=32)
    terminal_id: str | None = Field(default=None, max_length=12)


class _PerClientWindow:
    """At most `per_minute` attempts per client address in any 60 s (a sliding window)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def wait_s(self, client: str, now: float) -> int | None:
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return max(1, math.ceil(seen[0] + 60 - now))
            seen.append(now)
        return None


def _own(request: Request, terminal_id: str) -> None:
    if request.scope["state"]["terminal_id"] != terminal_id:
        raise StoreError("terminal_mismatch", "a terminal may only act for itself", 403)


class Fleet:
    """The fleet parts over one store, for the routes and the heartbeat answer."""

    def __init__(self, store: HubStore) -> None:
        self.store = store
        self.audit = AuditLedger(store)
        self.commands = CommandBook(store)
        self.enrolment = EnrolmentDesk(store)

    def beat(
        self,
        terminal: Terminal,
        report: dict[str, Any],
        durable: bool = True,
        nonce: PendingNonce | None = None,
    ) -> dict[str, Any]:
        """Store a heartbeat's report and answer it (audit head held, pending commands signed with
        the terminal's key), in one transaction and on PostgreSQL one round trip: the upsert, the
        three reads and the commit go out together (pipeline mode), the reads are taken after. A
        command handed out for the first time is marked delivered in a second transaction. A head that is not yet held, or disagrees, is recorded after that, in its
        own durable transaction under the terminal's row lock (AuditLedger.record_head).
        `durable=False`: the commit does not wait for the disk (the README's load section).

        `nonce` (PostgreSQL, from the gate: hub/auth.py): the request's nonce, recorded in the same
        statement as the report and only while the terminal's row holds the checked credentials;
        when it is not recorded nothing is stored and NonceNotRecorded is raised."""
        terminal_id = terminal.terminal_id
        head = _audit_head(report.get("audit"))
        now = int(time.time())
        with self.store.pipelined(durable=durable) as db:
            beat_args = [terminal_id, utc_now_iso(), json.dumps(report)]
            if nonce is None:
                stored = db.execute(HEARTBEAT_UPSERT, beat_args)
            else:
                self.store.purge_old_nonces(db, nonce.now, nonce.window_s)
                args = nonce_if_current_args(nonce.current, nonce.nonce, nonce.now)
                stored = db.execute(HEARTBEAT_IF_NONCE, [*args, *beat_args])
            check = None if head is None else self.audit.head_check(db, terminal_id, *head)
            due = self.commands.due(db, terminal_id, now)
            held = self.audit.held_cursor(db, terminal_id)
            if not self.store.reads_after_commit:
                rows, held_row, check_row = due.fetchall(), held.fetchone(), check and check.fetchone()
        if self.store.reads_after_commit:  # PostgreSQL: all of it went out in one round trip
            rows, held_row, check_row = due.fetchall(), held.fetchone(), check and check.fetchone()
        if nonce is not None and stored.rowcount != 1:
            raise NonceNotRecorded  # nothing was stored: the reads above answer nobody
        if any(row[5] == "pending" for row in rows):  # a command handed out for the first time
            with self.store.transaction() as db:
                self.commands.mark_delivered(db, terminal_id, now, rows)
        if head is not None and not self.audit.head_changes_nothing(check_row, head[0]):
            self.audit.record_head(terminal_id, *head)
        commands = self.commands.signed(terminal_id, terminal.hmac_key, rows)
        return {"ok": True, "audit": self.audit.held_from(held_row).as_json(), "commands": commands}


def _audit_head(head: Any) -> tuple[int, str] | None:
    """A heartbeat's audit head (seq, h), or None when it sends none or a malformed one."""
    if (
        isinstance(head, dict)
        and isinstance(head.get("seq"), int)
        and 0 <= head["seq"] < 2**63
        and isinstance(head.get("h"), str)
        and len(head["h"]) == 64
    ):
        return head["seq"], head["h"]
    return None


def install_fleet_routes(
    app: FastAPI, store: HubStore, enrolment_per_minute: int = ENROLMENT_PER_MINUTE
) -> Fleet:
    fleet = Fleet(store)
    window = _PerClientWindow(enrolment_per_minute)

    @app.post("/v1/terminals/{terminal_id}/audit", summary="Upload audit entries that follow the held head")
    def upload_audit(terminal_id: str, request: Request, upload: AuditUpload) -> dict[str, Any]:
        _own(request, terminal_id)
        return fleet.audit.add_entries(terminal_id, [e.model_dump() for e in upload.entries]).as_json()

    @app.post(
        "/v1/terminals/{terminal_id}/commands/{command_id}/result", summary="Report a remote command's result"
    )
    def command_result(
        terminal_id: str, command_id: str, request: Request, body: CommandResult
    ) -> dict[str, Any]:
        _own(request, terminal_id)
        return fleet.commands.report(terminal_id, command_id, body.result, body.detail)

    @app.post("/v1/terminals/{terminal_id}/credentials", summary="New credentials, pending until confirmed")
    def rotate(terminal_id: str, request: Request) -> dict[str, Any]:
        _own(request, terminal_id)
        return fleet.enrolment.begin_rotation(terminal_id)

    @app.post("/v1/terminals/{terminal_id}/credentials:confirm", summary="Switch to the pending credentials")
    def confirm(terminal_id: str, request: Request, body: RotationConfirm) -> dict[str, Any]:
        _own(request, terminal_id)
        fleet.enrolment.confirm_rotation(terminal_id, body.token, body.proof)
        return {"ok": True}

    @app.post(ENROLMENT_PATH, summary="Exchange a one-time enrolment code for credentials (not signed)")
    def enrol(request: Request, body: EnrolmentIn) -> Any:
        client = request.client.host if request.client else "unknown"
        wait = window.wait_s(client, time.time())
        if wait is not None:
            return JSONResponse(
                {"error": "rate_limited", "message": "too many enrolment attempts; try again later"},
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        return fleet.enrolment.redeem(body.code, body.terminal_id)

    return fleet
