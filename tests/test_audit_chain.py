"""The contract's block verifier (contract.audit_chain.chain_block, the terminal's fast path) gives
the verdicts the row-by-row verify_rows gives, and the hub's copy of a chain, tampered in its own
database, is named at the right entry."""

from __future__ import annotations

import pytest

from contract.audit_chain import (
    GENESIS,
    chain_block,
    chain_hash,
    check_inputs,
    hashed_bytes,
    verify_rows,
)
from hub import audit_store
from hub.audit_store import AuditLedger
from hub.store import HubStore


def _chain(n: int, entry=lambda seq: f'{{"kind":"session_end","n":{seq}}}') -> list[tuple[int, str, str]]:
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        prev = chain_hash(prev, seq, entry(seq).encode())
        rows.append((seq, entry(seq), prev.hex()))
    return rows


def _rows_verdict(rows):
    r = verify_rows((s, e.encode(), bytes.fromhex(h)) for s, e, h in rows)
    return (r.ok, r.checked, r.bad_seq)


def _blocks_verdict(rows, size):
    """The same check block by block through chain_block (seqs taken as positions)."""
    prev, start = GENESIS, 1
    for i in range(0, len(rows), size):
        part = rows[i : i + size]
        entries = [e.encode() for _, e, _ in part]
        good, prev = chain_block(prev, start, entries, b"".join(bytes.fromhex(h) for _, _, h in part))
        start += good
        if good < len(part):
            return (False, start - 1, start)
    return (True, start - 1, None)


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
@pytest.mark.parametrize("tamper", ["none", "edit", "swap", "edit_h", "newline_that_chains"])
def test_chain_block_block_by_block_agrees_with_verify_rows(size, tamper):
    rows = _chain(30)
    if tamper == "edit":
        rows[11] = (12, '{"kind":"session_end","n":0}', rows[11][2])
    elif tamper == "swap":
        rows[3], rows[4] = (4, rows[4][1], rows[4][2]), (5, rows[3][1], rows[3][2])
    elif tamper == "edit_h":
        rows[20] = (21, rows[20][1], "0" * 64)
    elif tamper == "newline_that_chains":  # not what a terminal writes, but a valid chain
        rows = _chain(30, lambda seq: '{"a":\n1}' if seq == 9 else f'{{"n":{seq}}}')
    assert _blocks_verdict(rows, size) == _rows_verdict(rows)


def _inputs(rows, prev=GENESIS):
    """Each row's hashed bytes whole, h_{n-1} taken from the row before (as a sealed block stores them)."""
    out = []
    for seq, entry, h in rows:
        out.append(hashed_bytes(prev, seq, entry.encode()))
        prev = bytes.fromhex(h)
    return out


def _hashes(rows):
    return b"".join(bytes.fromhex(h) for _, _, h in rows)


@pytest.mark.parametrize("size", [1, 4, 7, 100])
@pytest.mark.parametrize("tamper", ["none", "edit", "swap", "edit_h", "newline_that_chains"])
def test_check_inputs_gives_chain_blocks_verdicts(size, tamper):
    rows = _chain(30)
    if tamper == "edit":
        rows[11] = (12, '{"kind":"session_end","n":0}', rows[11][2])
    elif tamper == "swap":
        rows[3], rows[4] = (4, rows[4][1], rows[4][2]), (5, rows[3][1], rows[3][2])
    elif tamper == "edit_h":
        rows[20] = (21, rows[20][1], "0" * 64)
    elif tamper == "newline_that_chains":
        rows = _chain(30, lambda seq: '{"a":\n1}' if seq == 9 else f'{{"n":{seq}}}')
    inputs, hashes = _inputs(rows), _hashes(rows)
    prev, start = GENESIS, 1
    for i in range(0, len(rows), size):
        part = slice(i, i + size)
        want = chain_block(prev, start, [e.encode() for _, e, _ in rows[part]], hashes[32 * i : 32 * (i + size)])
        got = check_inputs(prev, start, inputs[part], hashes[32 * i : 32 * (i + size)])
        assert got == want, (i, got, want)
        if want[0] < len(rows[part]):
            break
        prev, start = want[1], start + want[0]


