"""The terminal's audit trail: chained entries in their own SQLite file; every kind of tampering
(edit, delete, reorder, truncate) is named by `verify` and by `python -m kiosk audit verify`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.audit import AuditLog, AuditRefused, canonical_entry, chain_hash
from tests.audit_tamper import Tamper

ROOT = Path(__file__).resolve().parent.parent
REF = "T0001-2L-000042-64"


# every tampering test runs on both layouts: 10 entries as tail rows (blocks of 256), and as two
# sealed blocks of 4 plus a tail of 2 (entries 1-4, 5-8 in blocks; 9, 10 rows)
@pytest.fixture(params=[256, 4], ids=["tail_rows", "sealed_blocks"])
def audit(tmp_path, request):
    log = AuditLog.open(tmp_path / "audit.sqlite", block_size=request.param)
    yield log
    log.close()


@pytest.fixture
def tamper(audit):
    conn = _raw(audit)
    yield Tamper(conn)
    conn.close()


def _fill(audit: AuditLog, n: int = 10) -> None:
    for i in range(n):
        audit.append(
            "transaction",
            service_id="repair.public_area",
            service_kind="submit",
            outcome="submitted",
            printed=i % 2 == 0,
            case_id=f"C{i + 1:07d}",
        )


def _raw(audit: AuditLog) -> sqlite3.Connection:
    return sqlite3.connect(str(audit.path), isolation_level=None)


def test_entries_chain_from_genesis_and_survive_reopening(audit, tmp_path):
    first = audit.append("session_end", reason="timeout")
    second = audit.append("technician", action="pin", result="wrong")
    assert (first.seq, second.seq) == (1, 2)
    row = _raw(audit).execute("SELECT entry, h FROM entries WHERE seq = 2").fetchone()
    assert bytes(row[1]) == chain_hash(bytes.fromhex(first.h), 2, bytes(row[0]))
    audit.close()
    reopened = AuditLog.open(tmp_path / "audit.sqlite")
    assert reopened.head() == second
    assert reopened.append("session_end", reason="finished").seq == 3
    assert reopened.verify().ok
    reopened.close()


def test_file_is_wal_with_full_sync(audit):
    conn = audit._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_intact_log_verifies(audit):
    _fill(audit)
    result = audit.verify()
    assert result.ok and result.checked == 10 and result.head == audit.head()
    assert audit.verify(since=6).checked == 5


def test_edited_entry_is_named(audit, tamper):
    _fill(audit)
    tamper.put(4, entry=canonical_entry({"kind": "transaction", "outcome": "failed"}))
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 4, "hash_mismatch")
    assert result.head.seq == 3


def test_edited_entry_with_its_hash_recomputed_breaks_the_next_link(audit, tamper):
    _fill(audit)
    prev = tamper.get(3)[1]
    entry = canonical_entry({"kind": "transaction", "outcome": "failed"})
    tamper.put(4, entry=entry, h=chain_hash(prev, 4, entry))
    result = audit.verify()
    assert (result.bad_seq, result.problem) == (5, "hash_mismatch")


def test_deleted_entry_is_named(audit, tamper):
    _fill(audit)
    tamper.delete(7)
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 7, "gap")


def test_reordered_entries_are_named(audit, tamper):
    _fill(audit)
    a, b = tamper.get(5), tamper.get(6)
    tamper.put(5, *b)
    tamper.put(6, *a)
    result = audit.verify()
    assert (result.bad_seq, result.problem) == (5, "hash_mismatch")


def test_truncated_tail_is_named_against_the_witnessed_head(audit, tamper):
    _fill(audit)
    head = audit.head()
    audit.record_witness(head.seq, head.h)  # the hub confirmed holding the chain up to here
    tamper.truncate_after(8)
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 9, "truncated")


def test_witness_never_goes_backwards(audit):
    _fill(audit)
    audit.record_witness(8, "aa")
    audit.record_witness(3, "bb")
    assert _raw(audit).execute("SELECT seq FROM witness").fetchone()[0] == 8


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("transaction", {"name": "张伟"}),  # unknown field
        ("transaction", {"service_id": "张伟"}),  # a name where an id goes
        ("transaction", {"service_id": "p13800138000"}),  # a phone hidden in an id
        ("transaction", {"local_ref": "13800138000"}),
        ("transaction", {"case_id": "13800138000"}),
        ("technician", {"reason": "Zhang Wei called"}),
        ("command", {"reason": "phone 13800138000"}),
        ("resident", {"name": "x"}),  # unknown kind
    ],
)
def test_personal_values_are_refused_and_never_land(audit, tamper, kind, fields):
    with pytest.raises(AuditRefused) as refused:
        audit.append(kind, **fields)
    assert "张伟" not in str(refused.value) and "13800138000" not in str(refused.value)
    assert audit.head().seq == 0
    data = tamper.all_entry_bytes()
    assert "张伟".encode() not in data and b"13800138000" not in data


def test_references_and_ids_are_accepted(audit):
    audit.append(
        "transaction",
        service_id="repair.public_area",
        local_ref=REF,
        case_id="C0000042",
        outcome="submitted",
        printed=False,
        error="PaperOut",
    )
    assert audit.verify().ok


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_cli_says_ok_or_names_the_first_bad_entry(audit, tamper):
    _fill(audit)
    ok = _cli("audit", "verify", "--db", str(audit.path))
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 10 entries")
    since = _cli("audit", "verify", "--db", str(audit.path), "--since", "8")
    assert since.returncode == 0 and since.stdout.startswith("OK: 3 entries")
    tamper.put(6, entry=b"\x00")
    bad = _cli("audit", "verify", "--db", str(audit.path))
    assert bad.returncode == 1 and "entry 6: hash_mismatch" in bad.stdout


def test_deleted_first_entry_and_a_gap_after_since_are_named(audit, tamper):
    _fill(audit)
    tamper.delete(8)
    assert (audit.verify(since=6).bad_seq, audit.verify(since=6).problem) == (8, "gap")
    tamper.delete(1)
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem, result.checked) == (False, 1, "gap", 0)


def test_a_row_renumbered_to_the_end_is_a_gap_and_an_edited_hash_is_named(audit, tamper):
    _fill(audit)
    tamper.move(7, 11)
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem, result.head.seq) == (False, 7, "gap", 6)
    tamper.move(11, 7)
    assert audit.verify().ok
    tamper.put(3, h=bytes(32))
    result = audit.verify()
    assert (result.bad_seq, result.problem, result.checked) == (3, "hash_mismatch", 2)
