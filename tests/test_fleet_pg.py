"""The fleet's operations (enrolment codes, remote commands, the audit trail) on both stores: the
embedded SQLite file and PostgreSQL (a real server from the pg_server fixture). Each test opens two
stores on the same database, as two hub processes sharing it would, and races them with threads."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from contract.audit_chain import GENESIS, canonical_entry, chain_hash
from hub.audit_store import AuditLedger
from hub.commands import CommandBook
from hub.enrolment_codes import EnrolmentDesk
from hub.store import StoreError
from hub.stores import open_store

ROOT = Path(__file__).resolve().parents[1]
RACERS = 6  # below PgHubStore's pool of 8 connections per store


@pytest.fixture(params=["sqlite", "postgresql"])
def two_stores(request, tmp_path):
    """Two stores on one database, like two hub processes of a fleet."""
    db = tmp_path / "hub.sqlite" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    opened = [open_store(db, key_path=tmp_path / "field.key") for _ in range(2)]
    try:
        yield opened
    finally:
        for store in opened:
            store.close()


def _race(stores, job) -> list:
    """Run job(store) RACERS times at once, alternating the stores; results or StoreError codes."""
    start = threading.Barrier(RACERS)

    def one(i: int):
        start.wait()
        try:
            return job(stores[i % 2])
        except StoreError as exc:
            return exc.error

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(one, range(RACERS)))


def _chain(n: int, first: int = 1, prev: bytes = GENESIS) -> list[dict]:
    entries = []
    for seq in range(first, first + n):
        entry = canonical_entry({"kind": "session_end", "reason": "finished", "n": seq})
        prev = chain_hash(prev, seq, entry)
        entries.append({"seq": seq, "h": prev.hex(), "entry": entry.decode()})
    return entries


def test_a_code_redeemed_by_several_processes_at_once_enrols_exactly_once(two_stores):
    code = EnrolmentDesk(two_stores[0]).issue_code("T0100", "north")
    results = _race(two_stores, lambda store: EnrolmentDesk(store).redeem(code)["token"])
    tokens = [r for r in results if r != "code_used"]
    assert len(tokens) == 1 and results.count("code_used") == RACERS - 1
    terminal = two_stores[1].terminal("T0100")
    assert terminal is not None and not terminal.revoked
    assert EnrolmentDesk(two_stores[1]).group("T0100") == "north"
    with pytest.raises(StoreError) as refused:
        EnrolmentDesk(two_stores[1]).redeem(code)
    assert refused.value.error == "code_used"


def test_a_revoked_terminal_needs_reinstating_and_rotation_switches_credentials(two_stores):
    first, second = (EnrolmentDesk(store) for store in two_stores)
    first.redeem(first.issue_code("T0101", "south"))
    two_stores[0].revoke_terminal("T0101")
    with pytest.raises(StoreError) as refused:
        second.issue_code("T0101", "south")
    assert refused.value.error == "terminal_revoked"
    second.redeem(second.issue_code("T0101", "south", reinstate=True))
    assert not two_stores[0].terminal("T0101").revoked
    pending = first.begin_rotation("T0101")
    with pytest.raises(StoreError) as refused:
        second.confirm_rotation("T0101", pending["token"], "0" * 64)
    assert refused.value.error == "bad_proof"


def test_commands_change_state_once_whichever_process_reports(two_stores):
    desk = EnrolmentDesk(two_stores[0])
    desk.redeem(desk.issue_code("T0102", "north"))
    desk.redeem(desk.issue_code("T0103", "north"))
    book, other = (CommandBook(store) for store in two_stores)
    issued = book.issue("T0102", "force_sync")
    delivered = other.deliver("T0102", b"k" * 32)
    assert [c["id"] for c in delivered] == [issued["id"]] and book.get(issued["id"])["state"] == "delivered"
    # another terminal cannot report on it, from either process
    results = _race(two_stores, lambda store: CommandBook(store).report("T0103", issued["id"], "succeeded", {}))
    assert results == ["not_found"] * RACERS and book.get(issued["id"])["state"] == "delivered"
    results = _race(
        two_stores, lambda store: CommandBook(store).report("T0102", issued["id"], "succeeded", {})["state"]
    )
    assert results == ["succeeded"] * RACERS
    assert other.deliver("T0102", b"k" * 32) == [] and book.list("T0102")[0]["state"] == "succeeded"


def test_the_audit_trail_holds_one_chain_when_processes_upload_at_once(two_stores):
    desk = EnrolmentDesk(two_stores[0])
    desk.redeem(desk.issue_code("T0104", "north"))
    entries = _chain(50)
    heads = _race(two_stores, lambda store: AuditLedger(store).add_entries("T0104", entries))
    assert all(head.seq == 50 and head.h == entries[-1]["h"] for head in heads)
    ledger = AuditLedger(two_stores[1])
    assert ledger.verify("T0104").ok and ledger.verify("T0104").checked == 50
    assert ledger.flags("T0104") == []
    ledger.record_head("T0104", 50, entries[-1]["h"])
    ledger.record_head("T0104", 50, entries[-1]["h"])  # a repeated heartbeat is no conflict
    ledger.record_head("T0104", 40, "f" * 64)
    assert [flag.problem for flag in ledger.flags("T0104")] == ["truncated", "rewritten"]
    with pytest.raises(StoreError) as refused:
        ledger.add_entries("T0104", _chain(3, first=60))
    assert refused.value.error == "audit_gap"
    assert [e["seq"] for e in ledger.entries("T0104", after=47, limit=2)] == [48, 49]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hub", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_the_fleet_commands_take_either_store_as_db(two_stores, tmp_path):
    db = two_stores[0].url if hasattr(two_stores[0], "url") else str(two_stores[0].db_path)
    issued = _cli("enrolment-code", "--db", db, "--terminal", "T0105", "--group", "east")
    assert issued.returncode == 0, issued.stderr
    enrolled = EnrolmentDesk(two_stores[1]).redeem(issued.stdout.split()[0])
    assert enrolled["terminal_id"] == "T0105" and enrolled["group"] == "east"
    AuditLedger(two_stores[1]).add_entries("T0105", _chain(5))
    verified = _cli("audit", "verify", "--db", db, "--terminal", "T0105")
    assert verified.returncode == 0 and verified.stdout.startswith("OK: 5 entries"), verified.stderr
    assert _cli("revoke", "--db", db, "--terminal", "T0105").returncode == 0
    assert two_stores[0].terminal("T0105").revoked


@pytest.mark.parametrize(
    ("sql", "params", "bad_seq", "problem"),
    [
        (None, [], None, None),
        ("UPDATE audit_entries SET entry = ? WHERE terminal_id = 'T0105' AND seq = ?", ['{"n":0}', 10], 10, "hash_mismatch"),
        ("DELETE FROM audit_entries WHERE terminal_id = 'T0105' AND seq >= ? AND seq < 13", [5], 5, "gap"),
        ("UPDATE audit_entries SET h = ? WHERE terminal_id = 'T0105' AND seq = ?", ["ab" * 32, 16], 16, "hash_mismatch"),
        ("UPDATE audit_entries SET h = upper(h) WHERE terminal_id = 'T0105' AND seq = ?", [7], None, None),
    ],
)  # fmt: skip
def test_the_hubs_verify_reads_chunks_and_names_tampering_on_both_stores(two_stores, monkeypatch, sql, params, bad_seq, problem):
    """AuditLedger.verify's aggregate read (group_concat / string_agg) across chunks of 4, and its
    row-by-row fallback, give the same verdicts on SQLite and PostgreSQL."""
    from hub import audit_store

    monkeypatch.setattr(audit_store, "VERIFY_CHUNK", 4)
    desk = EnrolmentDesk(two_stores[0])
    desk.redeem(desk.issue_code("T0105", "north"))
    entries = _chain(23)
    AuditLedger(two_stores[0]).add_entries("T0105", entries)
    if sql is not None:
        with two_stores[0].transaction() as db:
            db.execute(sql, params)
    ledger = AuditLedger(two_stores[1])
    result = ledger.verify("T0105")
    if bad_seq is None:
        assert (result.ok, result.checked, result.head.h) == (True, 23, entries[-1]["h"])
        assert ledger.verify("T0105", since=6).checked == 18
    else:
        assert (result.ok, result.bad_seq, result.problem) == (False, bad_seq, problem)
