"""The reference hub's SQLite schema, versioned with PRAGMA user_version.

v1: terminals, nonces, cases, case events, tickets, records, heartbeats.
v2: fleet (fleet-wide settings made once, e.g. the card-hash salt every terminal shares).
v3: cases.sealed and cases.rating_comment_sealed: personal and sensitive values encrypted at rest
    (hub/field_vault.py). Rows written before v3 are sealed by HubStore.seal_plain_cases.
v4: the staff console's tables (see _console_tables), cases.assigned_to, resident_profiles.
v5: the fleet tables (FLEET_TABLES: audit trail, remote commands, enrolment codes, credential
    rotation), one text for both stores.
v6: audit_blocks: each terminal's audit entries in sealed blocks (hub/audit_blocks.py); the entries
    a v5 hub holds as rows are sealed by the step (audit_blocks.seal_all), in its transaction.
v7: records indexed by (terminal_id, issued_at).
v8: records.request_id and records.document (a SHA-256 of the document answered, not the document:
    its rows are a resident's values), unique per (terminal_id, request_id): a terminal's request
    for a document sent again (its answer was lost) gets that document made again, not a second
    number (issue 12). Rows before v8 have neither (NULLs never meet in a unique index).
Every step creates only what is missing, so any older file is brought up to date in one pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlite_utils

from hub import audit_blocks

SCHEMA_VERSION = 8


def migrate(db: sqlite_utils.Database) -> None:
    """Create or upgrade the tables; the caller holds a write transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return
    db["terminals"].create(
        {
            "terminal_id": str,
            "token_sha256": str,
            "hmac_key": str,
            "revoked": int,
            "enrolled_at": str,
        },
        pk="terminal_id",
        if_not_exists=True,
    )
    db["nonces"].create(
        {"terminal_id": str, "nonce": str, "seen_at": float},
        pk=("terminal_id", "nonce"),
        if_not_exists=True,
    )
    db["nonces"].create_index(["seen_at"], if_not_exists=True)
    db["cases"].create(
        {
            "seq": int,
            "case_id": str,
            "terminal_id": str,
            "idempotency_key": str,
            "body_sha256": str,
            "local_ref": str,
            "service_id": str,
            "catalog_version": str,
            "created_at": str,
            "received_at": str,
            "payload": str,
            "card_hash": str,
            "status": str,
            "rating": int,
            "rating_comment": str,
            "sealed": bytes,
            "rating_comment_sealed": bytes,
        },
        pk="seq",
        not_null={"case_id", "service_id", "status"},
        if_not_exists=True,
    )
    db["cases"].create_index(["case_id"], unique=True, if_not_exists=True)
    db["cases"].create_index(["terminal_id", "idempotency_key"], unique=True, if_not_exists=True)
    db["cases"].create_index(["local_ref"], if_not_exists=True)
    db["cases"].create_index(["card_hash"], if_not_exists=True)
    db["case_events"].create(
        {"id": int, "case_id": str, "at": str, "status": str, "note": str},
        pk="id",
        if_not_exists=True,
    )
    db["case_events"].create_index(["case_id"], if_not_exists=True)
    db["tickets"].create(
        {"id": int, "day": str, "prefix": str, "number": int, "service_id": str, "issued_at": str},
        pk="id",
        if_not_exists=True,
    )
    db["tickets"].create_index(["day", "prefix", "number"], unique=True, if_not_exists=True)
    db["records"].create(
        {"record_id": str, "service_id": str, "terminal_id": str, "issued_at": str},
        pk="record_id",
        if_not_exists=True,
    )
    # v7: a new document number reads its terminal's documents of that day only (it read every
    # document of every terminal, in the write transaction)
    db["records"].create_index(["terminal_id", "issued_at"], index_name="records_terminal_id_issued_at", if_not_exists=True)
    # v8: a request sent again gets its document back (made again; `document` holds its digest)
    for column in ("request_id", "document"):
        if column not in db["records"].columns_dict:
            db["records"].add_column(column, str)
    db["records"].create_index(
        ["terminal_id", "request_id"], index_name="records_terminal_id_request_id", unique=True, if_not_exists=True
    )
    db["heartbeats"].create(
        {"terminal_id": str, "received_at": str, "health": str},
        pk="terminal_id",
        if_not_exists=True,
    )
    db["fleet"].create({"key": str, "value": str, "created_at": str}, pk="key", if_not_exists=True)
    columns = db["cases"].columns_dict
    for column in ("sealed", "rating_comment_sealed"):
        if column not in columns:  # a v1/v2 file: the table exists without them
            db["cases"].add_column(column, bytes)
    _console_tables(db)
    for statement in fleet_tables("INTEGER PRIMARY KEY"):
        db.execute(statement)  # not executescript: that would commit the caller's transaction
    db.execute(audit_blocks.blocks_table("BLOB"))
    audit_blocks.seal_all(db)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _console_tables(db: sqlite_utils.Database) -> None:
    """Staff accounts and sessions, the staff audit log, catalogue versions and their rollout."""
    if "assigned_to" not in db["cases"].columns_dict:
        db["cases"].add_column("assigned_to", str)
    db["staff"].create(
        {
            "username": str,
            "role": str,
            "password_hash": str,  # argon2id, see hub/staff.py
            "created_at": str,
            "disabled": int,
            "failed_logins": int,  # since the last successful sign-in
            "locked_until": float,  # epoch seconds; sign-in refused before it
        },
        pk="username",
        if_not_exists=True,
    )
    db["staff_sessions"].create(
        {"token_sha256": str, "username": str, "csrf_token": str, "created_at": float, "last_seen": float},
        pk="token_sha256",
        if_not_exists=True,
    )
    db["staff_audit"].create(
        {"id": int, "at": str, "username": str, "action": str, "target": str, "detail": str},
        pk="id",
        if_not_exists=True,
    )
    db["staff_audit"].create_index(["at"], if_not_exists=True)
    db["catalogue_versions"].create(
        {"version": str, "document": str, "uploaded_by": str, "uploaded_at": str},
        pk="version",
        if_not_exists=True,
    )
    # the stable version is the latest promotion; rolling back removes the latest promotion
    db["catalogue_promotions"].create(
        {"id": int, "version": str, "at": str, "username": str}, pk="id", if_not_exists=True
    )
    # residents' profiles for prefill (hub/profiles.py), sealed with the field key
    db.execute(
        "CREATE TABLE IF NOT EXISTS resident_profiles ("
        " card_hash TEXT PRIMARY KEY, sealed BLOB NOT NULL, updated_at TEXT NOT NULL)"
    )
    # at most one staged version, served to the terminals of one group
    db["catalogue_stage"].create(
        {"slot": int, "version": str, "group_name": str, "at": str, "username": str},
        pk="slot",
        if_not_exists=True,
    )


