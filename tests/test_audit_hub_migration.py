"""A hub of schema v5 (one row per uploaded audit entry) is brought to v6 (sealed blocks,
hub/audit_blocks.py) when it opens, on SQLite and PostgreSQL: the chain, its checkpoints and its
tampering survive the step, and tampering after it is named by `python -m hub audit verify`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from contract.audit_chain import GENESIS, canonical_entry, chain_hash
from hub.audit_store import AuditLedger
from hub.enrolment_codes import EnrolmentDesk
from hub.stores import open_store
from tests.audit_tamper import HubTamper, StoreStatements

ROOT = Path(__file__).resolve().parents[1]


def _chain(n: int, first: int = 1, prev: bytes = GENESIS) -> list[dict]:
    entries = []
    for seq in range(first, first + n):
        entry = canonical_entry({"kind": "session_end", "reason": "finished", "at": f"2026-12-01T{seq % 24:02d}"})
        prev = chain_hash(prev, seq, entry)
        entries.append({"seq": seq, "h": prev.hex(), "entry": entry.decode()})
    return entries


CHAINS = {"T0201": _chain(1000), "T0202": _chain(300)}


@pytest.fixture(params=["sqlite", "postgresql"])
def v5_hub(request, tmp_path):
    """A hub database as schema v5 left it: each terminal's entries one row each (as the v5
    AuditLedger.add_entries stored them), checkpoints, and entry 100 of T0202 edited in place."""
    db = str(tmp_path / "hub.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store = open_store(db, key_path=tmp_path / "field.key")
    desk = EnrolmentDesk(store)
    for terminal_id, entries in CHAINS.items():
        desk.redeem(desk.issue_code(terminal_id, "north"))
        with store.transaction() as tx:
            for e in entries:
                tx.execute(
                    "INSERT INTO audit_entries (terminal_id, seq, h, entry, received_at) VALUES (?, ?, ?, ?, 'v5')",
                    [terminal_id, e["seq"], e["h"], e["entry"]],
                )
    for seq in (500, 1000):
        AuditLedger(store).record_head("T0201", seq, CHAINS["T0201"][seq - 1]["h"])
    with store.transaction() as tx:
        tx.execute("UPDATE audit_entries SET entry = ? WHERE terminal_id = 'T0202' AND seq = 100", ['{"n":0}'])
        tx.execute("DROP TABLE audit_blocks")  # back to v5: the table v6 adds, v7's index, v8's, the versions
        tx.execute("DROP INDEX IF EXISTS records_terminal_id_issued_at")
        tx.execute("DROP INDEX IF EXISTS records_terminal_id_request_id")
        tx.execute("ALTER TABLE records DROP COLUMN request_id")
        tx.execute("ALTER TABLE records DROP COLUMN document")
        if request.param == "postgresql":
            tx.execute("DELETE FROM hub_schema WHERE version >= 6")
    store.close()
    if request.param == "sqlite":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA user_version=5")
        conn.commit()
        conn.close()
    return db, tmp_path / "field.key"


def _verify_cli(db: str, terminal_id: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", "audit", "verify", "--db", db, "--terminal", terminal_id],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_v5_hub_is_sealed_at_open_and_keeps_verifying(v5_hub):
    db, key = v5_hub
    store = open_store(db, key_path=key)
    try:
        ledger = AuditLedger(store)
        good, edited = HubTamper(StoreStatements(store), "T0201"), HubTamper(StoreStatements(store), "T0202")
        assert (good.blocks(), good.rows()) == (3, 232)  # blocks of 256, the rest an open tail
        assert (edited.blocks(), edited.rows()) == (1, 44)  # the edited row sealed verbatim
        result = ledger.verify("T0201")
        assert result.ok and result.checked == 1000 and result.head.h == CHAINS["T0201"][-1]["h"]
        assert ledger.verify("T0201", since=700).checked == 301
        result = ledger.verify("T0202")  # tampering from before the step is still named after it
        assert (result.ok, result.bad_seq, result.problem) == (False, 100, "hash_mismatch")
        assert ledger.held_head("T0201").seq == 1000 and ledger.held_head("T0202").seq == 300
        assert [e["seq"] for e in ledger.entries("T0201", after=254, limit=4)] == [255, 256, 257, 258]
        # the chain goes on: an upload is stored after the migrated tail and sealed with it
        more = _chain(100, first=1001, prev=bytes.fromhex(CHAINS["T0201"][-1]["h"]))
        assert ledger.add_entries("T0201", more).seq == 1100
        assert (good.blocks(), good.rows()) == (4, 76)
        assert ledger.verify("T0201").checked == 1100 and ledger.flags("T0201") == []
    finally:
        store.close()
    verified = _verify_cli(db, "T0201")
    assert verified.returncode == 0 and verified.stdout.startswith("OK: 1100 entries"), verified.stderr
    verified = _verify_cli(db, "T0202")
    assert verified.returncode == 1 and verified.stdout.startswith("BAD: entry 100: hash_mismatch")


@pytest.mark.parametrize(
    ("tampering", "bad_seq", "problem"),
    [
        (lambda t: t.put(300, entry=b'{"kind":"session_end"}'), 300, "hash_mismatch"),
        (lambda t: t.put(500, h=bytes(32)), 500, "hash_mismatch"),
        (lambda t: t.delete(600), 600, "gap"),
        (lambda t: t.move(257, 700), 257, "gap"),
        (lambda t: t.put(900, entry=b'{"kind":"session_end"}'), 900, "hash_mismatch"),  # the tail
    ],
    ids=["edit", "edit_h", "delete", "move", "edit_tail"],
)
def test_tampering_after_the_step_is_named(v5_hub, tampering, bad_seq, problem):
    db, key = v5_hub
    store = open_store(db, key_path=key)
    try:
        tampering(HubTamper(StoreStatements(store), "T0201"))
    finally:
        store.close()
    verified = _verify_cli(db, "T0201")
    assert verified.returncode == 1, verified.stdout + verified.stderr
    assert verified.stdout.startswith(f"BAD: entry {bad_seq}: {problem}"), verified.stdout
