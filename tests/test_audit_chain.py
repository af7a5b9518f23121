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
from hub.audit_store import AuditLedger
from hub.store import HubStore
from tests.audit_tamper import HubTamper


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


@pytest.fixture(params=[256, 4], ids=["rows", "blocks_of_4"])
def ledger(tmp_path, request):
    """23 entries held by the hub: all tail rows (blocks of 256), or 5 blocks of 4 and 3 rows."""
    store = HubStore(tmp_path / "hub.sqlite")
    book = AuditLedger(store, block_size=request.param)
    book.add_entries("T0001", [{"seq": s, "entry": e, "h": h} for s, e, h in _chain(23)])
    yield book
    store.close()


def _hub_db(ledger):
    return ledger.store._db.conn


def _tamper(ledger):
    return HubTamper(_hub_db(ledger), "T0001")


def test_the_hub_holds_full_runs_in_blocks_and_verifies_its_copy_from_any_since(ledger):
    tamper = _tamper(ledger)
    assert (tamper.blocks(), tamper.rows()) == ((0, 23) if ledger._block_size == 256 else (5, 3))
    for since in range(1, 25):
        result = ledger.verify("T0001", since)
        assert result.ok and result.checked == 24 - since, since
    assert ledger.verify("T0001").head.h == _chain(23)[-1][2]
    assert ledger.held_head("T0001") == ledger.verify("T0001").head
    assert [e["seq"] for e in ledger.entries("T0001", 2, 3)] == [3, 4, 5]
    assert [e["n"] for e in ledger.entries("T0001", 18, 100)] == list(range(19, 24))


def _delete_run(tamper, first, last):
    for seq in range(last, first - 1, -1):  # from the top: in a block, the entries after one move up
        tamper.delete(seq)


def _swap(tamper, a, b):
    held_a, held_b = tamper.get(a), tamper.get(b)
    tamper.put(a, *held_b)
    tamper.put(b, *held_a)


@pytest.mark.parametrize(
    ("tampering", "bad_seq", "problem"),
    [
        (lambda t: t.put(10, entry=b'{"kind":"x"}'), 10, "hash_mismatch"),
        (lambda t: t.delete(11), 11, "gap"),
        (lambda t: t.put(16, h=bytes.fromhex("ab" * 32)), 16, "hash_mismatch"),
        (lambda t: t.move(5, 99), 5, "gap"),  # renumbered to the end
        (lambda t: _swap(t, 4, 5), 4, "hash_mismatch"),  # reordered
        (lambda t: _swap(t, 8, 9), 8, "hash_mismatch"),  # reordered across two blocks
        (lambda t: _delete_run(t, 5, 12), 5, "gap"),  # whole blocks of 4
        (lambda t: t.put(7, entry=b'{"kind":\n"x"}'), 7, "hash_mismatch"),
        (lambda t: t.put(22, entry=b'{"kind":"x"}'), 22, "hash_mismatch"),  # the tail, after the blocks
        (lambda t: (t.truncate_after(0), t._add_row(9000, b"{}", bytes(32))), 1, "gap"),  # one beyond
    ],
    ids=["edit", "delete", "edit_h", "renumber", "reorder", "reorder_across", "delete_run", "newline", "tail",
         "truncate_all_but_one_beyond"],
)  # fmt: skip
def test_the_hub_names_its_copy_tampered_in_its_database(ledger, tampering, bad_seq, problem):
    tampering(_tamper(ledger))
    result = ledger.verify("T0001")
    assert (result.ok, result.bad_seq, result.problem) == (False, bad_seq, problem)


def test_a_tail_h_that_is_no_hex_is_refused_loudly(ledger):
    """As the row-by-row check always did (a sealed block stores its hashes as bytes)."""
    _hub_db(ledger).execute("UPDATE audit_entries SET h = 'not hex' WHERE seq = 22")
    with pytest.raises(ValueError):
        ledger.verify("T0001")


def test_a_checkpoint_the_held_copy_contradicts_is_named_rewritten(ledger):
    """A heartbeat's head for seq 6 (in a block, or a row) that the held copy no longer matches:
    flagged when it arrives, and named by every verify, whatever its since."""
    ledger.record_head("T0001", 6, _chain(23)[5][2])
    assert ledger.verify("T0001").ok and ledger.flags("T0001") == []
    ledger.record_head("T0001", 9, "ab" * 32)
    assert [(f.problem, f.seq) for f in ledger.flags("T0001")] == [("rewritten", 9)]
    ledger.record_head("T0001", 21, _chain(23)[20][2])
    for since in (1, 9, 10, 20):
        result = ledger.verify("T0001", since)
        assert (result.ok, result.bad_seq, result.problem) == (False, 9, "rewritten"), since


def test_an_entry_moved_out_of_one_block_into_the_next_is_a_gap(tmp_path):
    store = HubStore(tmp_path / "hub.sqlite")
    book = AuditLedger(store, block_size=4)
    book.add_entries("T0001", [{"seq": s, "entry": e, "h": h} for s, e, h in _chain(10)])
    HubTamper(store._db.conn, "T0001").move(2, 6)
    result = book.verify("T0001")
    assert (result.ok, result.bad_seq, result.problem, result.head.seq) == (False, 2, "gap", 1)
    store.close()


def test_what_cannot_be_sealed_stays_rows_and_still_verifies(tmp_path):
    """An entry holding a newline (not what a terminal writes, but a chain) seals like any other; an
    h in capitals (verify_rows reads it as the same h) keeps its run as rows, verified row by row."""
    store = HubStore(tmp_path / "hub.sqlite")
    book = AuditLedger(store, block_size=4)
    rows = _chain(14, lambda seq: '{"a":\n1}' if seq == 6 else f'{{"n":{seq}}}')
    book.add_entries("T0001", [{"seq": s, "entry": e, "h": h} for s, e, h in rows[:9]])
    store._db.conn.execute("UPDATE audit_entries SET h = upper(h) WHERE seq = 9")
    book.add_entries("T0001", [{"seq": s, "entry": e, "h": h} for s, e, h in rows[9:]])
    assert (HubTamper(store._db.conn, "T0001").blocks(), HubTamper(store._db.conn, "T0001").rows()) == (2, 6)
    for since in (1, 5, 7, 9, 11, 14):
        result = book.verify("T0001", since)
        assert result.ok and result.checked == 15 - since and result.head.h == rows[-1][2], since
    store.close()