# --- the fleet's tables (hub/audit_store.py, hub/commands.py, hub/enrolment_codes.py) -------------
# Written once in SQL both stores accept; only a generated key is spelled differently, so {serial}.
# Hub files of the first fleet release made these tables themselves: IF NOT EXISTS keeps them.
FLEET_TABLES = (
    "CREATE TABLE IF NOT EXISTS audit_entries (terminal_id TEXT NOT NULL, seq BIGINT NOT NULL,"
    " h TEXT NOT NULL, entry TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (terminal_id, seq))",
    "CREATE TABLE IF NOT EXISTS audit_checkpoints (terminal_id TEXT NOT NULL, seq BIGINT NOT NULL,"
    " h TEXT NOT NULL, seen_at TEXT NOT NULL, PRIMARY KEY (terminal_id, seq))",
    "CREATE TABLE IF NOT EXISTS audit_flags (id {serial}, terminal_id TEXT NOT NULL, problem TEXT NOT NULL,"
    " seq BIGINT, detail TEXT NOT NULL, flagged_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS commands (command_id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL,"
    " command TEXT NOT NULL, args TEXT NOT NULL, issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
    " state TEXT NOT NULL, detail TEXT, updated_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS commands_terminal ON commands (terminal_id, state)",
    "CREATE TABLE IF NOT EXISTS enrolment_codes (code_sha256 TEXT PRIMARY KEY, terminal_id TEXT NOT NULL,"
    " group_id TEXT NOT NULL, issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)",
    "CREATE TABLE IF NOT EXISTS terminal_groups (terminal_id TEXT PRIMARY KEY, group_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS pending_credentials (terminal_id TEXT PRIMARY KEY,"
    " token_sha256 TEXT NOT NULL, hmac_key TEXT NOT NULL, issued_at BIGINT)",
)


def fleet_tables(serial: str) -> tuple[str, ...]:
    """FLEET_TABLES for one store; `serial` is its generated-key column type."""
    return tuple(statement.replace("{serial}", serial) for statement in FLEET_TABLES)


