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
from tests.audit_tamper import HubTamper, StoreStatements

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
    ("tampering", "bad_seq", "problem"),
    [
        (None, None, None),
        (lambda t: t.put(10, entry=b'{"n":0}'), 10, "hash_mismatch"),
        (lambda t: [t.delete(seq) for seq in (12, 11, 10, 9, 8, 7, 6, 5)], 5, "gap"),
        (lambda t: t.put(16, h=bytes.fromhex("ab" * 32)), 16, "hash_mismatch"),
        (lambda t: t.move(6, 99), 6, "gap"),
        (lambda t: t.put(22, entry=b'{"n":0}'), 22, "hash_mismatch"),  # a tail row
        # cut short: still a chain (the terminal uploads what follows the head the hub answers again)
        (lambda t: t.truncate_after(13), None, None),
    ],
    ids=["intact", "edit", "delete_blocks", "edit_h", "renumber", "edit_tail", "truncate"],
)
def test_the_hubs_verify_reads_blocks_and_names_tampering_on_both_stores(two_stores, tampering, bad_seq, problem):
    """AuditLedger.verify over sealed blocks of 4 and the tail rows after them gives the same
    verdicts on SQLite and PostgreSQL, whichever process sealed and whichever verifies."""
    desk = EnrolmentDesk(two_stores[0])
    desk.redeem(desk.issue_code("T0105", "north"))
    entries = _chain(23)
    AuditLedger(two_stores[0], block_size=4).add_entries("T0105", entries[:10])
    AuditLedger(two_stores[1], block_size=4).add_entries("T0105", entries[10:])
    AuditLedger(two_stores[0]).record_head("T0105", 20, entries[19]["h"])
    tamper = HubTamper(StoreStatements(two_stores[0]), "T0105")
    assert (tamper.blocks(), tamper.rows()) == (5, 3)
    if tampering is not None:
        tampering(tamper)
    ledger = AuditLedger(two_stores[1])
    result = ledger.verify("T0105")
    if bad_seq is None:
        held = 13 if problem is None and tampering is not None else 23
        assert (result.ok, result.checked, result.head.h) == (True, held, entries[held - 1]["h"])
        assert ledger.verify("T0105", since=6).checked == held - 5
        assert [e["seq"] for e in ledger.entries("T0105", after=2, limit=3)] == [3, 4, 5]
    else:
        assert (result.ok, result.bad_seq, result.problem) == (False, bad_seq, problem)
