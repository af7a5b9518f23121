"""What an attacker with the audit file does, written against its raw layout (kiosk.audit_blocks):
each change goes straight into the SQLite file, to a tail row or inside a sealed block, wherever the
entry is held. The tests then check that AuditLog.verify names it."""

from __future__ import annotations

import sqlite3

from contract.audit_chain import GENESIS, PREFIX, hashed_bytes


class Tamper:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _block(self, seq: int) -> tuple[int, list[bytes], list[bytes]] | None:
        """(first_seq, hashed bytes, hashes) of the block holding `seq`, or None (a tail row): each
        entry as the block holds it, h_{n-1} ‖ seq ‖ entry (kiosk.audit_blocks)."""
        row = self.conn.execute(
            "SELECT first_seq, sep, inputs, hashes FROM blocks WHERE first_seq <= ? AND first_seq + n > ? ",
            (seq, seq),
        ).fetchone()
        if row is None:
            return None
        first, sep, inputs, hashes = row
        return first, inputs.split(sep), [hashes[i : i + 32] for i in range(0, len(hashes), 32)]

    def _write_block(self, first: int, inputs: list[bytes], hashes: list[bytes]) -> None:
        sep = self.conn.execute("SELECT sep FROM blocks WHERE first_seq = ?", (first,)).fetchone()[0]
        self.conn.execute(
            "UPDATE blocks SET n = ?, inputs = ?, hashes = ? WHERE first_seq = ?",
            (len(inputs), sep.join(inputs), b"".join(hashes), first),
        )

    def _h_before(self, first: int) -> bytes:
        row = self.conn.execute(
            "SELECT substr(hashes, -32) FROM blocks WHERE first_seq + n = ?", (first,)
        ).fetchone()
        return GENESIS if row is None else row[0]

    def blocks(self) -> int:
        return self.conn.execute("SELECT count(*) FROM blocks").fetchone()[0]

    def rows(self) -> int:
        return self.conn.execute("SELECT count(*) FROM entries").fetchone()[0]

    def get(self, seq: int) -> tuple[bytes, bytes]:
        block = self._block(seq)
        if block is None:
            entry, h = self.conn.execute("SELECT entry, h FROM entries WHERE seq = ?", (seq,)).fetchone()
            return bytes(entry), bytes(h)
        first, inputs, hashes = block
        return inputs[seq - first][PREFIX:], hashes[seq - first]

    def put(self, seq: int, entry: bytes | None = None, h: bytes | None = None) -> None:
        """Overwrite entry `seq`'s stored bytes and/or its stored h (in a block: the entry part of
        its hashed bytes; the h_{n-1} ‖ seq before it stay as they were)."""
        old_entry, old_h = self.get(seq)
        entry, h = (old_entry if entry is None else entry), (old_h if h is None else h)
        block = self._block(seq)
        if block is None:
            self.conn.execute("UPDATE entries SET entry = ?, h = ? WHERE seq = ?", (entry, h, seq))
            return
        first, inputs, hashes = block
        inputs[seq - first], hashes[seq - first] = inputs[seq - first][:PREFIX] + entry, h
        self._write_block(first, inputs, hashes)

    def delete(self, seq: int) -> tuple[bytes, bytes]:
        """Take entry `seq` out (the ones after it in its block move up); returns what it held."""
        held = self.get(seq)
        block = self._block(seq)
        if block is None:
            self.conn.execute("DELETE FROM entries WHERE seq = ?", (seq,))
        else:
            first, inputs, hashes = block
            del inputs[seq - first], hashes[seq - first]
            self._write_block(first, inputs, hashes)
        return held

    def insert(self, seq: int, entry: bytes, h: bytes) -> None:
        """Put an entry back at `seq`: into the block whose run it extends, else as a tail row. In a
        block it gets the h_{n-1} ‖ seq its new place should have (the attacker covers the move)."""
        row = self.conn.execute(
            "SELECT first_seq FROM blocks WHERE first_seq <= ? AND first_seq + n >= ? ", (seq, seq)
        ).fetchone()
        if row is None:
            self.conn.execute("INSERT INTO entries (seq, entry, h) VALUES (?, ?, ?)", (seq, entry, h))
            return
        first, inputs, hashes = self._block(row[0]) or (row[0], [], [])
        before = hashes[seq - first - 1] if seq > first else self._h_before(first)
        inputs.insert(seq - first, hashed_bytes(before, seq, entry))
        hashes.insert(seq - first, h)
        self._write_block(first, inputs, hashes)

    def move(self, seq: int, to: int) -> None:
        self.insert(to, *self.delete(seq))

    def truncate_after(self, seq: int) -> None:
        """Delete every entry above `seq` (the tail of the chain)."""
        self.conn.execute("DELETE FROM entries WHERE seq > ?", (seq,))
        self.conn.execute("DELETE FROM blocks WHERE first_seq > ?", (seq,))
        block = self._block(seq)
        if block is not None:
            first, inputs, hashes = block
            self._write_block(first, inputs[: seq - first + 1], hashes[: seq - first + 1])

    def all_entry_bytes(self) -> bytes:
        rows = b"".join(bytes(r[0]) for r in self.conn.execute("SELECT entry FROM entries"))
        return rows + b"".join(bytes(r[0]) for r in self.conn.execute("SELECT inputs FROM blocks"))