# --- PostgreSQL (hub/store_pg.py): the same tables and versions, as DDL ------------------------------
# Version n's statements bring a database at n-1 to n; the applied version is in hub_schema. Keep a
# change to the SQLite schema above and its PostgreSQL step here in the same commit.
PG_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE terminals (terminal_id TEXT PRIMARY KEY, token_sha256 TEXT, hmac_key TEXT,"
        " revoked INTEGER, enrolled_at TEXT)",
        "CREATE TABLE nonces (terminal_id TEXT, nonce TEXT, seen_at DOUBLE PRECISION,"
        " PRIMARY KEY (terminal_id, nonce))",
        "CREATE INDEX nonces_seen_at ON nonces (seen_at)",
        "CREATE TABLE cases (seq BIGSERIAL PRIMARY KEY, case_id TEXT NOT NULL UNIQUE, terminal_id TEXT,"
        " idempotency_key TEXT, body_sha256 TEXT, local_ref TEXT, service_id TEXT NOT NULL,"
        " catalog_version TEXT, created_at TEXT, received_at TEXT, payload TEXT, card_hash TEXT,"
        " status TEXT NOT NULL, rating INTEGER, rating_comment TEXT,"
        " UNIQUE (terminal_id, idempotency_key))",
        "CREATE INDEX cases_local_ref ON cases (local_ref)",
        "CREATE INDEX cases_card_hash ON cases (card_hash)",
        "CREATE TABLE case_events (id BIGSERIAL PRIMARY KEY, case_id TEXT, at TEXT, status TEXT, note TEXT)",
        "CREATE INDEX case_events_case_id ON case_events (case_id)",
        "CREATE TABLE tickets (id BIGSERIAL PRIMARY KEY, day TEXT, prefix TEXT, number INTEGER,"
        " service_id TEXT, issued_at TEXT, UNIQUE (day, prefix, number))",
        "CREATE TABLE records (record_id TEXT PRIMARY KEY, service_id TEXT, terminal_id TEXT, issued_at TEXT)",
        "CREATE TABLE heartbeats (terminal_id TEXT PRIMARY KEY, received_at TEXT, health TEXT)",
    ),
    2: ("CREATE TABLE fleet (key TEXT PRIMARY KEY, value TEXT, created_at TEXT)",),
    3: (
        "ALTER TABLE cases ADD COLUMN sealed BYTEA",
        "ALTER TABLE cases ADD COLUMN rating_comment_sealed BYTEA",
    ),
    4: (
        "ALTER TABLE cases ADD COLUMN assigned_to TEXT",
        "CREATE TABLE staff (username TEXT PRIMARY KEY, role TEXT, password_hash TEXT, created_at TEXT,"
        " disabled INTEGER, failed_logins INTEGER, locked_until DOUBLE PRECISION)",
        "CREATE TABLE staff_sessions (token_sha256 TEXT PRIMARY KEY, username TEXT, csrf_token TEXT,"
        " created_at DOUBLE PRECISION, last_seen DOUBLE PRECISION)",
        "CREATE TABLE staff_audit (id BIGSERIAL PRIMARY KEY, at TEXT, username TEXT, action TEXT,"
        " target TEXT, detail TEXT)",
        "CREATE INDEX staff_audit_at ON staff_audit (at)",
        "CREATE TABLE catalogue_versions (version TEXT PRIMARY KEY, document TEXT, uploaded_by TEXT,"
        " uploaded_at TEXT)",
        "CREATE TABLE catalogue_promotions (id BIGSERIAL PRIMARY KEY, version TEXT, at TEXT, username TEXT)",
        "CREATE TABLE catalogue_stage (slot INTEGER PRIMARY KEY, version TEXT, group_name TEXT, at TEXT,"
        " username TEXT)",
        "CREATE TABLE resident_profiles (card_hash TEXT PRIMARY KEY, sealed BYTEA NOT NULL, updated_at TEXT NOT NULL)",
    ),
    5: fleet_tables("BIGSERIAL PRIMARY KEY"),
    6: (audit_blocks.blocks_table("BYTEA"),),
    7: ("CREATE INDEX records_terminal_id_issued_at ON records (terminal_id, issued_at)",),
    8: (
        "ALTER TABLE records ADD COLUMN request_id TEXT",
        "ALTER TABLE records ADD COLUMN document TEXT",
        "CREATE UNIQUE INDEX records_terminal_id_request_id ON records (terminal_id, request_id)",
    ),
}
# after a version's statements, in the same transaction: the data the new tables take over
PG_DATA_STEPS: dict[int, Callable[[Any], None]] = {6: audit_blocks.seal_all}
assert max(PG_MIGRATIONS) == SCHEMA_VERSION, "a schema version without its PostgreSQL step"
