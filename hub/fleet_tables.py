"""The fleet tables (audit trail, remote commands, enrolment codes, credential rotation), kept in the
hub's own file beside hub/schema.py's. Created on first use when missing, so an older hub file gains
them without a version bump that other parts of the schema would have to agree on.
"""

from __future__ import annotations

from hub.store import HubStore

_DDL = """
CREATE TABLE IF NOT EXISTS audit_entries (
    terminal_id TEXT NOT NULL, seq INTEGER NOT NULL, h TEXT NOT NULL, entry TEXT NOT NULL,
    received_at TEXT NOT NULL, PRIMARY KEY (terminal_id, seq));
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    terminal_id TEXT NOT NULL, seq INTEGER NOT NULL, h TEXT NOT NULL, seen_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, seq));
CREATE TABLE IF NOT EXISTS audit_flags (
    id INTEGER PRIMARY KEY, terminal_id TEXT NOT NULL, problem TEXT NOT NULL, seq INTEGER,
    detail TEXT NOT NULL, flagged_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commands (
    command_id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, command TEXT NOT NULL, args TEXT NOT NULL,
    issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, state TEXT NOT NULL, detail TEXT,
    updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS commands_terminal ON commands (terminal_id, state);
CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_sha256 TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, group_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS terminal_groups (terminal_id TEXT PRIMARY KEY, group_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending_credentials (
    terminal_id TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL, hmac_key TEXT NOT NULL, issued_at INTEGER);
"""


def ensure_fleet_tables(store: HubStore) -> None:
    """Create the fleet tables in `store`'s file if they are missing (cheap when they exist)."""
    with store.reading() as db:
        db.conn.executescript(_DDL)