def _self_consistent(inputs, at, prefix):
    """An attacker's block: input `at` gets another h_{n-1} ‖ seq, and every h from there on is made
    to fit the stored bytes (each later input's h_{n-1} too): hash for hash, the stored bytes agree."""
    inputs = list(inputs)
    inputs[at] = prefix + inputs[at][40:]
    hashes = []
    prev = GENESIS
    for i, item in enumerate(inputs):
        if i > at:
            item = inputs[i] = prev + item[32:]
        prev = chain_hash(item[:32], int.from_bytes(item[32:40], "big"), item[40:])
        hashes.append(prev)
    return inputs, b"".join(hashes)


@pytest.mark.parametrize("field", ["seq", "prev"])
def test_check_inputs_names_hashed_bytes_whose_prefix_is_not_the_chains(field):
    """Stored bytes that hash to their stored h but whose h_{n-1} or seq is not the chain's would
    upload entries the hub cannot chain: the entry is named bad, not passed."""
    rows = _chain(12)
    inputs = _inputs(rows)
    prev5, seq5 = inputs[5][:32], inputs[5][32:40]
    prefix = prev5 + (99).to_bytes(8, "big") if field == "seq" else bytes(32) + seq5
    forged, hashes = _self_consistent(inputs, 5, prefix)
    assert check_inputs(GENESIS, 1, forged, hashes) == (5, bytes.fromhex(rows[4][2]))
    assert check_inputs(GENESIS, 1, inputs, _hashes(rows)) == (12, bytes.fromhex(rows[-1][2]))
    assert check_inputs(GENESIS, 1, [b"short"] + inputs[1:], _hashes(rows))[0] == 0
    assert check_inputs(GENESIS, 1, [], b"") == (0, GENESIS)


@pytest.fixture(params=[4096, 4], ids=["one_chunk", "chunks_of_4"])
def ledger(tmp_path, monkeypatch, request):
    monkeypatch.setattr(audit_store, "VERIFY_CHUNK", request.param)
    store = HubStore(tmp_path / "hub.sqlite")
    book = AuditLedger(store)
    book.add_entries("T0001", [{"seq": s, "entry": e, "h": h} for s, e, h in _chain(23)])
    yield book
    store.close()


def _hub_db(ledger):
    return ledger.store._db.conn


def test_the_hub_verifies_its_copy_from_any_since(ledger):
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
        ("DELETE FROM audit_entries WHERE seq >= ? AND seq < 13", [5], 5, "gap"),  # whole chunks of 4
        ("DELETE FROM audit_entries WHERE seq > ?", [0], 1, "gap"),  # nothing held but an entry beyond
        ("UPDATE audit_entries SET entry = ? WHERE seq = ?", ['{"kind":\n"x"}', 7], 7, "hash_mismatch"),
        ("UPDATE audit_entries SET h = ? WHERE seq = ?", ["not hex", 3], None, None),
    ],
)
def test_the_hub_names_its_copy_tampered_in_its_database(ledger, sql, params, bad_seq, problem):
    _hub_db(ledger).execute(sql, params)
    if "seq > ?" in sql:  # every row gone, then one far beyond: not an empty, good chain
        _hub_db(ledger).execute(
            "INSERT INTO audit_entries (terminal_id, seq, h, entry, received_at) VALUES ('T0001', 9000, ?, '{}', 'x')",
            ["ab" * 32],
        )
    if bad_seq is None:  # an h that is no hex at all: refused loudly, as the row-by-row check always did
        with pytest.raises(ValueError):
            ledger.verify("T0001")
        return
    result = ledger.verify("T0001")
    assert (result.ok, result.bad_seq, result.problem) == (False, bad_seq, problem)


def test_what_the_chunked_read_cannot_take_whole_still_verifies_row_by_row(tmp_path, monkeypatch):
    """An entry holding a newline (not what a terminal writes, but a chain) and an h in capitals
    (verify_rows reads it as the same h): the chunk they are in is verified row by row, still OK."""
    monkeypatch.setattr(audit_store, "VERIFY_CHUNK", 4)
    store = HubStore(tmp_path / "hub.sqlite")
    book = AuditLedger(store)
    rows = _chain(14, lambda seq: '{"a":\n1}' if seq == 6 else f'{{"n":{seq}}}')
    book.add_entries("T0001", [{"seq": s, "entry": e, "h": h} for s, e, h in rows])
    store._db.conn.execute("UPDATE audit_entries SET h = upper(h) WHERE seq = 10")
    for since in (1, 5, 7, 11, 14):
        result = book.verify("T0001", since)
        assert result.ok and result.checked == 15 - since and result.head.h == rows[-1][2], since
    store.close()
