"""The contract's fast verifier (contract.audit_chain): chain_block and the hub's chunked
verify_text_chunks give the same verdicts as the row-by-row verify_rows, and the hub's copy of a
chain, tampered in its own database, is named at the right entry whatever the chunk edges."""

from __future__ import annotations

import pytest

from contract.audit_chain import GENESIS, chain_block, chain_hash, verify_rows, verify_text_chunks
from hub import audit_store
from hub.audit_store import AuditLedger
from hub.store import HubStore


def _chain(n: int, entry=lambda seq: f'{{"kind":"session_end","n":{seq}}}') -> list[tuple[int, str, str]]:
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        prev = chain_hash(prev, seq, entry(seq).encode())
        rows.append((seq, entry(seq), prev.hex()))
    return rows


def _chunks(rows, size):
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _rows_verdict(rows):
    r = verify_rows((s, e.encode(), bytes.fromhex(h)) for s, e, h in rows)
    return (r.ok, r.checked, r.head, r.bad_seq, r.problem)


def _verdict(r):
    return (r.ok, r.checked, r.head, r.bad_seq, r.problem)


def test_chain_block_counts_the_good_lead_entries_and_returns_the_last_good_h():
    rows = _chain(6)
    entries = [e.encode() for _, e, _ in rows]
    hashes = b"".join(bytes.fromhex(h) for _, _, h in rows)
    assert chain_block(GENESIS, 1, entries, hashes) == (6, hashes[-32:])
    bad = hashes[:96] + bytes(32) + hashes[128:]
    assert chain_block(GENESIS, 1, entries, bad) == (3, hashes[64:96])
    assert chain_block(GENESIS, 1, [b"x"] + entries[1:], hashes) == (0, GENESIS)
    assert chain_block(hashes[64:96], 4, entries[3:], hashes[96:]) == (3, hashes[-32:])
    assert chain_block(GENESIS, 1, entries, hashes[:-32]) == (5, hashes[-64:-32])  # a hash missing


@pytest.mark.parametrize("size", [1, 4, 7, 100])
@pytest.mark.parametrize(
    "tamper",
    ["none", "edit", "delete", "swap", "edit_h", "newline_that_chains", "duplicate_seq"],
)
def test_chunked_verdicts_match_the_row_by_row_ones(size, tamper):
    rows = _chain(30)
    if tamper == "edit":
        rows[11] = (12, '{"kind":"session_end","n":0}', rows[11][2])
    elif tamper == "delete":
        del rows[16]
    elif tamper == "swap":
        rows[3], rows[4] = (4, rows[4][1], rows[4][2]), (5, rows[3][1], rows[3][2])
    elif tamper == "edit_h":
        rows[20] = (21, rows[20][1], "0" * 64)
    elif tamper == "newline_that_chains":  # not what a terminal writes, but a valid chain: OK
        rows = _chain(30, lambda seq: '{"a":\n1}' if seq == 9 else f'{{"n":{seq}}}')
    elif tamper == "duplicate_seq":
        rows[7] = (7, rows[7][1], rows[7][2])
    assert _verdict(verify_text_chunks(_chunks(rows, size))) == _rows_verdict(rows)


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    monkeypatch.setattr(audit_store, "VERIFY_CHUNK", 5)  # chunk edges inside a small chain
    store = HubStore(tmp_path / "hub.sqlite")
    book = AuditLedger(store)
    book.add_entries("T0001", [{"seq": s, "entry": e, "h": h} for s, e, h in _chain(23)])
    yield book
    store.close()


def _hub_db(ledger):
    return ledger.store._db.conn


def test_the_hub_verifies_its_copy_in_chunks_and_from_any_since(ledger):
    for since in (1, 5, 6, 11, 23):
        result = ledger.verify("T0001", since)
        assert result.ok and result.checked == 24 - since, since
    assert ledger.verify("T0001").head.h == _chain(23)[-1][2]


@pytest.mark.parametrize(
    ("sql", "params", "bad_seq", "problem"),
    [
        ("UPDATE audit_entries SET entry = ? WHERE seq = ?", ['{"kind":"x"}', 10], 10, "hash_mismatch"),
        ("DELETE FROM audit_entries WHERE seq = ?", [11], 11, "gap"),
        ("UPDATE audit_entries SET h = ? WHERE seq = ?", ["ab" * 32, 16], 16, "hash_mismatch"),
        ("UPDATE audit_entries SET seq = 99 WHERE seq = ?", [5], 5, "gap"),
    ],
)
def test_the_hub_names_its_copy_tampered_in_its_database(ledger, sql, params, bad_seq, problem):
    _hub_db(ledger).execute(sql, params)
    result = ledger.verify("T0001")
    assert (result.ok, result.bad_seq, result.problem) == (False, bad_seq, problem)
